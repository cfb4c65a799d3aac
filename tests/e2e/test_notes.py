"""Notes through the gateway only (issue 7), on PostgreSQL: a note's items, a chair's confirm, the
diff, the sanitised HTML, the body's limit, and a MeetBot line from a track's channel."""
from __future__ import annotations

import pytest

from ..infra import wait_until
from .conftest import session_with_new_token

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver7", "name": "Denver VII PTG", "timezone": "America/Denver",
         "start_date": "2019-05-02", "end_date": "2019-05-04"}


def test_a_note_its_items_a_chairs_confirm_the_diff_and_a_meetbot_line(start_stack):
    stack = start_stack(postgres=True)
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    assert s.post(stack.url("/events/denver7/rooms"), json={"slug": "aspen", "name": "Aspen", "capacity": 40}).status_code == 201
    assert s.post(stack.url("/events/denver7/tracks"), json={
        "slug": "kolla", "name": "Kolla", "chairs": [{"nick": "mgoddard", "name": "Mark Goddard"}]}).status_code == 201
    session = s.post(stack.url("/events/denver7/sessions"), json={
        "track": "kolla", "room": "aspen", "start": "2019-05-02T09:00:00-06:00", "end": "2019-05-02T10:45:00-06:00",
        "title": "Python 3 images"}).json()
    note = f"/sessions/{session['id']}/note"
    wait_until(lambda: s.get(stack.url(note)).status_code == 200, timeout=20, message="the session's note")
    chair = session_with_new_token(stack, name="mgoddard", role="chair",
                                   tracks=[{"event": "denver7", "track": "kolla"}])
    nova = session_with_new_token(stack, name="gibi", role="chair", tracks=[{"event": "denver7", "track": "nova"}])

    body = "#action mgoddard write the spec\nhrw offered to pick this up\n\n<script>alert(1)</script>\n"
    put = chair.put(stack.url(note), json={"body": body, "revision": 0})
    assert put.status_code == 200, put.text
    assert put.headers["ETag"] == '"1"'
    items = chair.get(stack.url(f"{note}/items")).json()["items"]
    action = next(i for i in items if not i["suggested"])
    assert (action["kind"], action["text"], action["owners"], action["state"]) == (
        "action", "write the spec", ["mgoddard"], "confirmed")
    suggested = next(i for i in items if i["suggested"])
    assert (suggested["owners"], suggested["state"]) == (["hrw"], "open")
    refused = nova.post(stack.url(f"{note}/items/{suggested['id']}/confirm"))
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    confirmed = chair.post(stack.url(f"{note}/items/{suggested['id']}/confirm"))
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"

    stale = chair.put(stack.url(note), json={"body": "lost", "revision": 1}, headers={"If-Match": '"0"'})
    assert stale.status_code == 412
    second = chair.put(stack.url(note), json={"body": body.replace("the spec", "the spec and the docs"), "revision": 1},
                       headers={"If-Match": '"1"'})
    assert second.status_code == 200
    diff = s.get(stack.url(f"{note}/diff"), params={"from": 1, "to": 2})
    assert diff.status_code == 200 and diff.headers["content-type"].startswith("text/x-diff")
    assert "-#action mgoddard write the spec\n+#action mgoddard write the spec and the docs\n" in diff.text
    html = s.get(stack.url(note), params={"format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<script" not in html.text and "write the spec" in html.text
    too_big = s.put(stack.url(note), json={"body": "x" * 1_048_577, "revision": 2})
    assert too_big.status_code == 413 and too_big.json()["errors"] == {"body": ["at most 1048576 bytes"]}

    # a chat relay forwards a MeetBot line said in kolla's channel; no session is under way now,
    # so it goes to the track's note, with the nick as its author
    relay = session_with_new_token(stack, name="irc relay", role="integration", relay=True)
    said = relay.post(stack.url("/events/denver7/ptgbot/commands"),
                      json={"nick": "hrw", "text": "#action hrw fix the gate", "track": "kolla"})
    assert said.status_code == 200 and said.json()["applied"] is True
    track_note = "/events/denver7/tracks/kolla/note"
    wait_until(lambda: "#action hrw fix the gate" in s.get(stack.url(track_note)).json()["body"], timeout=20,
               message="the MeetBot line in the track's note")
    assert [r["author"] for r in s.get(stack.url(f"{track_note}/revisions")).json()["items"]] == ["hrw"]
    assert s.get(stack.url(f"{track_note}/items")).json()["items"][0]["owners"] == ["hrw"]

    # search through the gateway (the embedded default: SQLite FTS5)
    found = s.get(stack.url("/events/denver7/search"), params={"q": "gate"})
    assert found.status_code == 200, found.text
    hits = found.json()["items"]
    assert hits and any("<mark>" in hit["snippet"] for hit in hits)
    assert {hit["track"] for hit in hits} == {"kolla"}
    assert s.get(stack.url("/events/denver7/search"), params={"q": "!!"}).status_code == 400

    # a free note of the event (not a track's): a chair of any of its tracks writes it, any token reads it
    free = "/events/denver7/notes/hallway"
    reader = session_with_new_token(stack, name="dashboard", role="integration")
    outsider = session_with_new_token(stack, name="ttx", role="chair", tracks=[{"event": "shanghai", "track": "kolla"}])
    assert outsider.post(stack.url("/events/denver7/notes"), json={"slug": "hallway", "title": "Hallway"}
                         ).status_code == 403
    assert chair.post(stack.url("/events/denver7/notes"), json={"slug": "Hall Way", "title": "Hallway"}
                      ).status_code == 422
    created = chair.post(stack.url("/events/denver7/notes"), json={"slug": "hallway", "title": "Hallway track"})
    assert created.status_code == 201, created.text
    assert (created.json()["kind"], created.json()["slug"], created.json()["track"]) == ("event", "hallway", None)
    assert chair.post(stack.url("/events/denver7/notes"), json={"slug": "hallway", "title": "x"}).status_code == 409
    put = nova.put(stack.url(free), json={"body": "#agreed one cross-project goal\n#action gibi draft it\n",
                                          "revision": 0}, headers={"If-Match": '"0"'})
    assert put.status_code == 200 and put.headers["ETag"] == '"1"', put.text
    items = reader.get(stack.url(f"{free}/items")).json()["items"]
    assert [(i["kind"], i["owners"]) for i in items] == [("decision", []), ("action", ["gibi"])]
    second = chair.put(stack.url(free), json={"body": put.json()["body"] + "mgoddard: +1\n", "revision": 1})
    assert second.status_code == 200
    revisions = reader.get(stack.url(f"{free}/revisions")).json()["items"]
    assert [(r["revision"], r["author"]) for r in revisions] == [(2, "mgoddard"), (1, "gibi")]
    assert reader.get(stack.url(f"{free}/diff"), params={"from": 1, "to": 2}).text.endswith("+mgoddard: +1\n")
    listed = reader.get(stack.url("/events/denver7/notes")).json()["items"]
    assert [(n["slug"], n["title"], n["revision"], n["author"]) for n in listed] == [
        ("hallway", "Hallway track", 2, "mgoddard")]
    assert chair.patch(stack.url(free), json={"title": "Corridor"}).status_code == 403
    assert s.patch(stack.url(free), json={"title": "Corridor"}).json()["title"] == "Corridor"
    assert "## Corridor" in s.get(stack.url("/events/denver7/summary"), params={"format": "markdown"}).text
    assert s.delete(stack.url(free)).status_code == 204
    assert reader.get(stack.url(free)).json()["status"] == "deleted"
    assert reader.get(stack.url("/events/denver7/notes")).json()["items"] == []
