"""The whole product through the gateway only: schedule → webhook, note, summary → mail."""
from __future__ import annotations

import time

import pytest
from standardwebhooks.webhooks import Webhook

from ..infra import wait_until

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver3", "name": "Denver III PTG", "timezone": "America/Denver",
         "start_date": "2019-05-02", "end_date": "2019-05-04"}
LIST = "openstack-discuss@lists.openstack.org"


def lay_out_event(stack):
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    assert s.post(stack.url("/events/denver3/rooms"), json={"slug": "aspen", "name": "Aspen", "capacity": 40}).status_code == 201
    response = s.post(stack.url("/events/denver3/tracks"),
                      json={"slug": "kolla", "name": "Kolla", "mailing_list": LIST, "subject_tag": "kolla"})
    assert response.status_code == 201, response.text


def schedule_session(stack, start="09:00", end="10:45", title="Python 3 images"):
    response = stack.session.post(stack.url("/events/denver3/sessions"), json={
        "track": "kolla", "room": "aspen", "start": f"2019-05-02T{start}:00-06:00",
        "end": f"2019-05-02T{end}:00-06:00", "title": title})
    assert response.status_code == 201, response.text
    return response.json()


def subscribe(stack, receiver) -> str:
    response = stack.session.post(stack.url("/webhooks"), json={
        "url": receiver.url, "event_types": ["ptghub.schedule.session.*"]})
    assert response.status_code == 201, response.text
    return response.json()["secret"]


def note_of(stack, session_id):
    return wait_until(lambda: (r := stack.session.get(stack.url(f"/sessions/{session_id}/note"))).status_code == 200 and r,
                      timeout=20, message="the session's note")


def test_scenario_on_postgresql(start_stack, webhook_receiver, smtp_server):
    stack = start_stack(postgres=True)
    assert stack.session.get(stack.url("/events")).status_code == 200
    assert stack.session.get(stack.url("/ui/")).status_code == 200  # Swagger UI
    (stack.var_dir / "static").mkdir()
    (stack.var_dir / "static" / "hello.txt").write_text("hello")
    root = stack.gateway.replace("/api/v1", "")
    static = stack.session.get(root + "/static/hello.txt")
    assert static.status_code == 200 and static.text == "hello"
    assert stack.session.get(root + "/static/hello.txt", headers={"If-None-Match": static.headers["etag"]}).status_code == 304
    assert stack.session.get(root + "/static/%2e%2e/organiser-token").status_code == 404
    request_id = stack.session.get(stack.url("/events"), headers={"X-Request-Id": "trace-me"}).headers["X-Request-Id"]
    assert request_id == "trace-me"
    assert stack.session.post(stack.url("/events"), json=EVENT, headers={"Authorization": "Bearer wrong"}).status_code == 401
    secret = subscribe(stack, webhook_receiver)
    lay_out_event(stack)
    session = schedule_session(stack)

    # Its own session's: the run's notify queue may still hold session events an integration test
    # published (e2e stacks share the run's exchange and queues), fanned out to this subscription.
    delivery = wait_until(lambda: next((d for d in webhook_receiver.deliveries if b"session.scheduled" in d["body"]
                                        and session["id"].encode() in d["body"]), None), timeout=20,
                          message="the signed session.scheduled webhook")
    payload = Webhook(secret).verify(delivery["body"], {k: delivery["headers"][k] for k in
                                                        ("webhook-id", "webhook-timestamp", "webhook-signature")})
    assert payload["type"] == "ptghub.schedule.session.scheduled"
    assert payload["data"]["id"] == session["id"]

    note = note_of(stack, session["id"])
    assert note.json()["title"] == "Python 3 images" and note.json()["revision"] == 0
    body = "Python 3 images for Train.\n#agreed build python3 images by default\n#action mgoddard write the spec\n"
    put = stack.session.put(stack.url(f"/sessions/{session['id']}/note"), json={"body": body, "revision": 0})
    assert put.status_code == 200, put.text
    assert put.json()["revision"] == 1
    stale = stack.session.put(stack.url(f"/sessions/{session['id']}/note"), json={"body": "lost", "revision": 0})
    assert stale.status_code in (409, 412) and stale.headers["content-type"] == "application/problem+json"

    clash = stack.session.post(stack.url("/events/denver3/sessions"), json={
        "track": "kolla", "room": "aspen", "start": "2019-05-02T10:00:00-06:00",
        "end": "2019-05-02T11:00:00-06:00", "title": "Clash"})
    assert clash.status_code == 409 and session["id"] in clash.json()["detail"]

    published = stack.session.post(stack.url("/events/denver3/tracks/kolla/summary/publish"), json={})
    assert published.status_code == 202, published.text
    wait_until(lambda: smtp_server.messages, timeout=20, message="the summary mail")
    time.sleep(1)
    assert len(smtp_server.messages) == 1
    recipients, mail = smtp_server.messages[0]
    assert recipients == [LIST]
    assert mail["Subject"].startswith("[kolla]") and mail["Subject"].endswith(" summary")
    plain = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "# Decisions\n\n- build python3 images by default (Python 3 images)\n" in plain
    assert "# Action items, by person\n\n- mgoddard: write the spec (Python 3 images)\n" in plain
    assert "#action" not in plain and plain.count("\n-- \n") == 1 and "Sent by ptghub" not in plain
    html = mail.get_body(("html",)).get_content()
    assert "Action items, by person" in html and "mgoddard" in html
    assert stack.session.get(stack.url("/readyz").replace("/api/v1", "")).json()["status"] == "ready"


def test_scenario_on_the_sqlite_default(start_stack, smtp_server):
    stack = start_stack(postgres=False)
    assert (stack.var_dir / "schedule.db").exists()
    lay_out_event(stack)
    session = schedule_session(stack)
    note_of(stack, session["id"])
    assert stack.session.put(stack.url(f"/sessions/{session['id']}/note"),
                             json={"body": "#link https://review.opendev.org/642375", "revision": 0}).status_code == 200
    preview = stack.session.get(stack.url("/events/denver3/tracks/kolla/summary?format=markdown"))
    assert preview.status_code == 200 and preview.headers["content-type"] == "text/markdown; charset=utf-8"
    assert "[1]: <https://review.opendev.org/642375>" in preview.text
    assert stack.session.get(stack.url("/events/denver3/summary?format=pdf")).status_code == 400
    assert stack.session.post(stack.url("/events/denver3/tracks/kolla/summary/publish")).status_code == 202
    wait_until(lambda: smtp_server.messages, timeout=20, message="the summary mail")
    assert "[1] https://review.opendev.org/642375" in smtp_server.messages[0][1].get_body(("plain",)).get_content()
    again = stack.session.post(stack.url("/events/denver3/tracks/kolla/summary/publish"), json={})
    assert again.status_code == 409 and "summary" in again.json()["errors"]
    event_summary = stack.session.post(stack.url("/events/denver3/summary/publish"))
    assert event_summary.status_code == 202 and event_summary.json()["scope"] == "event"
    wait_until(lambda: len(smtp_server.messages) == 2, timeout=20, message="the event summary mail")
    assert smtp_server.messages[1][0] == [LIST] and smtp_server.messages[1][1]["Subject"].endswith(" summary")


def test_killed_workers_lose_nothing_and_repeat_only_a_request_in_flight(start_stack, webhook_receiver, smtp_server):
    stack = start_stack(postgres=True)
    subscribe(stack, webhook_receiver)
    lay_out_event(stack)
    first = schedule_session(stack, "09:00", "09:30", "before the kills")
    wait_until(lambda: len(webhook_receiver.deliveries) >= 1, timeout=20, message="first webhook")

    stack.kill("notify-worker")  # deliveries pile up in notify's queue meanwhile
    sessions = [first] + [schedule_session(stack, f"{10 + i}:00", f"{10 + i}:30", f"while notify was down {i}")
                          for i in range(3)]
    stack.kill("schedule-worker")  # the relay dies with (perhaps) unsent outbox rows
    sessions += [schedule_session(stack, f"{14 + i}:00", f"{14 + i}:30", f"while the relay was down {i}")
                 for i in range(3)]
    for session in sessions:
        note_of(stack, session["id"])
    stack.kill("notes-worker")
    stack.session.put(stack.url(f"/sessions/{first['id']}/note"), json={"body": "#agreed survive", "revision": 0})
    assert stack.session.post(stack.url("/events/denver3/tracks/kolla/summary/publish"), json={}).status_code == 202
    stack.kill("notify-worker")

    wanted = {s["id"] for s in sessions}
    wait_until(lambda: wanted <= {e["data"]["id"] for e in webhook_receiver.events()}, timeout=60,
               message="every session.scheduled webhook")
    wait_until(lambda: smtp_server.messages, timeout=60, message="the summary mail")
    time.sleep(3)  # anything duplicated would arrive now
    webhook_ids_by_event: dict[str, set[str]] = {}
    for delivery in webhook_receiver.deliveries:
        event_id = __import__("json").loads(delivery["body"])["id"]
        webhook_ids_by_event.setdefault(event_id, set()).add(delivery["headers"]["webhook-id"])
    assert len(webhook_ids_by_event) == len(sessions), "one event per scheduled session"
    assert all(len(ids) == 1 for ids in webhook_ids_by_event.values()), "an event delivered under two webhook-ids"
    assert len({d["headers"]["webhook-id"] for d in webhook_receiver.deliveries}) == len(sessions)
    # A worker killed in the middle of a request sends that request again, under the same webhook-id
    # (at least once; a receiver drops what it has seen by that id, as Standard Webhooks says). Only
    # requests in flight at a kill can come twice: at most the per-endpoint limit of 4.
    again = len(webhook_receiver.deliveries) - len(sessions)
    assert 0 <= again <= 4, f"{again} webhooks delivered twice: more than were in flight at the kill"
    assert len(smtp_server.messages) == 1, "the summary was mailed twice"
    assert "- survive (before the kills)" in smtp_server.messages[0][1].get_body(("plain",)).get_content()
