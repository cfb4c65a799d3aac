"""The notes service's descriptor: what app.py, worker.py, the tests and the kit's commands wire."""
from pathlib import Path

import services.notes as package
from services.kit.descriptor import ServiceDescriptor

from . import SERVICE, consumers, schemas, store, track_notes_schemas


def timers(database):
    """The worker's timers (the search indexer), imported only when the worker starts."""
    from . import timers as worker_timers

    return worker_timers.timers(database)


def blueprints():
    """The api's routes (imported here, so the worker never loads them)."""
    from . import api, track_notes_api

    return [api.blueprint, track_notes_api.blueprint]


DESCRIPTOR = ServiceDescriptor(
    name=SERVICE,
    description=package.__doc__.strip().splitlines()[0],
    package_dir=Path(package.__file__).parent,
    metadata=store.Base.metadata,
    schemas={**schemas.SCHEMAS, **track_notes_schemas.SCHEMAS},
    events=schemas.EVENTS,
    blueprints=blueprints,
    subscriptions=consumers.subscriptions,
    timers=timers,
)
