"""Operating a webhook through the gateway, as an integration does (real processes, SQLite default):
the gateway validates the merge patch and the new operations against the service schemas; the ping
and the rotation reach a loopback receiver and verify with ``standardwebhooks``."""
from __future__ import annotations

import json

import pytest
from standardwebhooks.webhooks import Webhook

from ..infra import wait_until
from .conftest import session_with_new_token

pytestmark = pytest.mark.e2e


def test_an_integration_patches_pings_and_rotates_its_webhook(start_stack, webhook_receiver):
    stack = start_stack(postgres=False)
    mine, other = (session_with_new_token(stack, name="bot", role="integration") for _ in range(2))
    unknown = mine.post(stack.url("/webhooks"), json={"url": webhook_receiver.url, "event_types": ["ptghub.nope.#"]})
    assert unknown.status_code == 422 and "event_types" in unknown.json()["errors"]
    created = mine.post(stack.url("/webhooks"), json={"url": webhook_receiver.url, "event_types": ["#"],
                                                      "contact": "ops@bot.example"})
    assert created.status_code == 201, created.text
    hook, old = created.json()["id"], created.json()["secret"]

    patched = mine.patch(stack.url(f"/webhooks/{hook}"), data=json.dumps({"event": "denver", "description": "bot"}),
                         headers={"Content-Type": "application/merge-patch+json"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["event"] == "denver" and patched.json()["contact"] == "ops@bot.example"
    bad = mine.patch(stack.url(f"/webhooks/{hook}"), json={"enabled": "perhaps"})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    for path in (f"/webhooks/{hook}/ping", f"/webhooks/{hook}/rotate-secret", f"/webhooks/{hook}/redeliver-failed"):
        assert other.post(stack.url(path)).status_code == 404, path
    assert other.patch(stack.url(f"/webhooks/{hook}"), json={"description": "x"}).status_code == 404

    rotated = mine.post(stack.url(f"/webhooks/{hook}/rotate-secret"))
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    ping = mine.post(stack.url(f"/webhooks/{hook}/ping"))
    assert ping.status_code == 202, ping.text
    delivery = wait_until(lambda: next((d for d in webhook_receiver.deliveries
                                        if d["headers"]["webhook-id"] == ping.json()["id"]), None),
                          timeout=20, message="the ping")
    headers = {k: delivery["headers"][k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    for secret in (old, new):
        assert Webhook(secret).verify(delivery["body"], headers)["type"] == "ptghub.notify.webhook.ping"
    logged = wait_until(lambda: [d for d in mine.get(stack.url(f"/webhooks/{hook}/deliveries?status=succeeded"))
                                 .json()["items"] if d["id"] == ping.json()["id"]], timeout=20, message="the log")
    assert logged[0]["last_status_code"] == 204 and logged[0]["latency_ms"] is not None
    again = mine.post(stack.url(f"/webhooks/{hook}/deliveries/{ping.json()['id']}/redeliver"))
    assert again.status_code == 202, again.text
    wait_until(lambda: sum(d["headers"]["webhook-id"] == ping.json()["id"] for d in webhook_receiver.deliveries) == 2,
               timeout=20, message="the redelivered ping, same webhook-id")
    assert mine.post(stack.url(f"/webhooks/{hook}/redeliver-failed")).json() == {"redelivered": 0}
