"""Wiring that every service's ``app`` and ``worker`` modules share, from the service's descriptor."""
from __future__ import annotations

from . import config, logs, web
from .consuming import EventDispatcher
from .db import Database
from .descriptor import ServiceDescriptor
from .worker import Worker


def database(descriptor: ServiceDescriptor, settings: config.Settings | None = None) -> Database:
    settings = settings or config.load(descriptor.name)
    return Database(settings.database_url, descriptor.metadata, source=f"/ptghub/{descriptor.name}")


def service_app(descriptor: ServiceDescriptor, settings: config.Settings | None = None):
    settings = settings or config.load(descriptor.name)
    logs.configure(descriptor.name, settings.log_level)
    blueprints = descriptor.blueprints() if descriptor.blueprints else []
    return web.create_app(descriptor.name, database(descriptor, settings), blueprints, settings.amqp_url)


def build_worker(descriptor: ServiceDescriptor, settings: config.Settings | None = None) -> Worker:
    settings = settings or config.load(descriptor.name)
    db = database(descriptor, settings)
    subscriptions = descriptor.subscriptions(db) if descriptor.subscriptions else []
    dispatcher = EventDispatcher(db, subscriptions) if subscriptions else None
    return Worker(settings, db, dispatcher, descriptor.timers(db) if descriptor.timers else [])


def run_worker(descriptor: ServiceDescriptor, settings: config.Settings | None = None) -> None:
    settings = settings or config.load(descriptor.name)
    logs.configure(f"{descriptor.name}-worker", settings.log_level)
    build_worker(descriptor, settings).run_forever()
