"""Action items and people through the gateway only (issue 8), on PostgreSQL: the directory, a
chair's actions, an owner marking their own item done with their own token, If-Match, the list
filters, a bulk change all or nothing, and the history."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from ..infra import wait_until
from .conftest import session_with_new_token

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver8", "name": "Denver VIII PTG", "timezone": "America/Denver",
         "start_date": "2030-05-02", "end_date": "2030-05-04"}


def test_people_actions_an_owners_done_bulk_and_history_through_the_gateway(start_stack):
    stack = start_stack(postgres=True)
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    for slug in ("kolla", "nova"):
        assert s.post(stack.url("/events/denver8/tracks"), json={"slug": slug, "name": slug.title()}).status_code == 201
    chair = session_with_new_token(stack, name="kolla chairs", role="chair",
                                   tracks=[{"event": "denver8", "track": "kolla"}])
    mark = session_with_new_token(stack, name="mgoddard", role="integration")
    anonymous = requests.Session()

    # The directory: a chair records mgoddard; any token reads it, by nick, alias or address.
    person = chair.post(stack.url("/people"), json={"nick": "mgoddard", "name": "Mark Goddard",
                                                    "email": "Mark@Example.com", "timezone": "Europe/London",
                                                    "aliases": ["markg"]})
    assert person.status_code == 201, person.text
    assert person.headers["Location"] == "/api/v1/people/mgoddard" and person.json()["email"] == "mark@example.com"
    assert mark.get(stack.url("/people/MARKG")).json()["id"] == person.json()["id"]
    assert anonymous.get(stack.url("/people")).status_code == 401
    taken = s.post(stack.url("/people"), json={"nick": "hrw", "aliases": ["MGoddard"]})
    assert taken.status_code == 409 and "aliases" in taken.json()["errors"]
    zone = s.post(stack.url("/people"), json={"nick": "hrw", "timezone": "Mars/Olympus"})
    assert zone.status_code == 422 and "timezone" in zone.json()["errors"]
    assert mark.post(stack.url("/people"), json={"nick": "hrw"}).status_code == 403
    assert mark.patch(stack.url("/people/mgoddard"), json={"timezone": "Europe/Paris"}).json()["timezone"] == (
        "Europe/Paris")

    # The actions service knows the tracks once the schedule's events reached it.
    def create(session, **body):
        return session.post(stack.url("/actions"), json={"event": "denver8", "track": "kolla", **body})

    wait_until(lambda: create(chair, title="probe", owners=[]).status_code == 201, timeout=30,
               message="the kolla track reaching actions")
    today = date.today()
    spec = create(chair, title="write the spec", owners=["markg"], due_date=str(today - timedelta(days=1)))
    assert spec.status_code == 201, spec.text
    action = spec.json()
    assert spec.headers["ETag"] == '"1"' and spec.headers["Location"] == f"/api/v1/actions/{action['id']}"
    assert action["owners"] == [{"name": "markg", "nick": "mgoddard", "email": "mark@example.com", "known": True}]
    assert create(chair, title="not mine", track="nova").status_code == 403
    assert create(mark, title="a token for a person records nothing").status_code == 403

    # If-Match; then the owner marks it done with his own token, and changes nothing else.
    url = stack.url(f"/actions/{action['id']}")
    changed = chair.patch(url, json={"description": "in kolla-specs"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    stale = chair.patch(url, json={"description": "lost"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["content-type"] == "application/problem+json"
    assert "If-Match" in stale.json()["errors"]
    assert mark.patch(url, json={"title": "something easier"}).status_code == 403
    done = mark.patch(url, json={"status": "done"}, headers={"If-Match": '"2"'})
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["completed_at"]
    nonsense = chair.patch(url, json={"status": "in_progress"})
    assert nonsense.status_code == 409 and "status" in nonsense.json()["errors"]

    # The filters.
    loose = create(chair, title="who does this", owners=[]).json()
    nova = create(s, title="nova thing", track="nova", owners=["mgoddard"]).json()

    def titles(**params):
        response = s.get(stack.url("/actions"), params=params)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["items"]]

    assert titles(owner="mark@example.com") == ["write the spec", "nova thing"]
    assert titles(owner="nobody") == []
    assert titles(status="done") == ["write the spec"]
    assert titles(status="open,in_progress", track="kolla") == ["probe", "who does this"]
    assert titles(needs_owner="true") == ["probe", "who does this"]
    assert titles(overdue="true") == []  # the overdue one is done
    assert titles(due_before=str(today)) == ["write the spec"]
    bad = s.get(stack.url("/actions"), params={"due_before": "next week"})
    assert bad.status_code == 400 and "due_before" in bad.json()["errors"]

    # Bulk: all or nothing, the failing id named.
    refused = chair.post(stack.url("/actions/bulk"), json={"ids": [loose["id"], nova["id"]], "owners": ["hrw"]})
    assert refused.status_code == 403 and refused.json()["id"] == nova["id"]
    assert s.get(stack.url(f"/actions/{loose['id']}")).json()["owners"] == []
    moved = s.post(stack.url("/actions/bulk"), json={"ids": [loose["id"], nova["id"]], "owners": ["hrw"],
                                                     "status": "in_progress"})
    assert moved.status_code == 200, moved.text
    assert [(x["status"], [o["name"] for o in x["owners"]]) for x in moved.json()["items"]] == [
        ("in_progress", ["hrw"])] * 2

    # The history: who, when, what.
    # The item was overdue from its creation, so the reminder sweep may have recorded a reminder
    # between the edits (when depends on the sweep's timing): those are the sweep's own entries.
    history = s.get(stack.url(f"/actions/{action['id']}/history")).json()["items"]
    reminders = [e for e in history if e["kind"] == "reminded"]
    assert all(e["who"] == "reminders" for e in reminders)
    edits = [e for e in history if e["kind"] != "reminded"]
    assert [(e["who"], e["kind"]) for e in edits] == [
        ("kolla chairs", "created"), ("kolla chairs", "changed"), ("mgoddard", "changed")]
    assert edits[2]["changes"] == {"status": {"from": "open", "to": "done"}}
    assert s.get(stack.url("/actions/nope/history")).status_code == 404
