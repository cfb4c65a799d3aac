"""The relay and notify's webhook loop woken by the commit that made their work, on SQLite and
PostgreSQL, with a real broker: with a 5 s fallback poll the event still arrives in well under a
second, and with ringing off (every ring lost) the poll alone still delivers it."""
import threading
import time

import pytest
import sqlalchemy as sa

from services.kit.amqp import ConfirmingPublisher
from services.kit.db import Database, add_kit_tables
from services.kit.relay import OutboxRelay
from services.kit.wake import OUTBOX
from services.notify.descriptor import DESCRIPTOR as notify_service

from ..infra import publish_event, purge_queue, wait_until
from .conftest import Receiver
from .test_notify import BOT, SESSION, subscribe

pytestmark = pytest.mark.integration

METADATA = sa.MetaData()
add_kit_tables(METADATA)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, infra, tmp_path):
    url = f"sqlite:///{tmp_path / 'kit.db'}" if request.param == "sqlite" else infra.database_url("wake")
    setup = Database(url, METADATA, source="/ptghub/test", wake=False)
    METADATA.create_all(setup.engine)
    setup.dispose()
    return url


@pytest.fixture
def relays(infra, database_url):
    """``relays(interval)``: an outbox relay in a worker-like process of its own (its own Database)."""
    running = []

    def start(interval: float) -> OutboxRelay:
        database = Database(database_url, METADATA, source="/ptghub/test")
        relay = OutboxRelay(database, ConfirmingPublisher(infra.amqp_url, infra.exchange), interval=interval)
        stop = threading.Event()
        thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
        thread.start()
        running.append((relay, stop, thread))
        wait_until(lambda: database.bells.listening(OUTBOX), timeout=5, message="relay listening")
        time.sleep(0.1)  # its first (empty) round is done: it waits now
        return relay

    yield start
    for relay, stop, thread in running:
        stop.set()
        thread.join(timeout=5)
        relay.database.dispose()


def publish(database: Database, n: int = 1) -> list[str]:
    with database.unit_of_work() as uow:
        ids = [uow.publish("ptghub.test.woken", {"n": i}).id for i in range(n)]
        uow.commit()
    return ids


def arrival(probe, event_id: str, timeout: float) -> float:
    began = time.monotonic()
    probe.wait_for("ptghub.test.woken", lambda e: e["id"] == event_id, timeout=timeout)
    return time.monotonic() - began


def test_a_commit_in_another_process_wakes_the_relay_without_waiting_for_its_poll(relays, database_url, probe):
    relays(interval=5.0)
    api = Database(database_url, METADATA, source="/ptghub/test")  # the api process's own
    try:
        took = [arrival(probe, publish(api)[0], timeout=4.0) for _ in range(5)]
    finally:
        api.dispose()
    assert max(took) < 1.0, took


def test_two_relays_woken_together_publish_each_event_once(relays, database_url, probe):
    relays(interval=5.0)
    relays(interval=5.0)
    api = Database(database_url, METADATA, source="/ptghub/test")
    try:
        ids = publish(api, 20) + publish(api, 20)
        began = time.monotonic()
        wait_until(lambda: {e["id"] for e in probe.of_type("ptghub.test.woken")} >= set(ids), timeout=4.0)
    finally:
        api.dispose()
    assert time.monotonic() - began < 1.0
    time.sleep(0.2)
    assert sorted(e["id"] for e in probe.of_type("ptghub.test.woken")) == sorted(ids)


def test_with_every_ring_lost_the_poll_still_publishes(relays, database_url, probe):
    relays(interval=0.5)
    api = Database(database_url, METADATA, source="/ptghub/test", wake=False)  # rings nothing
    try:
        event_id = publish(api)[0]
        began = time.monotonic()
        probe.wait_for("ptghub.test.woken", lambda e: e["id"] == event_id, timeout=5.0)
    finally:
        api.dispose()
    assert time.monotonic() - began < 2.0


@pytest.fixture
def slow_polling_notify(start_service, infra, monkeypatch):
    """notify on PostgreSQL whose delivery loops poll only every 5 s (the relay too)."""
    monkeypatch.setenv("PTGHUB_WEBHOOK_ALLOW", "127.0.0.1/32")
    monkeypatch.setenv("PTGHUB_DELIVERY_INTERVAL", "5")
    purge_queue(infra, f"{infra.queue_prefix}.notify")
    service = start_service(notify_service, relay_interval=5.0)
    wait_until(lambda: service.database.bells.listening("notify.webhooks"), timeout=5)
    time.sleep(0.1)
    return service


def test_the_consumer_that_queues_a_delivery_wakes_the_webhook_loop(slow_polling_notify, infra):
    receiver = Receiver()
    try:
        subscribe(slow_polling_notify, f"{receiver.base}/hook", ["ptghub.schedule.session.*"], headers=BOT)
        for n in range(3):
            event = publish_event(infra.amqp_url, infra.exchange, "ptghub.schedule.session.scheduled",
                                  {**SESSION, "id": f"s-{n}"})
            began = time.monotonic()
            wait_until(lambda: receiver.posts("/hook", event.id), timeout=4.0, interval=0.005)
            assert time.monotonic() - began < 1.0
    finally:
        receiver.close()


def test_the_consumer_that_queues_a_mail_wakes_the_mail_loop(start_service, infra, smtp, monkeypatch):
    """A summary queued by the consumer is mailed at once, though the mail loop polls every 5 s."""
    from .conftest import MAIL_FROM, start_notify
    from .test_notify import summary, track

    service = start_notify(start_service, infra, monkeypatch, SMTP_URL=smtp.url, MAIL_FROM=MAIL_FROM,
                           DELIVERY_INTERVAL="5")
    wait_until(lambda: service.database.bells.listening("notify.mail"), timeout=5)
    service.publish("ptghub.schedule.track.created", track("kolla", "openstack-discuss@lists.example", "kolla"))
    time.sleep(0.5)  # the track's route is in: each summary below is mailable when it is queued
    for n in range(3):
        service.publish("ptghub.notes.summary.published", summary("kolla", f"Train PTG summary, day {n + 1}"))
        began = time.monotonic()
        wait_until(lambda: len(smtp.to("openstack-discuss@lists.example")) == n + 1, timeout=6.0, interval=0.005)
        assert time.monotonic() - began < 1.5
