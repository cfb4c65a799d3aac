"""The mail log, resending and the suppression list through the gateway only (its document
validates the requests; notify answers them)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests

from ..infra import wait_until
from .test_end_to_end import LIST, lay_out_event, note_of, schedule_session

pytestmark = pytest.mark.e2e


def test_the_mail_log_resend_and_suppressions_through_the_gateway(start_stack, smtp_server):
    stack = start_stack(postgres=False)
    s = stack.session
    since = datetime.now(timezone.utc).isoformat()
    lay_out_event(stack)
    note_of(stack, schedule_session(stack)["id"])
    assert s.post(stack.url("/events/denver3/tracks/kolla/summary/publish")).status_code == 202
    wait_until(lambda: smtp_server.messages, timeout=30, message="the summary mail")
    (message,) = wait_until(lambda: [m for m in s.get(stack.url("/messages"), params={"kind": "summary", "since": since})
                                     .json()["items"] if m["status"] == "sent"], timeout=20, message="logged as sent")
    assert message["recipient"] == LIST and message["kind"] == "summary" and message["attempts"] == 1
    assert s.get(stack.url("/messages"), params={"kind": "reminder_digest"}).json()["items"] == []
    assert s.get(stack.url("/messages"), params={"kind": "spam"}).status_code == 400

    refused = s.post(stack.url(f"/messages/{message['id']}/resend"))
    assert refused.status_code == 409 and "force" in refused.json()["errors"], refused.text
    again = s.post(stack.url(f"/messages/{message['id']}/resend"), json={"force": True})
    assert again.status_code == 202 and again.json()["attempts"] == 0, again.text
    wait_until(lambda: len(smtp_server.messages) == 2, timeout=20, message="the resent mail")
    assert smtp_server.messages[1][1]["Message-ID"] == smtp_server.messages[0][1]["Message-ID"]
    assert s.post(stack.url("/messages/nope/resend"), json={"force": True}).status_code == 404

    created = s.post(stack.url("/suppressions"), json={"address": "Gone@Example.org", "note": "asked to stop"})
    assert created.status_code == 201 and created.json()["address"] == "gone@example.org", created.text
    assert s.post(stack.url("/suppressions"), json={"address": "gone@example.org"}).status_code == 409
    bad = s.post(stack.url("/suppressions"), json={"address": "Gone <gone@example.org>"})
    assert bad.status_code == 400 and "address" in bad.json()["errors"], bad.text
    listed = s.get(stack.url("/suppressions"), params={"reason": "manual"}).json()["items"]
    assert [entry["address"] for entry in listed] == ["gone@example.org"]
    assert requests.get(stack.url("/suppressions")).status_code == 401  # no token
    assert s.delete(stack.url("/suppressions/gone@example.org")).status_code == 204
    assert s.delete(stack.url("/suppressions/gone@example.org")).status_code == 404
