"""Webhook delivery against real HTTP endpoints on loopback (real PostgreSQL and RabbitMQ): the
address checked is the address connected to (a resolver that answers differently the second time),
DNS look-ups time out, answers are read only up to the cap, Retry-After in both forms, a slow
endpoint holds up nobody else, and an endpoint failing through the whole schedule is disabled
and its contact mailed."""
from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time
import uuid
from datetime import timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import EventRouter
from services.kit.db import utcnow
from services.notify import consumers, domain, store
from services.notify.config import NotifySettings
from services.notify.delivery.webhooks import WebhookDeliveryLoop

from ..infra import wait_until
from .conftest import MAIL_FROM, start_notify
from .test_notify import SESSION, deliveries, stop_worker, subscribe

pytestmark = pytest.mark.integration


class Endpoint:
    """An HTTP server on one loopback address that records every POST (path, headers, body, when)
    and answers as ``answer(path, number)`` says: ``(status, headers, body)``; ``delay`` seconds
    before answering; ``in_flight`` / ``most_at_once`` count concurrent requests per path."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, answer=None, delay: float = 0.0,
                 tls: ssl.SSLContext | None = None):
        self.requests: list[dict] = []
        self.answer = answer or (lambda path, number: (200, {}, b"ok"))
        self.delay = delay
        self.in_flight: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}
        self.written = 0  # body bytes the server managed to write
        self.lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                with endpoint.lock:
                    number = len([r for r in endpoint.requests if r["path"] == self.path])
                    endpoint.requests.append({"path": self.path, "body": body, "at": time.monotonic(),
                                              "headers": {k.lower(): v for k, v in self.headers.items()}})
                    now = endpoint.in_flight[self.path] = endpoint.in_flight.get(self.path, 0) + 1
                    endpoint.most_at_once[self.path] = max(endpoint.most_at_once.get(self.path, 0), now)
                try:
                    time.sleep(endpoint.delay)
                    status, headers, content = endpoint.answer(self.path, number)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(content)))
                    self.end_headers()
                    for start in range(0, len(content), 65536):
                        self.wfile.write(content[start:start + 65536])
                        with endpoint.lock:
                            endpoint.written += len(content[start:start + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    with endpoint.lock:
                        endpoint.in_flight[self.path] -= 1

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def posts(self, path: str | None = None) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if path is None or r["path"] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoints():
    started = []

    def start(*args, **kwargs) -> Endpoint:
        endpoint = Endpoint(*args, **kwargs)
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.close()


@pytest.fixture
def notify(start_service, infra, smtp, monkeypatch):
    """Notify with its worker, a retry schedule squeezed into about 3 seconds and a notice fallback."""
    return start_notify(start_service, infra, monkeypatch, SMTP_URL=smtp.url, MAIL_FROM=MAIL_FROM,
                        WEBHOOK_ALLOW="127.0.0.1/32", DELIVERY_INTERVAL="0.02",
                        WEBHOOK_RETRY_SCALE="0.00001",  # 5 s .. 24 h: 50 µs .. 0.9 s
                        MAIL_RETRY_SCALE="0.001", WEBHOOK_CONTACT="integrations@ptg.example")


def add_webhook(notify, url: str, event_types=("#",)) -> store.WebhookSubscription:
    """A webhook written straight into the database: subscribing checks the URL with this machine's
    resolver, which knows no ``hooks.example``; what is under test is the delivery's own check."""
    with notify.database.unit_of_work() as uow:
        row = store.WebhookSubscription(owner="bot", owner_role="integration", url=url, secret=domain.new_secret(),
                                        event_types=list(event_types), description="", enabled=True)
        uow.session.add(row)
        uow.commit()
        return row


def fan_out(notify, event_type="ptghub.schedule.session.scheduled", **data) -> CloudEvent:
    cloud_event = CloudEvent(type=event_type, source="/ptghub/schedule", data={**SESSION, **data})
    EventRouter(notify.database, consumers.subscriptions(notify.database)).handle(cloud_event)
    return cloud_event


def answers(port: int, *addresses: str):
    """A resolver (getaddrinfo's signature) answering ``addresses[0]`` the first time, then
    ``addresses[1]``, ...; the last one from then on. ``calls`` lists the hosts asked."""
    calls = []

    def lookup(host, _port, **_kwargs):
        calls.append(host)
        address = addresses[min(len(calls), len(addresses)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    lookup.calls = calls
    return lookup


def settings(**overrides) -> NotifySettings:
    return NotifySettings(**{"interval": 0.02, "webhook_allow": domain.AllowList.parse("127.0.0.1/32"), **overrides})


def only_delivery(notify, webhook_id: str) -> dict:
    [delivery] = deliveries(notify, webhook_id)
    return delivery


# -- SSRF: the address checked is the address connected to --------------------------------------

def test_a_rebinding_resolver_never_gets_a_request_to_the_forbidden_address(notify, endpoints):
    stop_worker(notify)
    allowed = endpoints("127.0.0.2")              # the "public" address: allowed below
    forbidden = endpoints("127.0.0.1", allowed.port)  # same port, the address the rebinding points to
    hook = add_webhook(notify, f"http://hooks.example:{allowed.port}/hook")
    # First answer allowed, every later answer loopback: a client that resolved the name again to
    # connect (as requests did after the check) would post to the forbidden address.
    lookup = answers(allowed.port, "127.0.0.2", "127.0.0.1")
    loop = WebhookDeliveryLoop(notify.database, settings(webhook_allow=domain.AllowList.parse("127.0.0.2/32")),
                               lookup=lookup)
    try:
        first = fan_out(notify)
        assert loop.deliver_once() == 1
        assert lookup.calls == ["hooks.example"]  # resolved once for the check and the connection
        [request] = allowed.posts("/hook")
        assert request["headers"]["host"] == f"hooks.example:{allowed.port}"  # the URL's Host, not the IP
        payload = Webhook(hook.secret).verify(request["body"], request["headers"])
        assert payload["id"] == first.id
        assert forbidden.posts() == []

        fan_out(notify, id="s-2")  # the name now answers loopback: refused, and nothing is sent there
        assert loop.deliver_once() == 1
        assert lookup.calls == ["hooks.example", "hooks.example"]
        refused = [d for d in deliveries(notify, hook.id) if d["status"] == "pending"][0]
        assert refused["last_status_code"] is None and refused["attempts"] == 1
        assert "resolves to 127.0.0.1, a loopback address" in refused["last_error"]
        assert forbidden.posts() == [] and len(allowed.posts()) == 1
    finally:
        loop.close()


def test_https_to_the_pinned_address_sends_the_urls_name_as_sni_and_checks_the_certificate_for_it(
        notify, endpoints, tmp_path):
    stop_worker(notify)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(key),
                    "-out", str(cert), "-subj", "/CN=hooks.example", "-addext", "subjectAltName=DNS:hooks.example"],
                   check=True, capture_output=True)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    names = []
    server.sni_callback = lambda _sock, name, _context: names.append(name)
    endpoint = endpoints("127.0.0.2", tls=server)
    hook = add_webhook(notify, f"https://hooks.example:{endpoint.port}/hook")
    lookup = answers(endpoint.port, "127.0.0.2")
    loop = WebhookDeliveryLoop(notify.database, settings(webhook_allow=domain.AllowList.parse("127.0.0.2/32")),
                               lookup=lookup, ssl=ssl.create_default_context(cafile=str(cert)))
    try:
        fan_out(notify)
        assert loop.deliver_once() == 1
    finally:
        loop.close()
    # the certificate names hooks.example only: it verified because the name, not the IP, was checked
    assert only_delivery(notify, hook.id)["status"] == "succeeded"
    [request] = endpoint.posts("/hook")
    assert names == ["hooks.example"] and request["headers"]["host"] == f"hooks.example:{endpoint.port}"
    assert lookup.calls == ["hooks.example"]


def test_a_name_resolving_to_one_allowed_and_one_private_address_is_refused(notify, endpoints):
    stop_worker(notify)
    endpoint = endpoints("127.0.0.2")
    hook = add_webhook(notify, f"http://hooks.example:{endpoint.port}/hook")

    def lookup(host, port, **_kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    loop = WebhookDeliveryLoop(notify.database, settings(webhook_allow=domain.AllowList.parse("127.0.0.2/32")),
                               lookup=lookup)
    try:
        fan_out(notify)
        assert loop.deliver_once() == 1
    finally:
        loop.close()
    assert "127.0.0.1, a loopback address" in only_delivery(notify, hook.id)["last_error"]
    assert endpoint.posts() == []


def test_a_dns_look_up_that_hangs_is_given_up_after_the_timeout(notify, endpoints):
    stop_worker(notify)
    endpoint = endpoints()
    hook = add_webhook(notify, f"http://hooks.example:{endpoint.port}/hook")
    release = threading.Event()

    def hanging(host, port, **_kwargs):
        release.wait(30)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    loop = WebhookDeliveryLoop(notify.database, settings(dns_timeout=0.2), lookup=hanging)
    try:
        fan_out(notify)
        started = time.monotonic()
        assert loop.deliver_once() == 1
        assert time.monotonic() - started < 2
    finally:
        release.set()
        loop.close()
    delivery = only_delivery(notify, hook.id)
    assert delivery["status"] == "pending" and delivery["last_status_code"] is None
    assert delivery["last_error"] == "url refused: host hooks.example did not resolve within 0.2 s"
    assert endpoint.posts() == []


# -- what an answer counts for ------------------------------------------------------------------

def test_a_huge_answer_is_read_only_up_to_the_cap_and_an_excerpt_kept(notify, endpoints):
    stop_worker(notify)
    size = 32 * 1024 * 1024
    body = (b"upstream exploded: " + b"x" * size)[:size]
    endpoint = endpoints(answer=lambda path, number: (500, {"content-type": "text/plain"}, body))
    hook = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/big", ["ptghub.schedule.#"])
    loop = WebhookDeliveryLoop(notify.database, settings())
    try:
        fan_out(notify)
        assert loop.deliver_once() == 1
    finally:
        loop.close()
    delivery = only_delivery(notify, hook["id"])
    [attempt] = delivery["history"]
    assert attempt["status_code"] == 500 and attempt["error"] == "HTTP 500 Internal Server Error"
    excerpt = attempt["response_excerpt"]
    assert excerpt.startswith("upstream exploded: xxx") and len(excerpt) == domain.RESPONSE_EXCERPT_LIMIT
    time.sleep(0.3)  # the server notices the closed connection
    assert endpoint.written < size  # the client stopped reading at 64 KiB and closed the connection


def test_a_redirect_is_a_failure_recorded_with_its_location_and_not_followed(notify, endpoints):
    elsewhere = endpoints()
    endpoint = endpoints(answer=lambda path, number: (
        (302, {"location": f"http://127.0.0.1:{elsewhere.port}/stolen"}, b"moved") if number == 0 else
        (204, {}, b"")))
    hook = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/moved", ["ptghub.schedule.#"])
    notify.publish("ptghub.schedule.session.scheduled", SESSION)
    delivery = wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"])[0]
    redirected, delivered = delivery["history"]
    assert redirected["status_code"] == 302 and redirected["response_excerpt"] == "moved"
    assert redirected["error"] == (f"HTTP 302 Found; redirects are not followed "
                                   f"(Location: http://127.0.0.1:{elsewhere.port}/stolen)")
    assert delivered["status_code"] == 204 and delivered["response_excerpt"] is None
    assert elsewhere.posts() == []
    first, second = endpoint.posts("/moved")
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == delivery["id"]


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_and_503_wait_as_long_as_retry_after_says(notify, endpoints, form):
    def retry_after() -> str:
        return "2" if form == "seconds" else format_datetime(utcnow() + timedelta(seconds=3), usegmt=True)

    endpoint = endpoints(answer=lambda path, number: (
        ({"/busy": 429, "/unavailable": 503}[path], {"retry-after": retry_after()}, b"later") if number == 0 else
        (200, {}, b"ok")))
    busy = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/busy", ["ptghub.schedule.#"])
    unavailable = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/unavailable", ["ptghub.schedule.#"])
    notify.publish("ptghub.schedule.session.scheduled", SESSION)
    for hook, path in ((busy, "/busy"), (unavailable, "/unavailable")):
        wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"], timeout=10)
        first, second = endpoint.posts(path)
        # without Retry-After the schedule's first retry comes after 50 µs here
        assert second["at"] - first["at"] >= 1.9, (path, second["at"] - first["at"])
        assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]


# -- sharing the loop ------------------------------------------------------------------------------

def test_one_slow_endpoint_holds_up_no_other_and_gets_at_most_its_share(notify, endpoints):
    stop_worker(notify)
    endpoint = endpoints(delay=0.5)
    fast = endpoints()
    slow_hook = add_webhook(notify, f"http://127.0.0.1:{endpoint.port}/slow", ["ptghub.schedule.session.scheduled"])
    add_webhook(notify, f"http://127.0.0.1:{fast.port}/fast", ["ptghub.schedule.session.updated"])
    for number in range(8):
        fan_out(notify, id=f"s-{number}")
    quick = fan_out(notify, "ptghub.schedule.session.updated")
    loop = WebhookDeliveryLoop(notify.database, settings(), batch_size=4, endpoint_concurrency=2)
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    started = time.monotonic()
    thread.start()
    try:
        [request] = wait_until(lambda: fast.posts("/fast"), timeout=10, message="the fast endpoint's delivery")
        assert request["at"] - started < 0.9, "the fast endpoint waited for the slow one"
        assert len(endpoint.posts("/slow")) <= 4  # the slow endpoint's deliveries were still going on
        assert quick.id in request["body"]
        wait_until(lambda: len([d for d in deliveries(notify, slow_hook.id) if d["status"] == "succeeded"]) == 8,
                   timeout=15, message="every slow delivery")
    finally:
        stop.set()
        thread.join(timeout=10)
    assert endpoint.most_at_once["/slow"] == 2
    assert len({r["headers"]["webhook-id"] for r in endpoint.posts("/slow")}) == 8 == len(endpoint.posts("/slow"))


# -- failing past the schedule ------------------------------------------------------------------------

def test_an_endpoint_failing_through_the_whole_schedule_is_disabled_and_its_contact_mailed(
        notify, endpoints, smtp, probe):
    endpoint = endpoints(answer=lambda path, number: (500, {}, b"database down"))
    hook = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/down", ["ptghub.schedule.#"],
                     description="board bot")
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    disabled = probe.wait_for(domain.WEBHOOK_DISABLED, lambda e: e["data"]["id"] == hook["id"], timeout=30)
    assert disabled["data"]["disabled_reason"] == domain.FAILED_THROUGH_SCHEDULE
    posts = endpoint.posts("/down")
    assert len(posts) == 1 + len(domain.WEBHOOK_RETRY_DELAYS)  # the first attempt and every retry
    assert {p["headers"]["webhook-id"] for p in posts} == {only_delivery(notify, hook["id"])["id"]}
    assert only_delivery(notify, hook["id"])["status"] == "failed"
    [notice] = wait_until(lambda: smtp.to("integrations@ptg.example"), timeout=15, message="the notice mail")
    assert str(notice["Subject"]) == f"[ptghub] Webhook disabled: http://127.0.0.1:{endpoint.port}/down"
    text = notice.get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:{endpoint.port}/down" in text and domain.FAILED_THROUGH_SCHEDULE in text
    assert hook["id"] in text
    later = notify.publish("ptghub.schedule.session.scheduled", {**SESSION, "id": str(uuid.uuid4())})
    time.sleep(0.5)
    assert len(endpoint.posts("/down")) == len(posts) and later.id not in str(endpoint.posts())
    assert event.id in posts[0]["body"]


def test_a_webhook_with_a_contact_of_its_own_tells_that_contact_and_not_the_operators(notify, endpoints, smtp, probe):
    endpoint = endpoints(answer=lambda path, number: (503, {}, b"maintenance"))
    hook = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/own", ["ptghub.schedule.#"],
                     description="the board", contact="board-team@ptg.example")
    notify.publish("ptghub.schedule.session.scheduled", SESSION)
    probe.wait_for(domain.WEBHOOK_DISABLED, lambda e: e["data"]["id"] == hook["id"], timeout=30)
    [notice] = wait_until(lambda: smtp.to("board-team@ptg.example"), timeout=15, message="the notice mail")
    assert str(notice["Subject"]) == f"[ptghub] Webhook disabled: http://127.0.0.1:{endpoint.port}/own"
    assert hook["id"] in notice.get_body(("plain",)).get_content()
    time.sleep(0.5)  # the fallback address gets nothing, now or a moment later
    assert smtp.to("integrations@ptg.example") == []


def test_stopping_hands_back_the_deliveries_still_waiting_for_their_endpoint(notify, endpoints):
    stop_worker(notify)
    endpoint = endpoints(delay=1.0)
    hook = add_webhook(notify, f"http://127.0.0.1:{endpoint.port}/slow", ["ptghub.schedule.#"])
    for number in range(4):
        fan_out(notify, id=f"s-{number}")
    loop = WebhookDeliveryLoop(notify.database, settings(), endpoint_concurrency=1)
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    wait_until(lambda: endpoint.posts("/slow"), message="the first request under way")
    stopping = time.monotonic()
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive() and time.monotonic() - stopping < 2.5  # not the 3 s the rest would take
    log = deliveries(notify, hook.id)
    assert sorted(d["attempts"] for d in log) == [0, 0, 0, 1] and len(endpoint.posts("/slow")) == 1
    with notify.database.sessions() as session:  # handed back at once, not left claimed until the lease ends
        assert all(row.claim is None for row in session.query(store.WebhookDelivery))
    again = WebhookDeliveryLoop(notify.database, settings(), endpoint_concurrency=4)
    try:
        assert again.deliver_once() == 3
    finally:
        again.close()
    assert all(d["status"] == "succeeded" for d in deliveries(notify, hook.id))


# -- the consumer hands its deliveries to the loop of its process ---------------------------------

def test_the_consumer_hands_its_deliveries_to_the_loop_without_a_ring_or_a_poll(start_service, infra, smtp,
                                                                                   monkeypatch, endpoints):
    """No ring (PTGHUB_WAKE=off) and a poll once a minute: only the hand-over can deliver at once."""
    notify = start_notify(start_service, infra, monkeypatch, SMTP_URL=smtp.url, MAIL_FROM=MAIL_FROM,
                          WEBHOOK_ALLOW="127.0.0.1/32", DELIVERY_INTERVAL="60", WAKE="off")
    endpoint = endpoints()
    hook = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/handed", ["ptghub.schedule.#"])
    time.sleep(0.3)  # the loop's first poll, at its start, is behind it
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    [post] = wait_until(lambda: endpoint.posts("/handed"), timeout=10, message="the handed delivery")
    assert event.id in post["body"]
    delivery = wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"],
                          timeout=10, message="the delivery recorded")[0]
    assert post["headers"]["webhook-id"] == delivery["id"] and delivery["attempts"] == 1
    Webhook(hook["secret"]).verify(post["body"], post["headers"])


class LostHandover:
    """A loop whose process dies between the consumer's commit and the attempt: it takes nothing."""

    handoff_lease = timedelta(seconds=0.5)

    def __init__(self):
        self.offered: list = []

    def take(self, claim, since, rows) -> None:
        self.offered.extend(rows)


def test_deliveries_whose_hand_over_was_lost_come_back_after_the_short_lease(notify, endpoints):
    from services.notify.delivery import handoff

    stop_worker(notify)  # its loop unregisters: the lost hand-over below is the only taker
    endpoint = endpoints()
    hook = subscribe(notify, f"http://127.0.0.1:{endpoint.port}/lost", ["ptghub.schedule.#"])
    lost = LostHandover()
    handoff.register(notify.database, lost)
    try:
        event = CloudEvent(type="ptghub.schedule.session.scheduled", source="/ptghub/schedule", data=SESSION)
        assert EventRouter(notify.database, consumers.subscriptions(notify.database)).handle(event)
    finally:
        handoff.unregister(notify.database, lost)
    assert [row.subscription_id for row in lost.offered] == [hook["id"]]
    loop = WebhookDeliveryLoop(notify.database, settings())
    try:
        assert loop.deliver_once() == 0  # still claimed by the lost loop
        time.sleep(0.6)
        assert loop.deliver_once() == 1  # its lease ran out: claimed again, sent once
    finally:
        loop.close()
    [post] = endpoint.posts("/lost")
    assert post["headers"]["webhook-id"] == lost.offered[0].id == only_delivery(notify, hook["id"])["id"]
