"""Operating a webhook against a real receiver on loopback (notify with PostgreSQL and RabbitMQ):
ping, secret rotation verified with the independent ``standardwebhooks`` package, merge patch,
re-enabling, redelivery with the same ``webhook-id``, the delivery log and its filters, and the
problems a caller gets (another integration's webhook is a 404)."""
from __future__ import annotations

import json
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from ..conftest import ORGANISER, principal_header
from ..infra import wait_until
from .conftest import start_notify
from .test_notify import BOT, OTHER_BOT, SESSION, deliveries, subscribe

pytestmark = pytest.mark.integration

MERGE_PATCH = {"content-type": "application/merge-patch+json"}


def patch(service, hook_id, changes, headers=BOT):
    return service.client.patch(f"/webhooks/{hook_id}", data=json.dumps(changes), headers=headers | MERGE_PATCH)


def post(service, path, headers=BOT, **kwargs):
    return service.client.post(path, headers=headers, **kwargs)


@pytest.fixture
def slow_poll_notify(start_service, infra, smtp, monkeypatch):
    """notify whose delivery loop polls only every 30 s: what arrives sooner was rung."""
    return start_notify(start_service, infra, monkeypatch, SMTP_URL=smtp.url, WEBHOOK_ALLOW="127.0.0.1/32",
                        DELIVERY_INTERVAL="30")


def test_a_ping_arrives_at_once_signed_and_is_logged(slow_poll_notify, receiver):
    notify = slow_poll_notify
    hook = subscribe(notify, f"{receiver.base}/ping", ["ptghub.schedule.session.*"], event="elsewhere")
    time.sleep(0.3)  # the loop's first round is over: it now waits 30 s unless rung
    started = time.monotonic()
    response = post(notify, f"/webhooks/{hook['id']}/ping")
    assert response.status_code == 202, response.get_json()
    queued = response.get_json()
    assert queued["event_type"] == "ptghub.notify.webhook.ping" and queued["status"] == "pending"
    request = wait_until(lambda: receiver.posts("/ping"), timeout=5, message="ping")[0]
    assert time.monotonic() - started < 3, "the ping waited for the poll: the delivery loop was not rung"
    payload = Webhook(hook["secret"]).verify(request["body"], request["headers"])
    assert payload["type"] == "ptghub.notify.webhook.ping" and payload["data"]["webhook"] == hook["id"]
    assert request["headers"]["webhook-id"] == queued["id"]
    (logged,) = wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"])
    assert logged["last_status_code"] == 200 and logged["response_excerpt"] == "ok"
    assert isinstance(logged["latency_ms"], int) and logged["latency_ms"] >= 0
    assert logged["history"][0]["response_excerpt"] == "ok"


def test_during_a_rotation_each_secret_verifies_and_the_old_one_alone_does_not_after(notify, receiver):
    hook = subscribe(notify, f"{receiver.base}/rotating", ["ptghub.schedule.session.*"])
    old = hook["secret"]
    response = post(notify, f"/webhooks/{hook['id']}/rotate-secret")
    assert response.status_code == 200
    rotated = response.get_json()
    new = rotated["secret"]
    assert new.startswith("whsec_") and new != old and rotated["id"] == hook["id"]
    assert rotated["previous_secret_until"] == notify.client.get(
        f"/webhooks/{hook['id']}", headers=BOT).get_json()["previous_secret_until"]
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    request = wait_until(lambda: receiver.posts("/rotating", event.id), message="delivery during the rotation")[0]
    signatures = request["headers"]["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    for secret in (old, new):
        assert Webhook(secret).verify(request["body"], request["headers"])["id"] == event.id
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUFB" * 8).verify(request["body"], request["headers"])
    # a second rotation within the grace: the oldest secret is dropped, two signatures at most
    newest = post(notify, f"/webhooks/{hook['id']}/rotate-secret").get_json()["secret"]
    ping = post(notify, f"/webhooks/{hook['id']}/ping").get_json()
    request = wait_until(lambda: [r for r in receiver.posts("/rotating") if r["headers"]["webhook-id"] == ping["id"]],
                         message="ping after the second rotation")[0]
    assert len(request["headers"]["webhook-signature"].split(" ")) == 2
    for secret in (new, newest):
        Webhook(secret).verify(request["body"], request["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(request["body"], request["headers"])


def test_a_merge_patch_moves_and_narrows_a_webhook(notify, receiver):
    hook = subscribe(notify, f"{receiver.base}/before", ["ptghub.schedule.session.*"], description="bot")
    response = patch(notify, hook["id"], {"url": f"{receiver.base}/after", "track": "nova", "description": "moved"})
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["url"] == f"{receiver.base}/after" and changed["track"] == "nova" and changed["description"] == "moved"
    assert changed["event_types"] == ["ptghub.schedule.session.*"] and "secret" not in changed
    kolla = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    nova = notify.publish("ptghub.schedule.session.scheduled", {**SESSION, "id": "s-2", "track": "nova"})
    wait_until(lambda: receiver.posts("/after", nova.id), message="the nova session at the new URL")
    assert receiver.posts("/before") == [] and receiver.posts("/after", kolla.id) == []
    assert patch(notify, hook["id"], {"track": None}).get_json()["track"] is None


@pytest.mark.parametrize("changes, field, status", [
    ({"event_types": ["ptghub.schedule.sesion.*"]}, "event_types", 422),
    ({"url": "http://10.0.0.7/hook"}, "url", 422),
    ({"url": "ftp://example.com/x"}, "url", 400),
    ({"enabled": "perhaps"}, "enabled", 400),
    ({"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "secret", 400),
    ({"contact": "ops@example.org\r\nBcc: x@example.org"}, "contact", 400),
    ({"url": None}, "url", 400),
])
def test_a_bad_patch_is_a_problem_naming_the_field_and_changes_nothing(notify, receiver, changes, field, status):
    hook = subscribe(notify, f"{receiver.base}/x", ["#"])
    response = patch(notify, hook["id"], changes)
    assert response.status_code == status and response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert notify.client.get(f"/webhooks/{hook['id']}", headers=BOT).get_json() == \
        {k: v for k, v in hook.items() if k != "secret"}


def test_unknown_event_types_are_refused_on_creation(notify, receiver):
    response = post(notify, "/webhooks", json={"url": f"{receiver.base}/x", "event_types": ["ptghub.schedul.#"]})
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["event_types"]
    assert "ptghub.schedul.#" in response.get_json()["detail"]


def test_a_disabled_webhook_re_enabled_gets_its_failed_deliveries_again_with_the_same_id(notify, receiver, probe):
    receiver.script["/gone"] = [(410, {})]
    hook = subscribe(notify, f"{receiver.base}/gone", ["ptghub.schedule.session.*"], contact="ops@bot.example")
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    disabled = probe.wait_for("ptghub.notify.webhook.disabled", lambda e: e["data"]["id"] == hook["id"])
    assert disabled["data"]["contact"] == "ops@bot.example"
    first = receiver.posts("/gone", event.id)[0]
    refused = post(notify, f"/webhooks/{hook['id']}/ping")
    assert refused.status_code == 409 and "enabled" in refused.get_json()["errors"]
    assert post(notify, f"/webhooks/{hook['id']}/redeliver-failed").status_code == 409
    enabled = patch(notify, hook["id"], {"enabled": True}).get_json()
    assert enabled["enabled"] is True and enabled["disabled_reason"] is None and enabled["failing_since"] is None
    response = post(notify, f"/webhooks/{hook['id']}/redeliver-failed")
    assert response.status_code == 202 and response.get_json() == {"redelivered": 1}
    again = wait_until(lambda: len(receiver.posts("/gone", event.id)) == 2 and receiver.posts("/gone", event.id)[1],
                       message="the redelivery")
    assert again["headers"]["webhook-id"] == first["headers"]["webhook-id"] and again["body"] == first["body"]
    Webhook(hook["secret"]).verify(again["body"], again["headers"])
    (logged,) = wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"])
    assert logged["attempts"] == 2 and [a["status_code"] for a in logged["history"]] == [410, 200]
    assert post(notify, f"/webhooks/{hook['id']}/redeliver-failed", json={}).get_json() == {"redelivered": 0}
    assert post(notify, f"/webhooks/{hook['id']}/redeliver-failed", json={"since": "yesterday"}).status_code == 400


def test_one_delivery_is_redelivered_with_the_same_webhook_id_and_body(notify, receiver):
    hook = subscribe(notify, f"{receiver.base}/again", ["ptghub.schedule.session.*"])
    event = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    (done,) = wait_until(lambda: [d for d in deliveries(notify, hook["id"]) if d["status"] == "succeeded"])
    response = post(notify, f"/webhooks/{hook['id']}/deliveries/{done['id']}/redeliver")
    assert response.status_code == 202 and response.get_json()["id"] == done["id"]
    first, second = wait_until(lambda: len(receiver.posts("/again", event.id)) == 2 and receiver.posts("/again", event.id),
                               message="the redelivery")
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == done["id"]
    assert first["body"] == second["body"]
    assert post(notify, f"/webhooks/{hook['id']}/deliveries/nope/redeliver").status_code == 404


def test_the_delivery_log_filters_and_pages(notify, receiver):
    hook = subscribe(notify, f"{receiver.base}/log", ["ptghub.schedule.#"])
    receiver.script["/log"] = [(500, {})] * 20
    scheduled = notify.publish("ptghub.schedule.session.scheduled", SESSION)
    updated = notify.publish("ptghub.schedule.session.updated", SESSION)
    wait_until(lambda: len(deliveries(notify, hook["id"])) == 2, message="two deliveries")
    base = f"/webhooks/{hook['id']}/deliveries"
    only = notify.client.get(f"{base}?event_type=ptghub.schedule.session.updated", headers=BOT).get_json()["items"]
    assert [d["event_id"] for d in only] == [updated.id]
    assert [d["event_id"] for d in notify.client.get(f"{base}?event_id={scheduled.id}",
                                                     headers=BOT).get_json()["items"]] == [scheduled.id]
    assert notify.client.get(f"{base}?status=succeeded", headers=BOT).get_json()["items"] == []
    assert notify.client.get(f"{base}?since=2999-01-01T00:00:00Z", headers=BOT).get_json()["items"] == []
    page = notify.client.get(f"{base}?limit=1", headers=BOT).get_json()
    rest = notify.client.get(f"{base}?limit=1&cursor={page['next_cursor']}", headers=BOT).get_json()
    assert {page["items"][0]["event_id"], rest["items"][0]["event_id"]} == {scheduled.id, updated.id}
    for bad in ("status=lost", "since=yesterday", "colour=red"):
        response = notify.client.get(f"{base}?{bad}", headers=BOT)
        assert response.status_code == 400 and response.content_type == "application/problem+json", bad
    (failing,) = wait_until(lambda: [d for d in notify.client.get(f"{base}?event_id={scheduled.id}", headers=BOT)
                                     .get_json()["items"] if d["attempts"] >= 1])
    assert failing["last_status_code"] == 500 and failing["response_excerpt"] == "ok"


def test_another_integrations_webhook_is_a_404_everywhere(notify, receiver):
    theirs = subscribe(notify, f"{receiver.base}/theirs", ["ptghub.schedule.session.*"], headers=OTHER_BOT)
    notify.publish("ptghub.schedule.session.scheduled", SESSION)
    (delivery,) = wait_until(lambda: deliveries(notify, theirs["id"], headers=OTHER_BOT))
    hook = theirs["id"]
    attempts = [
        lambda h: patch(notify, hook, {"description": "mine"}, headers=h),
        lambda h: post(notify, f"/webhooks/{hook}/ping", headers=h),
        lambda h: post(notify, f"/webhooks/{hook}/rotate-secret", headers=h),
        lambda h: post(notify, f"/webhooks/{hook}/deliveries/{delivery['id']}/redeliver", headers=h),
        lambda h: post(notify, f"/webhooks/{hook}/redeliver-failed", headers=h),
        lambda h: notify.client.get(f"/webhooks/{hook}/deliveries", headers=h),
    ]
    chair = principal_header("chair", [("denver", "kolla")])
    for call in attempts:
        response = call(BOT)
        assert response.status_code == 404 and response.content_type == "application/problem+json"
        assert call(chair).status_code == 403
        assert call({}).status_code == 403  # the public principal
    assert notify.client.get(f"/webhooks/{hook}", headers=OTHER_BOT).get_json()["description"] == ""
    assert patch(notify, hook, {"description": "organised"}, headers=ORGANISER).status_code == 200
