"""The schedule service's descriptor: what app.py, worker.py, the tests and the kit's commands wire."""
from pathlib import Path

import services.schedule as package
from services.kit.descriptor import ServiceDescriptor

from . import SERVICE, consumers, schemas, store, timers


def blueprints():
    """The api's routes, one blueprint per feature, under one ``schedule`` blueprint: every endpoint
    is ``schedule.<feature>.<view>``, as the gateway's operationIds name them. Imported here, so
    the worker never loads them."""
    from flask import Blueprint

    from . import api_exports, api_live
    from .routes import events, grid, links, rooms, sessions, tracks

    schedule = Blueprint(SERVICE, __name__)
    for feature in (events, rooms, tracks, grid, links, sessions, api_live, api_exports):
        schedule.register_blueprint(feature.blueprint)
    return [schedule]


DESCRIPTOR = ServiceDescriptor(
    name=SERVICE,
    description=package.__doc__.strip().splitlines()[0],
    package_dir=Path(package.__file__).parent,
    metadata=store.Base.metadata,
    schemas=schemas.SCHEMAS,
    events=schemas.EVENTS,
    blueprints=blueprints,
    subscriptions=consumers.subscriptions,
    timers=timers.timers,
)
