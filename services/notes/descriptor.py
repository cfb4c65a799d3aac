"""The notes service's descriptor: what app.py, worker.py, the tests and the kit's commands wire."""
from pathlib import Path

import services.notes as package
from services.kit.descriptor import ServiceDescriptor

from . import SERVICE, consumers, schemas, store


def timers(database):
    """The worker's timers (the search indexer), imported only when the worker starts."""
    from . import timers as worker_timers

    return worker_timers.timers(database)


def blueprints():
    """The api's routes (imported here, so the worker never loads them): the blueprint ``notes``, which
    :mod:`.routes.free_notes`, :mod:`.routes.summaries` and :mod:`.routes.search` add their routes to
    (endpoint ``notes.<view>``), and ``track_notes``."""
    from .routes import notes
    from .routes import free_notes, summaries, search  # noqa: F401 (their routes, on notes.blueprint)
    from .routes import track_notes

    return [notes.blueprint, track_notes.blueprint]


DESCRIPTOR = ServiceDescriptor(
    name=SERVICE,
    description=package.__doc__.strip().splitlines()[0],
    package_dir=Path(package.__file__).parent,
    metadata=store.Base.metadata,
    schemas=schemas.SCHEMAS,
    events=schemas.EVENTS,
    blueprints=blueprints,
    subscriptions=consumers.subscriptions,
    timers=timers,
)
