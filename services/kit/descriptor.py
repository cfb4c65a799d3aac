"""A service's one descriptor: everything the wiring needs to know about it, in one place.

``app.py`` builds the Flask app from it, ``worker.py`` starts its relay, consumer and timers from
it, the tests start a service from it, and the kit's commands (``openapi``, ``asyncapi``,
``manage``) read its schemas, events, routes and migrations from it. Nothing finds a module by
its name. The routes are given as a function, so the worker process never imports them.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

import sqlalchemy as sa

if TYPE_CHECKING:  # typing only: the descriptor module must not pull in Flask or the broker
    from flask import Blueprint
    from marshmallow import Schema

    from .consuming import Subscription
    from .db import Database

Loop = Callable[[threading.Event], None]


@dataclass(frozen=True)
class ServiceDescriptor:
    name: str
    description: str
    package_dir: Path  # holds ``migrations/`` (Alembic)
    metadata: sa.MetaData
    # named components of the service's OpenAPI document (marshmallow is the one source of truth)
    schemas: Mapping[str, "Schema"] = field(default_factory=dict)
    # every event type the service publishes, with the schema of its ``data`` (AsyncAPI)
    events: Mapping[str, "Schema"] = field(default_factory=dict)
    # the api's route blueprints, imported only when called (the api process, the openapi command)
    blueprints: Callable[[], list["Blueprint"]] | None = None
    # what the worker's consumer subscribes to: ``subscriptions(database)``
    subscriptions: Callable[["Database"], list["Subscription"]] | None = None
    # the worker's own loops beside the relay and the consumer: ``timers(database)``
    timers: Callable[["Database"], list[Loop]] | None = None

    @property
    def migrations_dir(self) -> Path:
        return self.package_dir / "migrations"
