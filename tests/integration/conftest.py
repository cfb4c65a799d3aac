"""Each service under test: its own PostgreSQL database (migrated), its api (Flask test client)
and its worker threads, on this run's broker namespace; started from the service's descriptor.
Notify's tests share a real SMTP server and a real webhook receiver on loopback, and ``notify``."""
from __future__ import annotations

import asyncio
import email
import json
import threading
import time
from dataclasses import replace
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask.testing import FlaskClient

from services.kit import identity, migrations
from services.kit.descriptor import ServiceDescriptor
from services.kit.service import build_worker
from services.kit.web import service_app
from services.notify.descriptor import DESCRIPTOR as notify_service

from ..conftest import PUBLIC
from ..infra import publish_event, purge_queue, serving_smtp

pytestmark = pytest.mark.integration


class GatewayLikeClient(FlaskClient):
    """A test client that, like the gateway, always sends a signed principal: the public one
    unless the test gives its own."""

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if identity.HEADER not in headers:
            headers.update(PUBLIC)
        return super().open(*args, headers=headers, **kwargs)


class RunningService:
    def __init__(self, infra, descriptor: ServiceDescriptor, **overrides):
        self.settings = infra.settings(descriptor.name, infra.database_url(descriptor.name), **overrides)
        migrations.upgrade(descriptor.package_dir, self.settings.database_url)
        self.app = service_app(descriptor, settings=self.settings)
        self.app.test_client_class = GatewayLikeClient
        self.client = self.app.test_client()
        self.worker = build_worker(descriptor, settings=self.settings)
        self.database = self.worker.database
        self.threads = self.worker.start()
        if self.worker.consumer is not None:
            assert self.worker.consumer.connected.wait(10), "consumer did not connect"

    def stop(self):
        self.worker.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
        self.database.dispose()
        self.app.extensions["database"].dispose()


@pytest.fixture
def start_service(infra):
    """``start_service(DESCRIPTOR, timers=..., **settings)``: one service, stopped after the test.
    ``timers`` replaces the descriptor's (a faster clock, say)."""
    started = []

    def start(descriptor: ServiceDescriptor, timers=None, **overrides):
        if timers is not None:
            descriptor = replace(descriptor, timers=timers)
        running = RunningService(infra, descriptor, **overrides)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


# -- notify: a real SMTP server and a real webhook receiver, on loopback ---------------------------

MAIL_FROM = "ptghub <ptghub@ptg.example>"


class SmtpSink:
    """aiosmtpd handler: keeps every message; ``replies[rcpt]`` scripts RCPT answers (then 250)."""

    def __init__(self):
        self.messages: list[dict] = []
        self.replies: dict[str, list[str]] = {}
        self.delay = 0.0  # seconds each DATA takes (a slow server)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            scripted = self.replies.get(address)
            if scripted:
                return scripted.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        with self.lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "message": email.message_from_bytes(envelope.content, policy=policy.default)})
        return "250 Message accepted for delivery"

    def to(self, recipient: str) -> list:
        with self.lock:
            return [m["message"] for m in self.messages if recipient in m["to"]]


@pytest.fixture
def smtp():
    with serving_smtp(SmtpSink()) as sink:
        yield sink


class Receiver:
    """Records every POST; ``script[path]`` lists (status, headers) answers to give first (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: dict[str, list[tuple[int, dict]]] = {}
        self.delay = 0.0  # seconds each answer takes (a slow endpoint)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                    scripted = receiver.script.get(self.path)
                    status, headers = scripted.pop(0) if scripted else (200, {})
                time.sleep(receiver.delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def posts(self, path: str | None = None, event_id: str | None = None) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if (path is None or r["path"] == path)
                    and (event_id is None or json.loads(r["body"])["id"] == event_id)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def start_notify(start_service, infra, monkeypatch, timers=None, **settings: str):
    """The notify service with ``settings`` as PTGHUB_* variables, named without the prefix
    (``SMTP_URL=smtp.url``), after purging what earlier tests left on its queue; ``timers`` as
    ``start_service`` takes them. ``service.publish(type, data, **kw)`` publishes as another service would."""
    for name, value in settings.items():
        monkeypatch.setenv(f"PTGHUB_{name}", value)
    purge_queue(infra, f"{infra.queue_prefix}.notify")
    service = start_service(notify_service, timers=timers)
    service.publish = lambda type, data, **kw: publish_event(infra.amqp_url, infra.exchange, type, data, **kw)
    return service


@pytest.fixture
def notify(start_service, infra, smtp, monkeypatch):
    """Notify mailing to ``smtp``, calling webhooks on loopback, its loops and retries made fast."""
    return start_notify(start_service, infra, monkeypatch, SMTP_URL=smtp.url, MAIL_FROM=MAIL_FROM,
                        WEBHOOK_ALLOW="127.0.0.1/32", DELIVERY_INTERVAL="0.02",
                        WEBHOOK_RETRY_SCALE="0.01",  # first retry after 50 ms, not 5 s
                        MAIL_RETRY_SCALE="0.001")    # first retry after 60 ms, not 1 min
