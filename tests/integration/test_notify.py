"""The notify service against real PostgreSQL, RabbitMQ, an SMTP server and a webhook receiver."""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from services.kit.cloudevents import CloudEvent
from services.kit.consuming import EventRouter
from services.kit.db import utcnow
from services.kit.web import service_app
from services.notes.extraction import extract
from services.notes.summary import (Event, Session, Track, TrackNotes, build_event_summary, build_track_summary,
                                    content_hash, render)
from services.notify import consumers, domain, store
from services.notify.config import NotifySettings
from services.notify.descriptor import DESCRIPTOR as notify_service
from services.notify.delivery.mail import MailDeliveryLoop
from services.notify.delivery.webhooks import WebhookDeliveryLoop

from ..conftest import ORGANISER, principal_header
from ..infra import free_port, wait_until
from .conftest import GatewayLikeClient

pytestmark = pytest.mark.integration

BOT = principal_header("integration", sub="bot")
OTHER_BOT = principal_header("integration", sub="other-bot")


def subscribe(notify, url, event_types=("#",), headers=BOT, **extra):
    response = notify.client.post("/webhooks", json={"url": url, "event_types": list(event_types), **extra},
                                  headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliveries(notify, webhook_id, headers=BOT):
    response = notify.client.get(f"/webhooks/{webhook_id}/deliveries", headers=headers)
    assert response.status_code == 200
    return response.get_json()["items"]


SESSION = {"id": "s-1", "event": "denver", "track": "kolla", "room": "aspen", "title": "Python 3 images",
           "start": "2019-05-02T09:00:00-06:00", "end": "2019-05-02T10:45:00-06:00", "status": "scheduled"}


def track(slug, mailing_list=None, subject_tag=None):
    return {"id": str(uuid.uuid4()), "event": "denver", "slug": slug, "name": slug.title(),
            "mailing_list": mailing_list, "subject_tag": subject_tag}


def summary(track_slug, title="Train PTG summary", text="Kolla\n=====\n\nWe agreed to drop Python 2.\n"):
    return {"id": str(uuid.uuid4()), "event": "denver", "track": track_slug, "track_name": track_slug.title(),
            "title": title, "text": text, "sessions": [{"session_id": "s-1", "title": "Python 3 images",
                                                        "start": SESSION["start"], "end": SESSION["end"]}],
            "published_at": "2019-05-31T18:21:27Z"}


# -- webhooks --------------------------------------------------------------------------------

def test_matching_events_arrive_signed_and_verify_with_standard_webhooks(notify, receiver):
    hook = subscribe(notify, f"{receiver.base}/hook", ["ptghub.schedule.session.*"], description="chat bot")
    assert hook["secret"].startswith("whsec_") and hook["enabled"] and hook["owner"] == "bot"
    assert "secret" not in notify.client.get(f"/webhooks/{hook['id']}", headers=BOT).get_json()
    notify.publish("ptghub.schedule.track.created", track("nova"))
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION, subject="s-1")
    request = wait_until(lambda: receiver.posts("/hook", event.id), message="signed delivery")[0]
    payload = Webhook(hook["secret"]).verify(request["body"], request["headers"])
    assert payload["id"] == event.id and payload["type"] == "ptghub.schedule.session.scheduled"
    assert payload["data"] == SESSION and payload["specversion"] == "1.0"
    assert request["headers"]["content-type"] == "application/json"
    log = wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"])
    assert len(log) == 1 and log[0]["id"] == request["headers"]["webhook-id"]
    assert log[0]["event_id"] == event.id and log[0]["attempts"] == 1 and log[0]["last_status_code"] == 200
    assert log[0]["history"][0]["status_code"] == 200
    assert receiver.posts("/hook") == [request]  # the track event matched no pattern


def test_the_same_event_twice_makes_one_delivery_and_one_mail(notify, receiver, smtp):
    hook = subscribe(notify, f"{receiver.base}/all", ["#"])
    notify.publish("ptghub.schedule.track.created", track("kolla", "kolla-list@lists.example", "kolla"))
    published = summary("kolla")
    first = notify.publish("ptghub.notes.summary.published", published)
    notify.publish("ptghub.notes.summary.published", published, id=first.id)
    sentinel = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    wait_until(lambda: receiver.posts("/all", sentinel.id), message="sentinel delivery")
    wait_until(lambda: smtp.to("kolla-list@lists.example"), message="summary mail")
    assert len(receiver.posts("/all", first.id)) == 1
    assert len([d for d in deliveries(notify, hook["id"]) if d["event_id"] == first.id]) == 1
    messages = notify.client.get("/messages", headers=ORGANISER).get_json()["items"]
    assert [m["source_event_id"] for m in messages] == [first.id]
    assert len(smtp.to("kolla-list@lists.example")) == 1


def test_a_failed_delivery_is_retried_with_the_same_webhook_id(notify, receiver):
    receiver.script["/flaky"] = [(500, {})]
    hook = subscribe(notify, f"{receiver.base}/flaky", ["ptghub.schedule.#"])
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    first, second = wait_until(lambda: len(receiver.posts("/flaky", event.id)) == 2 and receiver.posts("/flaky"),
                               message="a retry")
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    for request in (first, second):
        Webhook(hook["secret"]).verify(request["body"], request["headers"])
    log = wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"])[0]
    assert log["attempts"] == 2 and [a["status_code"] for a in log["history"]] == [500, 200]
    assert log["history"][0]["error"].startswith("HTTP 500")
    assert notify.client.get(f"/webhooks/{hook['id']}", headers=BOT).get_json()["failing_since"] is None


def test_retry_after_is_honoured_and_redirects_are_not_followed(notify, receiver):
    receiver.script["/busy"] = [(429, {"Retry-After": "0"})]
    receiver.script["/moved"] = [(301, {"Location": f"{receiver.base}/elsewhere"})]
    busy = subscribe(notify, f"{receiver.base}/busy", ["ptghub.schedule.#"])
    moved = subscribe(notify, f"{receiver.base}/moved", ["ptghub.schedule.#"])
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    wait_until(lambda: [d for d in deliveries(notify, busy["id"]) if d["status"] == "succeeded"])
    wait_until(lambda: len(receiver.posts("/moved", event.id)) == 2, message="redirect retried")
    assert receiver.posts("/elsewhere") == []
    log = deliveries(notify, moved["id"])[0]
    assert log["history"][0]["status_code"] == 301


def test_410_gone_disables_the_webhook_and_tells_its_owner(notify, receiver, probe):
    receiver.script["/gone"] = [(410, {})] * 3
    hook = subscribe(notify, f"{receiver.base}/gone", ["ptghub.schedule.session.*"])
    notify.publish("ptghub.schedule.session.scheduled", SESSION)
    disabled = probe.wait_for("ptghub.notify.webhook.disabled", lambda e: e["data"]["id"] == hook["id"])
    assert disabled["data"]["enabled"] is False and "410" in disabled["data"]["disabled_reason"]
    assert "secret" not in disabled["data"] and disabled["data"]["owner"] == "bot"
    state = notify.client.get(f"/webhooks/{hook['id']}", headers=BOT).get_json()
    assert state["enabled"] is False
    assert [d["status"] for d in deliveries(notify, hook["id"])] == ["failed"]
    later = notify.publish("ptghub.schedule.session.scheduled", {**SESSION, "id": "s-2"})
    sentinel_hook = subscribe(notify, f"{receiver.base}/sentinel", ["ptghub.schedule.#"])
    sentinel = notify.publish("ptghub.schedule.session.scheduled", {**SESSION, "id": "s-3"})
    wait_until(lambda: receiver.posts("/sentinel", sentinel.id), message="sentinel delivery")
    assert receiver.posts("/gone", later.id) == [] and len(deliveries(notify, hook["id"])) == 1
    assert len(notify.client.get("/webhooks?enabled=false", headers=BOT).get_json()["items"]) == 1
    assert sentinel_hook["id"] != hook["id"]


def test_a_webhook_failing_for_five_days_is_disabled(notify, receiver, probe):
    receiver.script["/down"] = [(500, {})] * 5
    hook = subscribe(notify, f"{receiver.base}/down", ["ptghub.schedule.#"])
    with notify.database.engine.begin() as connection:
        connection.execute(sa.update(store.WebhookSubscription).where(store.WebhookSubscription.id == hook["id"])
                           .values(failing_since=utcnow() - timedelta(days=5, minutes=1)))
    notify.publish("ptghub.schedule.session.scheduled", SESSION)
    disabled = probe.wait_for("ptghub.notify.webhook.disabled", lambda e: e["data"]["id"] == hook["id"])
    assert "5 days" in disabled["data"]["disabled_reason"]
    wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "cancelled"],
               message="the pending retry cancelled")
    assert len(receiver.posts("/down")) == 1


def test_url_safety_is_checked_again_at_delivery_time(notify, receiver):
    hook = subscribe(notify, f"{receiver.base}/late", ["ptghub.schedule.#"])
    notify.worker.stop.set()
    for thread in notify.threads:
        if thread.name != "consumer":
            thread.join(timeout=5)
    EventRouter(notify.database, consumers.subscriptions(notify.database)).handle(
        CloudEvent(type="ptghub.schedule.session.scheduled", source="/ptghub/schedule", data=SESSION))
    strict = WebhookDeliveryLoop(notify.database, NotifySettings(interval=0.01))
    try:
        assert strict.deliver_once() == 1
    finally:
        strict.close()
    log = deliveries(notify, hook["id"])[0]
    assert log["status"] == "pending" and log["attempts"] == 1 and log["last_status_code"] is None
    assert "loopback" in log["last_error"] and receiver.posts("/late") == []


@contextmanager
def fresh_api(notify):
    """A second notify api on the same database, reading notify's settings afresh (as a restart would)."""
    app = service_app(notify_service, settings=notify.settings)
    app.test_client_class = GatewayLikeClient
    try:
        yield app.test_client()
    finally:
        app.extensions["database"].dispose()


def test_loopback_private_and_metadata_urls_are_refused_without_the_allow_list(notify, monkeypatch):
    monkeypatch.delenv("PTGHUB_WEBHOOK_ALLOW")
    # The settings are read once, when the api starts: the running one still allows 127.0.0.1.
    assert notify.client.post("/webhooks", json={"url": "http://127.0.0.1:9/x", "event_types": ["#"]},
                              headers=BOT).status_code == 201
    with fresh_api(notify) as strict:
        for url in ("http://127.0.0.1:9/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data",
                    "http://10.0.0.7/hook", "http://[::1]/hook", "http://0.0.0.0/"):
            response = strict.post("/webhooks", json={"url": url, "event_types": ["#"]}, headers=BOT)
            assert response.status_code == 422, url
            assert response.content_type == "application/problem+json"
            assert "url" in response.get_json()["errors"]
    monkeypatch.setenv("PTGHUB_WEBHOOK_ALLOW", "localhost")
    with fresh_api(notify) as allowing:
        assert allowing.post("/webhooks", json={"url": "http://localhost:9/x", "event_types": ["#"]},
                             headers=BOT).status_code == 201


@pytest.mark.parametrize("body, field, status", [
    ({"url": "ftp://example.com/x", "event_types": ["#"]}, "url", 400),
    ({"event_types": ["#"]}, "url", 400),
    ({"url": "https://example.com/x", "event_types": []}, "event_types", 400),
    ({"url": "https://example.com/x", "event_types": ["ptghub..x"]}, "event_types", 400),
    ({"url": "https://example.com/x", "event_types": ["#"], "secret": "whsec_c2hvcnQ="}, "secret", 400),
    ({"url": "https://example.com/x", "event_types": ["#"], "bogus": 1}, "bogus", 400),
    ({"url": "http://127.0.0.2/x", "event_types": ["#"]}, "url", 422),
    *(({"url": url, "event_types": ["#"]}, "url", 400) for url in (
        "not a url", "https://", "https:///hooks", "https://exa mple.org/x", "https://[::1/x",
        "https://example.org:99999/x", "https://example.org:0/x", "https://example.org:port/x", "javascript:alert(1)", "//example.org/x",
        "https://example.org/x\r\nX-Injected: 1", 12, "https://" + "a" * 2100 + ".org/x")),
])
def test_bad_webhooks_get_a_problem_naming_the_field(notify, body, field, status):
    response = notify.client.post("/webhooks", json=body, headers=BOT)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert notify.client.get("/webhooks", headers=ORGANISER).get_json()["items"] == []


def test_integrations_manage_only_their_own_webhooks(notify, receiver):
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    mine = subscribe(notify, f"{receiver.base}/mine", secret=secret)
    assert mine["secret"] == secret
    theirs = subscribe(notify, f"{receiver.base}/theirs", headers=OTHER_BOT)
    assert [h["id"] for h in notify.client.get("/webhooks", headers=BOT).get_json()["items"]] == [mine["id"]]
    assert notify.client.get(f"/webhooks/{theirs['id']}", headers=BOT).status_code == 404
    assert notify.client.delete(f"/webhooks/{theirs['id']}", headers=BOT).status_code == 404
    every = notify.client.get("/webhooks?limit=1", headers=ORGANISER).get_json()
    rest = notify.client.get(f"/webhooks?limit=1&cursor={every['next_cursor']}", headers=ORGANISER).get_json()
    assert [h["id"] for h in every["items"] + rest["items"]] == [mine["id"], theirs["id"]]
    assert notify.client.get("/webhooks", headers=principal_header("chair", [("denver", "kolla")])).status_code == 403
    assert notify.client.post("/webhooks", json={"url": f"{receiver.base}/x", "event_types": ["#"]}).status_code == 403
    assert notify.client.get("/messages", headers=BOT).status_code == 403
    assert notify.client.get("/webhooks?cursor=garbage", headers=ORGANISER).status_code == 400
    assert notify.client.delete(f"/webhooks/{theirs['id']}", headers=ORGANISER).status_code == 204
    assert notify.client.get(f"/webhooks/{theirs['id']}", headers=OTHER_BOT).status_code == 404


# -- mail ------------------------------------------------------------------------------------

def test_summaries_reach_the_track_list_with_tag_and_threading(notify, smtp, probe):
    notify.publish("ptghub.schedule.track.created", track("kolla", "openstack-discuss@lists.example", "kolla"))
    first_summary = summary("kolla", "Virtual PTG summary")
    first = notify.publish("ptghub.notes.summary.published", first_summary)
    mail = wait_until(lambda: smtp.to("openstack-discuss@lists.example"), message="first mail")[0]
    message_id = ids(mail["Message-ID"])
    assert mail["Subject"] == "[kolla] Virtual PTG summary"
    assert mail["From"] == "ptghub <ptghub@ptg.example>" and mail["To"] == "openstack-discuss@lists.example"
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Date"] is not None
    assert message_id.startswith(f"<summary-{first_summary['id']}.") and message_id.endswith("@ptg.example>")
    assert mail["In-Reply-To"] is None
    assert "We agreed to drop Python 2." in mail.get_body(("plain",)).get_content()
    assert "We agreed to drop Python 2." in mail.get_body(("html",)).get_content()
    assert smtp.messages[0]["from"] == "ptghub@ptg.example"
    sent = probe.wait_for("ptghub.notify.message.sent", lambda e: e["data"]["source_event_id"] == first.id)
    assert sent["data"]["message_id"] == message_id and sent["data"]["status"] == "sent"
    assert sent["data"]["recipient"] == "openstack-discuss@lists.example" and sent["data"]["attempts"] == 1

    notify.publish("ptghub.notes.summary.published", summary("kolla", "Train PTG summary, day 2"))
    reply = wait_until(lambda: smtp.to("openstack-discuss@lists.example")[1:], message="second mail")[0]
    assert reply["Subject"] == "[kolla] Train PTG summary, day 2"
    assert ids(reply["In-Reply-To"]) == message_id and ids(reply["References"]) == message_id
    assert ids(reply["Message-ID"]) != message_id
    # the server has the mail a moment before the loop records it as sent
    log = wait_until(lambda: (lambda items: items if len(items) == 2 else None)(
        notify.client.get("/messages?status=sent", headers=ORGANISER).get_json()["items"]), message="both sent")
    assert [m["subject"] for m in log] == ["[kolla] Virtual PTG summary", "[kolla] Train PTG summary, day 2"]


def test_a_summary_before_its_track_waits_and_a_track_without_list_mails_nothing(notify, smtp):
    early = notify.publish("ptghub.notes.summary.published", summary("ironic"))
    wait_until(lambda: _processed(notify, early.id), message="early summary consumed")
    time.sleep(3)  # once dead-lettered after about a second; now it waits for its route
    notify.publish("ptghub.schedule.track.created", track("ironic", "ironic-list@lists.example"))
    mail = wait_until(lambda: smtp.to("ironic-list@lists.example"), message="late-routed mail")[0]
    assert mail["Subject"] == "[ironic] Train PTG summary"  # no subject tag: the track slug
    notify.publish("ptghub.schedule.track.created", track("edge"))
    quiet = notify.publish("ptghub.notes.summary.published", summary("edge"))
    wait_until(lambda: _processed(notify, quiet.id), message="summary of a list-less track consumed")
    wait_until(lambda: not _pending(notify), message="pending summaries resolved")
    assert [m["source_event_id"] for m in notify.client.get("/messages", headers=ORGANISER).get_json()["items"]] \
        == [early.id]
    assert len(smtp.to("ironic-list@lists.example")) == 1


def _pending(notify) -> list:
    with notify.database.sessions() as session:
        return [row.source_event_id for row in session.query(store.PendingSummary)]


def ids(header) -> str:
    """A msg-id header's value (the stdlib parser keeps the folding white space in front)."""
    return str(header).strip()


def _processed(notify, event_id):
    inbox = notify.database.inbox
    with notify.database.engine.connect() as connection:
        return connection.execute(sa.select(inbox.c.event_id).where(inbox.c.event_id == event_id)).first()


def test_smtp_5xx_marks_the_message_failed(notify, smtp, probe):
    smtp.replies["bounce@lists.example"] = ["550 5.1.1 no such list"]
    notify.publish("ptghub.schedule.track.created", track("tripleo", "bounce@lists.example", "tripleo"))
    event = notify.publish("ptghub.notes.summary.published", summary("tripleo"))
    failed = probe.wait_for("ptghub.notify.message.failed", lambda e: e["data"]["source_event_id"] == event.id)
    assert failed["data"]["status"] == "failed" and failed["data"]["attempts"] == 1
    message = notify.client.get("/messages?status=failed", headers=ORGANISER).get_json()["items"][0]
    assert message["last_code"] == 550 and "no such list" in message["last_error"]
    assert smtp.to("bounce@lists.example") == []


def test_smtp_4xx_is_retried_until_accepted(notify, smtp, probe):
    smtp.replies["busy@lists.example"] = ["451 4.3.0 try again later", "452 4.2.2 mailbox full"]
    notify.publish("ptghub.schedule.track.created", track("nova", "busy@lists.example", "nova"))
    event = notify.publish("ptghub.notes.summary.published", summary("nova"))
    sent = probe.wait_for("ptghub.notify.message.sent", lambda e: e["data"]["source_event_id"] == event.id)
    assert sent["data"]["attempts"] == 3
    assert len(smtp.to("busy@lists.example")) == 1
    message = notify.client.get(f"/messages/{sent['data']['id']}", headers=ORGANISER).get_json()
    assert message["status"] == "sent" and message["last_code"] == 452


def test_an_unreachable_smtp_server_leaves_mail_queued_for_retry(notify, smtp):
    notify.worker.stop.set()
    for thread in notify.threads:
        thread.join(timeout=5)
    with notify.database.unit_of_work() as uow:
        uow.session.add(store.OutgoingMail(
            source_event_id=str(uuid.uuid4()), source_event_type="test", sender="ptghub <ptghub@ptg.example>",
            recipient="x@lists.example", subject="s", message_id="<m@ptg.example>", message="Subject: s\r\n\r\nbody\r\n",
            status="queued", attempts=0, next_attempt_at=utcnow()))
        uow.commit()
    settings = NotifySettings(smtp_url=f"smtp://127.0.0.1:{free_port()}", mail_retry_scale=1.0)
    mailer = MailDeliveryLoop(notify.database, settings)
    assert mailer.send_once() == 1
    message = notify.client.get("/messages", headers=ORGANISER).get_json()["items"][0]
    assert message["status"] == "queued" and message["attempts"] == 1 and message["last_code"] is None
    assert "cannot connect" in message["last_error"] and message["next_attempt_at"] is not None
    assert mailer.send_once() == 0  # not due again for a minute


def test_a_deleted_tracks_list_gets_no_more_mail(notify, smtp):
    kept = track("cinder", "cinder-list@lists.example", "cinder")
    notify.publish("ptghub.schedule.track.created", kept)
    notify.publish("ptghub.notes.summary.published", summary("cinder", "Before"))
    wait_until(lambda: smtp.to("cinder-list@lists.example"), message="mail before the delete")
    notify.publish("ptghub.schedule.track.deleted", kept)
    after = notify.publish("ptghub.notes.summary.published", summary("cinder", "After"))
    wait_until(lambda: _processed(notify, after.id) and not _pending(notify), message="summary after the delete resolved")
    notify.publish("ptghub.schedule.track.created", track("glance", "glance-list@lists.example"))
    sentinel = notify.publish("ptghub.notes.summary.published", summary("glance"))
    wait_until(lambda: smtp.to("glance-list@lists.example"), message="sentinel mail")
    assert [m["Subject"] for m in smtp.to("cinder-list@lists.example")] == ["[cinder] Before"]
    sources = [m["source_event_id"] for m in notify.client.get("/messages", headers=ORGANISER).get_json()["items"]]
    assert after.id not in sources and sentinel.id in sources


# -- ownership by token id -----------------------------------------------------------------------

def bot_token() -> str:
    return str(uuid.uuid4())


def test_two_integration_tokens_named_bot_see_nothing_of_each_other(notify, receiver):
    first_id, second_id = bot_token(), bot_token()
    first = principal_header("integration", sub=first_id, name="bot")
    second = principal_header("integration", sub=second_id, name="bot")
    mine = subscribe(notify, f"{receiver.base}/first", ["ptghub.schedule.#"], headers=first)
    theirs = subscribe(notify, f"{receiver.base}/second", ["ptghub.schedule.#"], headers=second)
    assert mine["owner"] == first_id and theirs["owner"] == second_id
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    wait_until(lambda: receiver.posts("/first", event.id) and receiver.posts("/second", event.id), message="both")
    for me, own, other in ((first, mine, theirs), (second, theirs, mine)):
        assert [h["id"] for h in notify.client.get("/webhooks", headers=me).get_json()["items"]] == [own["id"]]
        assert [h["id"] for h in notify.client.get(f"/webhooks?owner={other['owner']}", headers=me)
                .get_json()["items"]] == [own["id"]]
        assert len(deliveries(notify, own["id"], headers=me)) == 1
        assert notify.client.get(f"/webhooks/{other['id']}", headers=me).status_code == 404
        assert notify.client.get(f"/webhooks/{other['id']}/deliveries", headers=me).status_code == 404
        assert notify.client.delete(f"/webhooks/{other['id']}", headers=me).status_code == 404
    assert len(notify.client.get("/webhooks", headers=ORGANISER).get_json()["items"]) == 2


def test_an_integration_gets_no_personal_data_and_no_other_tokens_disabled_webhook(notify, receiver, smtp, probe):
    own_id, other_id = bot_token(), bot_token()
    own = principal_header("integration", sub=own_id, name="bot")
    other = principal_header("integration", sub=other_id, name="bot")
    organiser = subscribe(notify, f"{receiver.base}/organiser", ["ptghub.notify.#"], headers=ORGANISER)
    watcher = subscribe(notify, f"{receiver.base}/own", ["ptghub.notify.#"], headers=own)
    stranger = subscribe(notify, f"{receiver.base}/other", ["ptghub.notify.#"], headers=other)
    receiver.script["/gone"] = [(410, {})]
    gone = subscribe(notify, f"{receiver.base}/gone", ["ptghub.schedule.session.*"], headers=own)
    notify.publish("ptghub.schedule.track.created", track("swift", "swift-list@lists.example", "swift"))
    notify.publish("ptghub.notes.summary.published", summary("swift"))
    notify.publish("ptghub.schedule.session.scheduled", SESSION)
    sent = probe.wait_for("ptghub.notify.message.sent", lambda e: e["data"]["recipient"] == "swift-list@lists.example")
    disabled = probe.wait_for("ptghub.notify.webhook.disabled", lambda e: e["data"]["id"] == gone["id"])
    wait_until(lambda: receiver.posts("/organiser", sent["id"]) and receiver.posts("/organiser", disabled["id"]),
               message="the organiser's webhook gets both")
    assert [json.loads(r["body"])["id"] for r in wait_until(lambda: receiver.posts("/own"))] == [disabled["id"]]
    assert deliveries(notify, watcher["id"], headers=own)[0]["event_id"] == disabled["id"]
    # Fan-out of both events is done (the organiser got them): the other integration got no delivery.
    assert deliveries(notify, stranger["id"], headers=other) == [] and receiver.posts("/other") == []
    assert len(deliveries(notify, organiser["id"], headers=ORGANISER)) == 2


def test_revoking_a_token_disables_its_webhooks_with_the_reason(notify, receiver, probe):
    revoked_id, kept_id = bot_token(), bot_token()
    revoked = principal_header("integration", sub=revoked_id, name="bot")
    kept = principal_header("integration", sub=kept_id, name="bot")
    first = subscribe(notify, f"{receiver.base}/revoked-1", ["ptghub.schedule.#"], headers=revoked)
    second = subscribe(notify, f"{receiver.base}/revoked-2", ["#"], headers=revoked)
    other = subscribe(notify, f"{receiver.base}/kept", ["ptghub.schedule.#"], headers=kept)
    notify.publish("ptghub.gateway.token.revoked", {"id": revoked_id, "name": "bot", "role": "integration",
                                                    "revoked_at": "2019-05-02T15:00:00Z"}, source="/ptghub/gateway")
    for hook in (first, second):
        event = probe.wait_for("ptghub.notify.webhook.disabled", lambda e, h=hook: e["data"]["id"] == h["id"])
        assert event["data"]["disabled_reason"] == "owner token revoked" and event["data"]["owner"] == revoked_id
    state = notify.client.get(f"/webhooks/{first['id']}", headers=ORGANISER).get_json()
    assert state["enabled"] is False and state["disabled_reason"] == "owner token revoked"
    assert notify.client.get(f"/webhooks/{other['id']}", headers=kept).get_json()["enabled"] is True
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    wait_until(lambda: receiver.posts("/kept", event.id), message="the kept token's delivery")
    assert receiver.posts("/revoked-1") == [] and receiver.posts("/revoked-2") == []
    assert deliveries(notify, second["id"], headers=ORGANISER) == []  # not even of the revocation itself


# -- leases: two workers on one database, slow receivers ---------------------------------------------

def stop_worker(notify) -> None:
    notify.worker.stop.set()
    for thread in notify.threads:
        thread.join(timeout=5)


def run_loops(loops) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    threads = [threading.Thread(target=loop.run, args=(stop,), daemon=True) for loop in loops]
    for thread in threads:
        thread.start()
    return stop, threads


def test_two_webhook_loops_and_a_slow_receiver_deliver_each_message_once(notify, receiver):
    stop_worker(notify)
    hook = subscribe(notify, f"{receiver.base}/slow", ["ptghub.schedule.#"])
    router = EventRouter(notify.database, consumers.subscriptions(notify.database))
    for number in range(6):
        router.handle(CloudEvent(type="ptghub.schedule.session.scheduled", source="/ptghub/schedule",
                                 data={**SESSION, "id": f"s-{number}"}))
    receiver.delay = 0.6  # every answer takes longer than half the lease: the second worker would take over
    settings = NotifySettings(webhook_allow=domain.AllowList.parse("127.0.0.1/32"), interval=0.02)
    lease = timedelta(seconds=1)
    loops = [WebhookDeliveryLoop(notify.database, settings, batch_size=4, lease=lease, concurrency=1),
             WebhookDeliveryLoop(notify.database, settings, batch_size=1, lease=lease, concurrency=1)]
    stop, threads = run_loops(loops)
    try:
        wait_until(lambda: len([d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"]) == 6,
                   timeout=30, message="six deliveries")
        time.sleep(1.5)  # a second sender would post within a lease
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    sent = Counter(r["headers"]["webhook-id"] for r in receiver.posts("/slow"))
    assert len(sent) == 6 and set(sent.values()) == {1}, sent
    assert all(d["attempts"] == 1 for d in deliveries(notify, hook["id"]))


def test_two_mail_loops_and_a_slow_smtp_server_send_each_message_once(notify, smtp):
    stop_worker(notify)
    smtp.delay = 0.6
    with notify.database.unit_of_work() as uow:
        for number in range(6):
            uow.session.add(store.OutgoingMail(
                source_event_id=str(uuid.uuid4()), source_event_type="test", sender="ptghub <ptghub@ptg.example>",
                recipient="slow@lists.example", subject=f"s{number}", message_id=f"<m{number}@ptg.example>",
                message=f"Message-ID: <m{number}@ptg.example>\r\nSubject: s{number}\r\n\r\nbody\r\n",
                status="queued", attempts=0, next_attempt_at=utcnow()))
        uow.commit()
    settings = NotifySettings(smtp_url=smtp.url, interval=0.02)
    lease = timedelta(seconds=1)
    loops = [MailDeliveryLoop(notify.database, settings, batch_size=4, lease=lease),
             MailDeliveryLoop(notify.database, settings, batch_size=1, lease=lease)]
    stop, threads = run_loops(loops)
    try:
        wait_until(lambda: len(notify.client.get("/messages?status=sent", headers=ORGANISER).get_json()["items"]) == 6,
                   timeout=30, message="six messages sent")
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    sent = Counter(str(m["Message-ID"]).strip() for m in smtp.to("slow@lists.example"))
    assert len(sent) == 6 and set(sent.values()) == {1}, sent


# -- summaries as notes renders them (issue 7): both parts as rendered, one signature, updates
#    threaded, an event's summary to each of its tracks' lists -------------------------------------

def rendered(scope="track", update=False, thread=None, tracks=("kolla",), body="#agreed drop Python 2\n"):
    """The data of a ``summary.published`` as notes publishes it, rendered by its renderer."""
    event = Event("Denver III PTG", "denver", "America/Denver")
    start = datetime(2019, 5, 2, 15, tzinfo=timezone.utc)
    session = Session("Python 3 images", start, start + timedelta(hours=1), "aspen", body, tuple(extract(body)))
    if scope == "track":
        model = build_track_summary(event, Track(tracks[0], tracks[0].title(), tracks[0]), [session], update=update)
    else:
        model = build_event_summary(event, [TrackNotes(Track(t, t.title(), t), [session]) for t in tracks],
                                    update=update)
    summary_id = str(uuid.uuid4())
    return {"id": summary_id, "scope": scope, "event": "denver", "track": tracks[0] if scope == "track" else None,
            "track_name": tracks[0].title() if scope == "track" else None, "title": model.subject,
            "subject": model.subject, "event_name": event.name, "tracks": list(tracks), "thread": thread or summary_id,
            "update": update, "content_hash": content_hash(model), "text": render(model, "text"),
            "markdown": render(model, "markdown"), "html": render(model, "html"), "sessions": [],
            "published_at": "2019-05-31T18:21:27Z"}


def plain_of(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_rendered_summary_is_mailed_as_both_parts_with_one_signature(notify, smtp):
    notify.publish("ptghub.schedule.track.created", track("kolla", "kolla@lists.example", "kolla"))
    first = rendered()
    notify.publish("ptghub.notes.summary.published", first)
    mail = wait_until(lambda: smtp.to("kolla@lists.example"), message="the summary mail")[0]
    assert mail["Subject"] == "[kolla] Denver III PTG summary"
    plain, html = plain_of(mail), mail.get_body(("html",)).get_content()
    assert plain == first["text"]
    assert "# Decisions" in plain and "- drop Python 2 (Python 3 images)" in plain
    assert plain.count("\n-- \n") == 1 and plain.endswith("-- \nKolla team, Denver III PTG\n")
    assert "Sent by ptghub" not in plain and "Sent by ptghub" not in html
    assert "<!DOCTYPE html>" in html and html.count("Kolla team, Denver III PTG") == 1

    update = rendered(update=True, thread=first["id"], body="#agreed drop Python 2\n#agreed and Python 3.6\n")
    notify.publish("ptghub.notes.summary.published", update)
    reply = wait_until(lambda: smtp.to("kolla@lists.example")[1:], message="the update")[0]
    assert ids(reply["In-Reply-To"]) == ids(mail["Message-ID"]) == ids(reply["References"])
    assert reply.get_body(("plain",)).get_content().startswith("This is an update of the summary sent earlier")


def test_an_event_summary_goes_once_to_each_list_of_its_tracks_and_its_update_threads(notify, smtp):
    notify.publish("ptghub.schedule.track.created", track("kolla", "discuss@lists.example", "kolla"))
    notify.publish("ptghub.schedule.track.created", track("nova", "discuss@lists.example", "nova"))
    first = rendered("event", tracks=("kolla", "nova", "ironic"))
    notify.publish("ptghub.notes.summary.published", first)
    time.sleep(1)  # it waits for the route of ironic
    assert smtp.to("discuss@lists.example") == []
    notify.publish("ptghub.schedule.track.created", track("ironic", "ironic@lists.example", "ironic"))
    wait_until(lambda: smtp.to("ironic@lists.example"), message="the event summary to ironic's list")
    (mail,) = wait_until(lambda: smtp.to("discuss@lists.example"), message="the event summary to the shared list")
    assert mail["Subject"] == "Denver III PTG summary" and mail["In-Reply-To"] is None
    assert plain_of(mail).count("\n-- \n") == 1

    update = rendered("event", update=True, thread=first["id"], tracks=("kolla", "nova", "ironic"))
    notify.publish("ptghub.notes.summary.published", update)
    reply = wait_until(lambda: smtp.to("discuss@lists.example")[1:], message="the event summary's update")[0]
    assert ids(reply["In-Reply-To"]) == ids(mail["Message-ID"]) and ids(reply["Message-ID"]) != ids(mail["Message-ID"])
    time.sleep(0.5)
    assert len(smtp.to("discuss@lists.example")) == 2 and len(smtp.to("ironic@lists.example")) == 2
