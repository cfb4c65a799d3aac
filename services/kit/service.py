"""Wiring of a service's worker process from its descriptor (the api's is :func:`.web.service_app`).

Nothing here imports Flask or a service's routes: the worker process never loads them.
"""
from __future__ import annotations

from . import config, logs
from .consuming import EventRouter
from .db import Database
from .descriptor import ServiceDescriptor
from .worker import Worker


def database(descriptor: ServiceDescriptor, settings: config.Settings | None = None) -> Database:
    settings = settings or config.load(descriptor.name)
    return Database(settings.database_url, descriptor.metadata, source=f"/ptghub/{descriptor.name}",
                    wake=settings.wake)


def build_worker(descriptor: ServiceDescriptor, settings: config.Settings | None = None) -> Worker:
    settings = settings or config.load(descriptor.name)
    db = database(descriptor, settings)
    subscriptions = descriptor.subscriptions(db) if descriptor.subscriptions else []
    router = EventRouter(db, subscriptions) if subscriptions else None
    return Worker(settings, db, router, descriptor.timers(db) if descriptor.timers else [])


def run_worker(descriptor: ServiceDescriptor, settings: config.Settings | None = None) -> None:
    settings = settings or config.load(descriptor.name)
    config.apply_switch_interval(settings)
    logs.configure(f"{descriptor.name}-worker", settings.log_level)
    build_worker(descriptor, settings).run_forever()
