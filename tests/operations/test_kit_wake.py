"""The kit's wake on SQLite (the embedded default): a commit in one process's database rings the
loops listening on another (two Database objects on one file stand for the api and the worker),
with a datagram on a UNIX socket beside the database file."""
import os
import socket
import time

import pytest
import sqlalchemy as sa

from services.kit.db import Database, add_kit_tables
from services.kit.wake import OUTBOX, socket_directory


@pytest.fixture
def databases(tmp_path):
    metadata = sa.MetaData()
    add_kit_tables(metadata)
    made = []

    def make(wake=True, path=None):
        database = Database(f"sqlite:///{path or tmp_path / 'kit.db'}", metadata, source="/ptghub/test", wake=wake)
        metadata.create_all(database.engine)
        made.append(database)
        return database

    yield make
    for database in made:
        database.dispose()


def publish(database, event_type="ptghub.test.happened"):
    with database.unit_of_work() as uow:
        uow.publish(event_type, {"n": 1})
        uow.commit()


def test_a_commit_with_events_rings_the_outbox_listener_of_another_database_at_once(databases):
    worker, api = databases(), databases()
    wake = worker.bells.wake(OUTBOX)
    assert worker.bells.listening(OUTBOX)
    for _ in range(3):
        publish(api)
        began = time.monotonic()
        assert wake.wait(5.0) is True
        assert time.monotonic() - began < 1.0


def test_a_rolled_back_unit_of_work_rings_nothing(databases):
    worker, api = databases(), databases()
    wake = worker.bells.wake(OUTBOX)
    with api.unit_of_work() as uow:
        uow.publish("ptghub.test.happened", {"n": 1})  # no commit
    assert wake.wait(0.3) is False


def test_a_named_ring_wakes_that_channel_only_and_in_this_process_too(databases):
    worker, api = databases(), databases()
    deliveries, outbox = worker.bells.wake("notify.webhooks"), worker.bells.wake(OUTBOX)
    with api.unit_of_work() as uow:
        uow.ring("notify.webhooks")
        uow.commit()
    assert deliveries.wait(5.0) is True and outbox.wait(0.2) is False
    with worker.unit_of_work() as uow:  # the consumer's commit in the worker itself: rung directly
        uow.ring("notify.webhooks")
        uow.commit()
    assert deliveries.wait(0.05) is True


def test_every_listener_of_a_channel_is_rung(databases):
    relays = [databases(), databases()]
    wakes = [relay.bells.wake(OUTBOX) for relay in relays]
    publish(databases())
    assert [wake.wait(5.0) for wake in wakes] == [True, True]


def test_with_ringing_off_nothing_is_rung(databases):
    worker, api = databases(), databases(wake=False)
    wake = worker.bells.wake(OUTBOX)
    publish(api)
    assert wake.wait(0.3) is False
    assert not databases(wake=False).bells.listening(OUTBOX)


def test_a_socket_left_by_a_dead_listener_is_removed_and_the_others_still_rung(databases, tmp_path):
    worker, api = databases(), databases()
    wake = worker.bells.wake(OUTBOX)
    directory = socket_directory(tmp_path / "kit.db")
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(directory / f"{os.getpid() + 1}-deadbeef-{OUTBOX}"))
    dead.close()  # the file stays, nobody reads it: what a killed relay leaves
    publish(api)
    assert wake.wait(5.0) is True
    assert sorted(os.listdir(directory)) == [n for n in os.listdir(directory) if "deadbeef" not in n]


def test_a_database_path_too_long_for_a_socket_address_rings_through_the_temp_dir(databases, tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    worker, api = databases(path=deep / "kit.db"), databases(path=deep / "kit.db")
    wake = worker.bells.wake(OUTBOX)
    assert worker.bells.listening(OUTBOX) and not str(socket_directory(deep / "kit.db")).startswith(str(deep))
    publish(api)
    assert wake.wait(5.0) is True
