"""Real infrastructure for tests: PostgreSQL and RabbitMQ, isolated per run and cleaned up.

Testcontainers is used when a Docker engine answers; otherwise this machine's own services
(addresses overridable with PTGHUB_TEST_PG_URL and PTGHUB_TEST_AMQP_URL).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pika
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from services.kit import config
from services.kit.cloudevents import CONTENT_TYPE, CloudEvent

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"
DROPPERS = 8  # connections dropping the run's databases at its end


def docker_engine_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class Infrastructure:
    """One test run's PostgreSQL server, broker and naming prefix."""

    def __init__(self):
        self.run_id = uuid.uuid4().hex[:8]
        self._containers = []
        if docker_engine_answers() and not os.environ.get("PTGHUB_TEST_NO_CONTAINERS"):
            from testcontainers.postgres import PostgresContainer
            from testcontainers.rabbitmq import RabbitMqContainer

            postgres = PostgresContainer("postgres:16", driver="psycopg").start()
            rabbit = RabbitMqContainer("rabbitmq:3.13").start()
            self._containers = [postgres, rabbit]
            self.pg_admin_url = postgres.get_connection_url()
            params = rabbit.get_connection_params()
            self.amqp_url = f"amqp://guest:guest@{params.host}:{params.port}/%2F"
        else:
            self.pg_admin_url = os.environ.get("PTGHUB_TEST_PG_URL", LOCAL_PG)
            self.amqp_url = os.environ.get("PTGHUB_TEST_AMQP_URL", LOCAL_AMQP)
        self.exchange = f"t{self.run_id}.ptghub.events"
        self.queue_prefix = f"t{self.run_id}"
        self._databases: list[str] = []
        self._queues: set[str] = set()
        self._stacks = 0

    # -- PostgreSQL ------------------------------------------------------------------------
    def database_url(self, name: str) -> str:
        """A fresh, empty PostgreSQL database for this run, dropped by :meth:`close`."""
        database = f"ptghub_t{self.run_id}_{name}_{len(self._databases)}"
        engine = sa.create_engine(self.pg_admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
        engine.dispose()
        self._databases.append(database)
        return sa.make_url(self.pg_admin_url).set(database=database).render_as_string(hide_password=False)

    # -- RabbitMQ --------------------------------------------------------------------------
    def settings(self, service: str, database_url: str, **overrides) -> config.Settings:
        self._queues.update({f"{self.queue_prefix}.{service}", f"{self.queue_prefix}.{service}.dead"})
        base = config.load(service)
        return replace(base, database_url=database_url, amqp_url=self.amqp_url, exchange=self.exchange,
                       queue_prefix=self.queue_prefix, **overrides)

    def environment(self, own_queues: bool = False) -> dict[str, str]:
        """PTGHUB_* variables that point processes at this run's broker namespace. ``own_queues``
        gives them queues of their own (a fresh prefix on the run's exchange), so events left in
        the run's queues by earlier tests never reach them."""
        self._stacks += 1
        prefix = f"{self.queue_prefix}-s{self._stacks}" if own_queues else self.queue_prefix
        for service in (*config.SERVICE_NAMES, "gateway"):
            self._queues.update({f"{prefix}.{service}", f"{prefix}.{service}.dead"})
        return {"PTGHUB_AMQP_URL": self.amqp_url, "PTGHUB_EXCHANGE": self.exchange,
                "PTGHUB_QUEUE_PREFIX": prefix}

    def close(self) -> None:
        try:
            connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
            channel = connection.channel()
            for queue in sorted(self._queues):
                channel.queue_delete(queue=queue)
            for exchange in (self.exchange, f"{self.exchange}.dead"):
                channel.exchange_delete(exchange=exchange)
            connection.close()
        except pika.exceptions.AMQPError:
            pass
        # Each DROP DATABASE waits for a checkpoint; dropped side by side they share them (a run's
        # few hundred databases took 15-40 s one after another, a few seconds this way).
        engine = sa.create_engine(self.pg_admin_url, isolation_level="AUTOCOMMIT", pool_size=DROPPERS)

        def drop(database: str) -> None:
            with engine.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))

        with ThreadPoolExecutor(DROPPERS) as droppers:
            list(droppers.map(drop, self._databases))
        engine.dispose()
        for container in self._containers:
            container.stop()


class EventProbe:
    """Listens on the run's exchange (its own exclusive queue) and collects every CloudEvent."""

    def __init__(self, amqp_url: str, exchange: str, binding: str = "#"):
        self.events: list[dict] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(amqp_url, exchange, binding), daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("event probe could not bind to the broker")

    def _run(self, amqp_url: str, exchange: str, binding: str) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        channel = connection.channel()
        channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
        queue = channel.queue_declare(queue="", exclusive=True, auto_delete=True).method.queue
        channel.queue_bind(queue=queue, exchange=exchange, routing_key=binding)

        def on_message(_ch, method, properties, body):
            with self._lock:
                self.events.append({"properties": properties, **json.loads(body)})

        channel.basic_consume(queue=queue, on_message_callback=on_message, auto_ack=True)
        self._ready.set()
        while not self._stop.is_set():
            connection.process_data_events(time_limit=0.2)
        connection.close()

    def wait_for(self, event_type: str, predicate=lambda e: True, timeout: float = 15.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for event in self.events:
                    if event["type"] == event_type and predicate(event):
                        return event
            time.sleep(0.05)
        raise AssertionError(f"no {event_type} event within {timeout}s; saw {[e['type'] for e in self.events]}")

    def of_type(self, event_type: str) -> list[dict]:
        with self._lock:
            return [e for e in self.events if e["type"] == event_type]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def purge_queue(infra: Infrastructure, name: str) -> None:
    """Leftovers of earlier tests on one of this run's queues must not reach this test's database."""
    connection = pika.BlockingConnection(pika.URLParameters(infra.amqp_url))
    try:
        connection.channel().queue_purge(name)
    except pika.exceptions.ChannelClosedByBroker:
        pass  # not declared yet
    finally:
        connection.close()


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's choice for a bind to port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving_smtp(handler, controller=Controller, **options):
    """An SMTP server on a free loopback port (aiosmtpd ``controller``, default ``Controller``) handing
    what it gets to ``handler``, whose ``url`` becomes the server's ``smtp://`` address; stopped after."""
    server = controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    server.start()
    handler.url = f"smtp://127.0.0.1:{server.port}"
    try:
        yield handler
    finally:
        server.stop()


def wait_until(condition, timeout: float = 15.0, interval: float = 0.05, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} not met within {timeout}s")


def publish_event(amqp_url: str, exchange: str, type: str, data, *, id: str | None = None,
                  subject: str | None = None, source: str = "/ptghub/tests") -> CloudEvent:
    """Publish one CloudEvent (structured mode, persistent, confirmed) as another service would."""
    cloud_event = CloudEvent(type=type, source=source, data=data, subject=subject,
                             **({"id": id} if id is not None else {}))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
        channel.confirm_delivery()
        channel.basic_publish(
            exchange=exchange, routing_key=type, body=cloud_event.to_json().encode(),
            properties=pika.BasicProperties(content_type=CONTENT_TYPE, delivery_mode=pika.DeliveryMode.Persistent,
                                            message_id=cloud_event.id, type=type),
        )
    finally:
        connection.close()
    return cloud_event


FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The real Denver PTG grid as ptgbot stored it (public data; tests/fixtures/README.md).
DENVER_BASE_JSON = FIXTURES / "ptgbot" / "base.json"

SCHEMAS_MISSING = ("the C3VOC schedule schemas (third-party, not in the repo) are not here: put shared/ beside "
                   "the clone or set PTGHUB_SHARED_DIR")


def schedule_schemas_dir() -> Path | None:
    """``reference/schedule-schema`` (the C3VOC frab schemas) under PTGHUB_SHARED_DIR or ``../shared``."""
    root = Path(__file__).resolve().parents[1]
    for candidate in (os.environ.get("PTGHUB_SHARED_DIR"), root.parent / "shared"):
        if candidate and (Path(candidate) / "reference" / "schedule-schema").is_dir():
            return Path(candidate) / "reference" / "schedule-schema"
    return None


def schedule_schema(name: str) -> Path:
    """One C3VOC schema file (``schedule.xml.xsd``, ``schema.json``, ...); skips the test when absent."""
    import pytest

    directory = schedule_schemas_dir()
    if directory is None or not (directory / name).is_file():
        pytest.skip(SCHEMAS_MISSING)
    return directory / name
