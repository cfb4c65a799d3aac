"""How and whether notify's mail goes out, against real PostgreSQL, RabbitMQ and an aiosmtpd server on
loopback: one pooled connection per delivery loop, a new one at once when the server answers 421 or
drops the connection (nothing lost, nothing doubled), hard bounces and unsubscribes on the suppression
list (personal mail only), the suppression and message-log API, and resending."""
from __future__ import annotations

import asyncio
import email
import socket
import ssl
import subprocess
import threading
import uuid
from collections import Counter
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from services.kit.db import utcnow
from services.notify import domain, store
from services.notify.config import NotifySettings
from services.notify.delivery.mail import MailDeliveryLoop

from ..conftest import ORGANISER, principal_header
from ..infra import free_port, serving_smtp, wait_until
from .conftest import SmtpSink, start_notify
from .test_notify_reminders import digest, item

pytestmark = pytest.mark.integration

CHAIR = principal_header("chair", tracks=[("denver", "nova")], sub="chair")
SENDER = "ptghub <ptghub@ptg.example>"


# -- an SMTP server that ends connections on cue ----------------------------------------------

class Server(SmtpSink):
    """aiosmtpd handler keeping every message once. After ``limit`` messages on one connection it
    ``ends`` that connection: ``421`` (a 421 to MAIL, then it closes), ``drop`` (closes at MAIL with
    no answer), ``drop-rcpt`` (closes at RCPT), ``421-data`` (a 421 to the message, not kept) or
    ``drop-data`` (closes once it has the message, without keeping it or answering).
    ``replies[rcpt]`` scripts RCPT answers."""

    def __init__(self):
        super().__init__()
        self.limit: int | None = None
        self.ends = "421"
        self.connections = 0

    def _at_limit(self, session) -> bool:
        return self.limit is not None and getattr(session, "kept", 0) >= self.limit

    def _close(self, server) -> None:
        asyncio.get_running_loop().call_later(0.01, server.transport.close)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self._at_limit(session) and self.ends == "421":
            self._close(server)
            return "421 4.3.2 service shutting down, closing channel"
        if self._at_limit(session) and self.ends == "drop":
            server.transport.close()
            return "250 OK"  # never reaches the client
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._at_limit(session) and self.ends == "drop-rcpt":
            server.transport.close()
            return "250 OK"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        if self._at_limit(session) and self.ends == "421-data":
            self._close(server)
            return "421 4.3.2 shutting down, message not accepted"
        if self._at_limit(session) and self.ends == "drop-data":
            server.transport.close()
            return "250 OK"
        session.kept = getattr(session, "kept", 0) + 1
        with self.lock:
            self.messages.append({"to": list(envelope.rcpt_tos),
                                  "message": email.message_from_bytes(envelope.content, policy=policy.default)})
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(str(m["message"]["Message-ID"]).strip() for m in self.messages)


class CountingController(Controller):
    """Counts the connections the server accepted."""

    def factory(self):
        self.handler.connections += 1
        return super().factory()


@pytest.fixture
def smtp():
    with serving_smtp(Server(), CountingController, server_hostname="mx.test") as server:
        server.connections = 0  # start() connects once itself, to see the server is up
        yield server


@pytest.fixture
def notify(start_service, infra, smtp, monkeypatch):
    return start_notify(start_service, infra, monkeypatch, SMTP_URL=smtp.url, MAIL_FROM=SENDER,
                        DELIVERY_INTERVAL="0.02",
                        MAIL_RETRY_SCALE="0.001")  # first retry after 60 ms, not 1 min


@pytest.fixture
def quiet(notify):
    """The service with its worker stopped: the test drives a mail loop of its own."""
    notify.worker.stop.set()
    for thread in notify.threads:
        thread.join(timeout=5)
    return notify


def queue(service, recipient: str, count: int = 1, kind: str = "test", prefix: str = "m") -> list[str]:
    """``count`` queued messages to ``recipient`` made for events of type ``kind``; their ids."""
    ids = []
    with service.database.unit_of_work() as uow:
        for number in range(count):
            message_id = f"<{prefix}{number}.{uuid.uuid4().hex[:8]}@ptg.example>"
            mail = store.OutgoingMail(
                source_event_id=str(uuid.uuid4()), source_event_type=kind, sender=SENDER, recipient=recipient,
                subject=f"s{number}", message_id=message_id,
                message=f"Message-ID: {message_id}\r\nSubject: s{number}\r\n\r\n.dot-led line\r\nbody\r\n",
                status="queued", attempts=0, next_attempt_at=utcnow())
            uow.session.add(mail)
            uow.session.flush()
            ids.append(mail.id)
        uow.commit()
    return ids


def messages(service, **query) -> list[dict]:
    response = service.client.get("/messages", query_string={"limit": 500, **query}, headers=ORGANISER)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def loop_for(service, smtp, **settings) -> MailDeliveryLoop:
    return MailDeliveryLoop(service.database, NotifySettings(smtp_url=smtp.url, mail_retry_scale=0.001,
                                                             **settings), batch_size=50)


def send_until_done(mailer: MailDeliveryLoop, service, expected: int, timeout: float = 20.0) -> list[dict]:
    wait_until(lambda: mailer.send_once() == 0 and len(messages(service, status="sent")) == expected,
               timeout=timeout, interval=0.02, message=f"{expected} messages sent")
    return messages(service)


# -- one pooled connection, reconnecting ---------------------------------------------------------

def test_one_connection_carries_every_mail_of_a_loop(quiet, smtp):
    queue(quiet, "list@lists.example", 30)
    mailer = loop_for(quiet, smtp)
    sent = send_until_done(mailer, quiet, 30)
    mailer.smtp.close()
    assert smtp.connections == 1 and mailer.smtp.opened == 1
    assert len(smtp.message_ids()) == 30 and set(smtp.message_ids().values()) == {1}
    assert {m["attempts"] for m in sent} == {1}
    body = smtp.to("list@lists.example")[0].get_content()
    assert body.startswith(".dot-led line")  # the leading dot survived the transparency doubling


@pytest.mark.parametrize("ends", ["421", "drop", "drop-rcpt", "421-data"])
def test_a_connection_ended_before_the_message_went_is_reopened_at_once_nothing_lost_or_doubled(quiet, smtp, ends):
    smtp.limit, smtp.ends = 7, ends  # every connection ends after 7 messages
    queue(quiet, "list@lists.example", 30)
    mailer = loop_for(quiet, smtp)
    sent = send_until_done(mailer, quiet, 30)
    mailer.smtp.close()
    received = smtp.message_ids()
    assert len(received) == 30 and set(received.values()) == {1}, received
    assert {m["message_id"] for m in sent} == set(received)
    assert {m["attempts"] for m in sent} == {1}  # sent again on the new connection within the same attempt
    assert smtp.connections == mailer.smtp.opened == 5  # 7 + 7 + 7 + 7 + 2


def test_a_connection_lost_after_the_message_went_is_not_sent_again_at_once(quiet, smtp):
    smtp.limit, smtp.ends = 2, "drop-data"  # the third message of each connection: lost after it went
    ids = queue(quiet, "list@lists.example", 3)
    mailer = loop_for(quiet, smtp)
    assert mailer.send_once() == 3
    third = quiet.client.get(f"/messages/{ids[2]}", headers=ORGANISER).get_json()
    assert third["status"] == "queued" and third["attempts"] == 1
    assert "after the message was sent" in third["last_error"]
    smtp.limit = None  # the server keeps it this time: the retry schedule sent it, once
    sent = send_until_done(mailer, quiet, 3)
    mailer.smtp.close()
    assert set(smtp.message_ids().values()) == {1} and len(smtp.message_ids()) == 3
    assert [m["attempts"] for m in sent] == [1, 1, 2]


def test_a_421_greeting_leaves_the_batch_queued_for_the_retry_schedule(quiet):
    listener = socket.create_server(("127.0.0.1", 0))
    greeted = []

    def busy():  # a server too busy to talk: 421 at once, then it hangs up
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            greeted.append(1)
            connection.sendall(b"421 4.3.2 too busy, try later\r\n")
            connection.close()

    threading.Thread(target=busy, daemon=True).start()
    try:
        ids = queue(quiet, "list@lists.example", 3)
        mailer = MailDeliveryLoop(quiet.database,
                                  NotifySettings(smtp_url=f"smtp://127.0.0.1:{listener.getsockname()[1]}"))
        assert mailer.send_once() == 3
    finally:
        listener.close()
    assert len(greeted) == 1  # the rest of the batch waits with the first: no connection per mail
    for message_id in ids:
        message = quiet.client.get(f"/messages/{message_id}", headers=ORGANISER).get_json()
        assert message["status"] == "queued" and message["attempts"] == 1 and "cannot connect" in message["last_error"]


# -- the suppression list -----------------------------------------------------------------------

def test_a_hard_bounce_of_personal_mail_suppresses_the_address_for_personal_mail_only(quiet, smtp):
    smtp.replies["gone@example.org"] = ["550 5.1.1 no such user"]
    (bounced,) = queue(quiet, "gone@example.org", kind=domain.REMINDER_DUE, prefix="r")
    mailer = loop_for(quiet, smtp)
    assert mailer.send_once() == 1
    message = quiet.client.get(f"/messages/{bounced}", headers=ORGANISER).get_json()
    assert message["status"] == "failed" and message["last_code"] == 550 and message["kind"] == "reminder_digest"
    (entry,) = quiet.client.get("/suppressions", headers=ORGANISER).get_json()["items"]
    assert entry["address"] == "gone@example.org" and entry["reason"] == "bounced"
    assert "550" in entry["note"] and entry["source"] == bounced
    # The next personal mail is not sent; a list post to the same address still is.
    (personal,) = queue(quiet, "Gone@Example.org", kind=domain.REMINDER_DUE, prefix="r2")
    (post,) = queue(quiet, "gone@example.org", kind="ptghub.notes.summary.published", prefix="p")
    assert mailer.send_once() == 2
    mailer.smtp.close()
    assert quiet.client.get(f"/messages/{personal}", headers=ORGANISER).get_json()["status"] == "suppressed"
    assert quiet.client.get(f"/messages/{post}", headers=ORGANISER).get_json()["status"] == "sent"
    assert [str(m["Message-ID"]).strip().startswith("<p") for m in smtp.to("gone@example.org")] == [True]


def test_a_bounced_list_post_suppresses_nothing(quiet, smtp):
    smtp.replies["old-list@lists.example"] = ["550 5.1.1 no such list"]
    queue(quiet, "old-list@lists.example", kind="ptghub.notes.summary.published")
    loop_for(quiet, smtp).send_once()
    assert messages(quiet)[0]["status"] == "failed"
    assert quiet.client.get("/suppressions", headers=ORGANISER).get_json()["items"] == []


def test_an_unsubscribed_person_gets_no_reminder_digest_again(notify, smtp):
    recipient = f"mgoddard-{uuid.uuid4().hex[:8]}@example.org"
    person = str(uuid.uuid4())
    notify.publish("ptghub.actions.person.unsubscribed",
                   {"id": person, "nick": "mgoddard", "email": recipient, "unsubscribed_at": utcnow().isoformat()},
                   subject=person)
    wait_until(lambda: notify.client.get("/suppressions?reason=unsubscribed", headers=ORGANISER).get_json()["items"],
               message="the unsubscribe on the list")
    data = digest(recipient, item(str(uuid.uuid4()), "Write the spec"))
    event = notify.publish(domain.REMINDER_DUE, data, subject=data["person"]["id"])
    (message,) = wait_until(lambda: [m for m in messages(notify, recipient=recipient) if m["status"] == "suppressed"],
                            message="the digest suppressed")
    assert message["source_event_id"] == event.id and "unsubscribed" in message["last_error"]
    assert message["attempts"] == 0 and smtp.to(recipient) == []
    (entry,) = notify.client.get(f"/suppressions?address={recipient.upper()}", headers=ORGANISER).get_json()["items"]
    assert entry["reason"] == "unsubscribed" and entry["source"] == person
    # Resending it is refused while the address is suppressed; once lifted, it goes, with the same Message-ID.
    refused = notify.client.post(f"/messages/{message['id']}/resend", headers=ORGANISER)
    assert refused.status_code == 409 and "recipient" in refused.get_json()["errors"]
    assert notify.client.delete(f"/suppressions/{recipient}", headers=ORGANISER).status_code == 204
    assert notify.client.post(f"/messages/{message['id']}/resend", headers=ORGANISER).status_code == 202
    (mail,) = wait_until(lambda: smtp.to(recipient), message="the resent digest")
    assert str(mail["Message-ID"]).strip() == message["message_id"]


def test_the_suppression_api_validates_pages_and_is_for_organisers(notify):
    for number in range(5):
        response = notify.client.post("/suppressions", json={"address": f"P{number}@Example.org", "note": "asked"},
                                      headers=ORGANISER)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["address"] == f"p{number}@example.org"
        assert response.get_json()["reason"] == "manual" and response.get_json()["source"] == "tester"
    again = notify.client.post("/suppressions", json={"address": "p0@example.org"}, headers=ORGANISER)
    assert again.status_code == 409 and "address" in again.get_json()["errors"]
    for body, field in (({"address": "Name <x@example.org>"}, "address"), ({"address": "x@example.org\r\nBcc: y"}, "address"),
                        ({"address": "not-an-address"}, "address"), ({}, "address"),
                        ({"address": "x@example.org", "reason": "annoyed"}, "reason"),
                        ({"address": "x@example.org", "colour": "red"}, "colour")):
        response = notify.client.post("/suppressions", json=body, headers=ORGANISER)
        assert response.status_code == 400 and field in response.get_json()["errors"], (body, response.get_json())
        assert response.content_type == "application/problem+json"
    pages, cursor = [], None
    while True:
        response = notify.client.get("/suppressions", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                     headers=ORGANISER).get_json()
        pages.append([entry["address"] for entry in response["items"]])
        cursor = response["next_cursor"]
        if cursor is None:
            break
    assert pages == [["p0@example.org", "p1@example.org"], ["p2@example.org", "p3@example.org"], ["p4@example.org"]]
    assert notify.client.get("/suppressions?reason=bounced", headers=ORGANISER).get_json()["items"] == []
    assert notify.client.get("/suppressions?reason=annoyed", headers=ORGANISER).status_code == 400
    assert notify.client.get("/suppressions?cursor=garbage", headers=ORGANISER).status_code == 400
    for method, path in (("get", "/suppressions"), ("post", "/suppressions"), ("delete", "/suppressions/p1@example.org")):
        response = getattr(notify.client, method)(path, json={"address": "z@example.org"}, headers=CHAIR)
        assert response.status_code == 403, (method, path)
    assert notify.client.delete("/suppressions/P1@EXAMPLE.org", headers=ORGANISER).status_code == 204
    assert notify.client.delete("/suppressions/p1@example.org", headers=ORGANISER).status_code == 404


# -- the message log and resending ------------------------------------------------------------------

def test_the_message_log_filters_and_pages(quiet, smtp):
    start = utcnow()
    queue(quiet, "list@lists.example", 3, kind="ptghub.notes.summary.published", prefix="s")
    queue(quiet, "Person@Example.org", 2, kind=domain.REMINDER_DUE, prefix="r")
    queue(quiet, "contact@bot.example", 1, kind="ptghub.notify.webhook.disabled", prefix="w")
    smtp.replies["contact@bot.example"] = ["550 5.1.1 gone"]
    send_until_done(loop_for(quiet, smtp), quiet, 5)
    assert [m["kind"] for m in messages(quiet, kind="summary")] == ["summary"] * 3
    assert len(messages(quiet, kind="reminder_digest")) == 2
    assert [m["recipient"] for m in messages(quiet, kind="webhook_disabled", status="failed")] == ["contact@bot.example"]
    assert messages(quiet, kind="session_notice") == [] and messages(quiet, kind="other") == []
    assert len(messages(quiet, recipient="person@example.org")) == 2
    assert len(messages(quiet, since=start.isoformat())) == 6
    assert messages(quiet, since=utcnow().isoformat()) == []
    seen, cursor = [], None
    while True:
        response = quiet.client.get("/messages", query_string={"limit": 4, "kind": "summary", "status": "sent",
                                                               **({"cursor": cursor} if cursor else {})},
                                    headers=ORGANISER).get_json()
        seen += [m["id"] for m in response["items"]]
        cursor = response["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 3
    pages, cursor = [], None
    while len(pages) < 5:
        response = quiet.client.get("/messages", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                    headers=ORGANISER).get_json()
        pages.append([m["id"] for m in response["items"]])
        cursor = response["next_cursor"]
        if cursor is None:
            break
    seen = [mail_id for page in pages for mail_id in page]
    assert [len(page) for page in pages] == [2, 2, 2] and len(set(seen)) == 6
    for query, field in (({"kind": "spam"}, "kind"), ({"status": "lost"}, "status"), ({"since": "yesterday"}, "since"),
                         ({"since": "2026-12-01T10:00:00"}, "since"), ({"limit": 0}, "limit")):
        response = quiet.client.get("/messages", query_string=query, headers=ORGANISER)
        assert response.status_code == 400 and field in response.get_json()["errors"], query
    assert quiet.client.get("/messages", headers=CHAIR).status_code == 403


def test_resend_needs_force_for_sent_mail_and_keeps_the_message_id(quiet, smtp):
    smtp.replies["flaky@lists.example"] = ["550 5.2.1 list disabled"]
    (sent,) = queue(quiet, "list@lists.example", kind="ptghub.notes.summary.published")
    (failed,) = queue(quiet, "flaky@lists.example", kind="ptghub.notes.summary.published", prefix="f")
    mailer = loop_for(quiet, smtp)
    mailer.send_once()
    refused = quiet.client.post(f"/messages/{sent}/resend", headers=ORGANISER)
    assert refused.status_code == 409 and "force" in refused.get_json()["errors"]
    assert quiet.client.post(f"/messages/{sent}/resend", json={"force": "maybe"}, headers=ORGANISER).status_code == 400
    assert quiet.client.post(f"/messages/{sent}/resend", json={"forced": True}, headers=ORGANISER).status_code == 400
    assert quiet.client.post("/messages/no-such/resend", headers=ORGANISER).status_code == 404
    assert quiet.client.post(f"/messages/{sent}/resend", json={"force": True}, headers=CHAIR).status_code == 403
    again = quiet.client.post(f"/messages/{sent}/resend", json={"force": True}, headers=ORGANISER)
    assert again.status_code == 202
    body = again.get_json()
    assert body["status"] == "queued" and body["attempts"] == 0 and body["last_error"] is None
    retried = quiet.client.post(f"/messages/{failed}/resend", headers=ORGANISER).get_json()
    assert retried["status"] == "queued" and retried["attempts"] == 0 and retried["last_code"] is None
    mailer.send_once()
    mailer.smtp.close()
    assert [str(m["Message-ID"]).strip() for m in smtp.to("list@lists.example")] == [body["message_id"]] * 2
    assert [str(m["Message-ID"]).strip() for m in smtp.to("flaky@lists.example")] == [retried["message_id"]]
    log = {m["id"]: m for m in messages(quiet)}
    assert log[sent]["status"] == log[failed]["status"] == "sent"
    assert log[sent]["attempts"] == log[failed]["attempts"] == 1


def test_resend_of_a_message_being_sent_is_refused(quiet, smtp):
    (mail_id,) = queue(quiet, "list@lists.example")
    with quiet.database.unit_of_work() as uow:
        mail = uow.session.get(store.OutgoingMail, mail_id)
        mail.claim, mail.claimed_until = str(uuid.uuid4()), utcnow().replace(year=utcnow().year + 1)
        uow.commit()
    refused = quiet.client.post(f"/messages/{mail_id}/resend", json={"force": True}, headers=ORGANISER)
    assert refused.status_code == 409 and "id" in refused.get_json()["errors"]


# -- TLS and login, as PTGHUB_SMTP_URL says ----------------------------------------------------------

def certificate(directory, name: str) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (openssl): (certificate path, key path)."""
    cert, key = str(directory / f"{name}.pem"), str(directory / f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture
def tls_server(tmp_path):
    """``start(implicit)``: an aiosmtpd server with TLS (STARTTLS, or TLS from the start) that wants a
    login (``ptghub`` / ``s3cr:t``); (server, port, CA file)."""
    cert, key = certificate(tmp_path, "server")
    started = []

    def start(implicit: bool):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        server = Server()

        def login(_server, _session, _envelope, mechanism, auth_data):
            ok = auth_data.login == b"ptghub" and auth_data.password == b"s3cr:t"
            return AuthResult(success=ok, handled=False)

        # aiosmtpd offers AUTH over its own STARTTLS only: on TLS from the start it is told it is safe
        options = ({"ssl_context": context, "auth_require_tls": False} if implicit
                   else {"tls_context": context, "require_starttls": True})
        controller = CountingController(server, hostname="127.0.0.1", port=free_port(), server_hostname="mx.test",
                                        authenticator=login, auth_required=True, **options)
        if implicit:  # its start-up probe speaks plain TCP: skip it, wait for the port instead
            controller._trigger_server = lambda: wait_until(lambda: _listening(controller.port), message="tls port")
        controller.start()
        server.connections = 0
        started.append(controller)
        return server, controller.port

    yield start, cert
    for controller in started:
        controller.stop()


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_tls_with_a_verified_certificate_and_a_login_over_one_connection(quiet, tls_server, tmp_path, implicit):
    start, ca = tls_server
    server, port = start(implicit)
    url = (f"smtps://ptghub:s3cr%3At@127.0.0.1:{port}?cafile={ca}" if implicit
           else f"smtp://ptghub:s3cr%3At@127.0.0.1:{port}?starttls=1&cafile={ca}")
    queue(quiet, "list@lists.example", 5)
    mailer = MailDeliveryLoop(quiet.database, NotifySettings(smtp_url=url), batch_size=50)
    assert mailer.send_once() == 5
    mailer.smtp.close()
    assert len(server.message_ids()) == 5 and mailer.smtp.opened == 1
    assert [m["status"] for m in messages(quiet)] == ["sent"] * 5
    # A certificate the CA file does not vouch for is refused: nothing goes, the mail waits.
    other_ca, _ = certificate(tmp_path, "other")
    queue(quiet, "list@lists.example", 1, prefix="x")
    doubting = MailDeliveryLoop(quiet.database, NotifySettings(smtp_url=url.replace(ca, other_ca)))
    assert doubting.send_once() == 1
    waiting = messages(quiet, status="queued")[0]
    assert "CERTIFICATE_VERIFY_FAILED" in waiting["last_error"] and waiting["attempts"] == 1
    assert len(server.message_ids()) == 5


def test_a_server_that_ends_every_new_connection_leaves_the_batch_queued_on_one_try(quiet, smtp):
    smtp.limit, smtp.ends = 0, "421"  # a 421 to the first MAIL of every connection
    ids = queue(quiet, "list@lists.example", 4)
    mailer = loop_for(quiet, smtp)
    assert mailer.send_once() == 4
    mailer.smtp.close()
    assert smtp.connections == 1  # the rest of the batch waits with the first, not a connection each
    for message_id in ids:
        message = quiet.client.get(f"/messages/{message_id}", headers=ORGANISER).get_json()
        assert message["status"] == "queued" and message["attempts"] == 1 and message["last_code"] == 421
    smtp.limit = None
    assert len(send_until_done(mailer, quiet, 4)) == 4 and len(smtp.message_ids()) == 4
