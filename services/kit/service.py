"""Wiring that every service's ``app`` and ``worker`` modules share."""
from __future__ import annotations

import threading
from typing import Callable

import sqlalchemy as sa
from flask import Blueprint, Flask

from . import config, logs, web
from .consuming import EventDispatcher, Subscription
from .db import Database
from .worker import Worker


def database(service: str, metadata: sa.MetaData, settings: config.Settings | None = None) -> Database:
    settings = settings or config.load(service)
    return Database(settings.database_url, metadata, source=f"/ptghub/{service}")


def service_app(service: str, metadata: sa.MetaData, blueprints: list[Blueprint],
                settings: config.Settings | None = None) -> Flask:
    settings = settings or config.load(service)
    logs.configure(service, settings.log_level)
    return web.create_app(service, database(service, metadata, settings), blueprints, settings.amqp_url)


def build_worker(service: str, metadata: sa.MetaData, subscriptions: Callable[[Database], list[Subscription]],
                 timers: Callable[[Database], list[Callable[[threading.Event], None]]] | None = None,
                 settings: config.Settings | None = None) -> Worker:
    settings = settings or config.load(service)
    db = database(service, metadata, settings)
    subs = subscriptions(db)
    dispatcher = EventDispatcher(db, subs) if subs else None
    return Worker(settings, db, dispatcher, timers(db) if timers else [])


def run_worker(service: str, *args, **kwargs) -> None:
    settings = kwargs.get("settings") or config.load(service)
    logs.configure(f"{service}-worker", settings.log_level)
    build_worker(service, *args, **kwargs).run_forever()
