"""The in-process tier: a service's operations against a SQLite database in a temp dir, without
Flask or the broker. A rule written in an operation gets a test of a few milliseconds here; the
integration tier (real PostgreSQL and RabbitMQ) stays for what needs them."""
from contextlib import contextmanager

import pytest

from services.kit.db import Database
from services.kit.descriptor import ServiceDescriptor


@pytest.fixture
def make_database(tmp_path):
    """``make_database(DESCRIPTOR)``: that service's schema in a fresh SQLite file (WAL, as
    ``make run`` has it). The outbox rows an operation adds are in ``database.outbox``."""
    made = []

    def make(descriptor: ServiceDescriptor) -> Database:
        database = Database(f"sqlite:///{tmp_path / descriptor.name}.db", descriptor.metadata,
                            source=f"/ptghub/{descriptor.name}")
        descriptor.metadata.create_all(database.engine)
        made.append(database)
        return database

    yield make
    for database in made:
        database.dispose()


def outbox_types(database: Database) -> list[str]:
    """The event types an operation queued, in order."""
    with database.engine.connect() as connection:
        return [row.event_type for row in connection.execute(
            database.outbox.select().order_by(database.outbox.c.seq))]


@contextmanager
def transaction(database: Database):
    """A unit of work committed when the block ends without an error, as a route or the event
    router commits after its operation (operations never commit themselves)."""
    with database.unit_of_work() as uow:
        yield uow
        uow.commit()


def run(database: Database, operation, *args):
    """``operation(uow, *args)`` in a unit of work of its own, committed as a route commits it."""
    with transaction(database) as uow:
        return operation(uow, *args)


def read(database: Database, operation, *args):
    """``operation(uow, *args)`` in a read-only unit of work; what it answers stays readable after (expunged)."""
    with database.unit_of_work(readonly=True) as uow:
        result = operation(uow, *args)
        uow.session.expunge_all()
        return result
