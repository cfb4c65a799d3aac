"""The schedule service's descriptor: what app.py, worker.py, the tests and the kit's commands wire."""
from pathlib import Path

import services.schedule as package
from services.kit.descriptor import ServiceDescriptor

from . import SERVICE, consumers, schemas, store, timers


def blueprints():
    """The api's routes (imported here, so the worker never loads them)."""
    from . import api
    from .routes import board, booking, exports, live, motd, ptgbot

    return [api.blueprint, live.blueprint, booking.blueprint, motd.blueprint, board.blueprint, ptgbot.blueprint,
            exports.blueprint]


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
