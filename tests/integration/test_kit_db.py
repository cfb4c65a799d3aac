"""The kit's database plumbing against the real PostgreSQL (and SQLite where it applies): a pooled
connection the server ended is replaced at checkout (no request fails for it), a claim hands
back its rows in order from the one UPDATE ... RETURNING, and an event's inbox row is checked and
written by one statement."""
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.kit.cloudevents import CloudEvent
from services.kit.db import Database, add_kit_tables, claim_batch, utcnow

pytestmark = pytest.mark.integration

METADATA = sa.MetaData()
add_kit_tables(METADATA)


def make(url: str) -> Database:
    database = Database(url, METADATA, source="/ptghub/test", wake=False)
    METADATA.create_all(database.engine)
    return database


@pytest.fixture
def postgres(infra):
    database = make(infra.database_url("kitdb"))
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, infra, tmp_path):
    database = make(f"sqlite:///{tmp_path / 'kit.db'}" if request.param == "sqlite" else infra.database_url("kitdb"))
    yield database
    database.dispose()


def backend_pid(database: Database) -> int:
    with database.engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def test_a_pooled_connection_the_server_ended_is_replaced_at_checkout(postgres, infra):
    first = backend_pid(postgres)
    assert backend_pid(postgres) == first  # the pool hands the same idle connection out again
    admin = sa.create_engine(infra.pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
    admin.dispose()
    time.sleep(0.2)  # the server's goodbye has reached the idle socket
    with postgres.unit_of_work() as uow:  # no OperationalError: the dead connection never reaches the caller
        uow.publish("ptghub.test.after_restart", {"n": 1})
        uow.commit()
    assert backend_pid(postgres) != first
    with postgres.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(postgres.outbox)).scalar_one() == 1


def test_a_claim_returns_the_first_ready_rows_in_order_and_only_once(database):
    outbox = database.outbox
    with database.unit_of_work() as uow:
        for n in range(5):
            uow.publish("ptghub.test.claimed", {"n": n})
        uow.commit()
    ready = outbox.c.sent_at.is_(None)
    claim, rows = claim_batch(database, outbox, order_by=outbox.c.seq, ready=ready, limit=3,
                              lease=timedelta(seconds=10))
    assert [r.seq for r in rows] == sorted(r.seq for r in rows) and len(rows) == 3
    assert all(r.claim == claim and r.claimed_until > utcnow() for r in rows)
    other, rest = claim_batch(database, outbox, order_by=outbox.c.seq, ready=ready, limit=10,
                              lease=timedelta(seconds=10))
    assert len(rest) == 2 and min(r.seq for r in rest) > max(r.seq for r in rows) and other != claim


def test_an_event_is_marked_processed_once_and_not_by_a_unit_of_work_that_rolled_back(database):
    event = CloudEvent(type="ptghub.test.consumed", source="/ptghub/test", data={})
    with database.unit_of_work() as uow:
        assert uow.mark_processed(event)  # rolled back: never committed
    with database.unit_of_work() as uow:
        assert uow.mark_processed(event)
        uow.commit()
    with database.unit_of_work() as uow:
        assert not uow.mark_processed(event)
    with database.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(database.inbox)).scalar_one() == 1
