"""Action items from the notes through the gateway only (issue 8), on PostgreSQL: a ``#action`` line
in a track's note becomes mgoddard's action with its due date, a confirmed suggestion becomes one,
and a line taken out of the note withdraws its untouched action."""
from __future__ import annotations

import pytest

from ..infra import wait_until

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver8", "name": "Denver VIII PTG", "timezone": "America/Denver",
         "start_date": "2027-05-02", "end_date": "2027-05-04"}
NOTE = "/events/denver8/tracks/kolla/note"


def test_an_action_line_in_a_note_becomes_mgoddards_action_and_goes_with_it(start_stack):
    stack = start_stack(postgres=True)
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    assert s.post(stack.url("/events/denver8/tracks"), json={
        "slug": "kolla", "name": "Kolla", "chairs": [{"nick": "mgoddard", "name": "Mark Goddard"}]}).status_code == 201
    wait_until(lambda: s.get(stack.url(NOTE)).status_code == 200, timeout=20, message="the track's note")

    body = "#action mgoddard write the spec due 2027-06-01\n\nhrw offered to pick up the arm64 images\n"
    saved = s.put(stack.url(NOTE), json={"body": body, "revision": 0})
    assert saved.status_code == 200, saved.text

    def mgoddards():
        response = s.get(stack.url("/actions"), params={"owner": "mgoddard"})
        assert response.status_code == 200, response.text
        return response.json()["items"]

    [action] = wait_until(mgoddards, timeout=20, message="mgoddard's action from the note")
    assert (action["title"], action["due_date"], action["status"]) == ("write the spec due 2027-06-01", "2027-06-01",
                                                                       "open")
    assert (action["event"], action["track"], action["session_id"]) == ("denver8", "kolla", None)
    assert action["source"]["text"] == "#action mgoddard write the spec due 2027-06-01"
    assert [owner["name"] for owner in action["owners"]] == ["mgoddard"]
    assert s.get(stack.url("/actions"), params={"owner": "hrw"}).json()["items"] == []  # a suggestion, not yet

    [suggestion] = [i for i in s.get(stack.url(f"{NOTE}/items")).json()["items"] if i["suggested"]]
    assert s.post(stack.url(f"{NOTE}/items/{suggestion['id']}/confirm")).status_code == 200
    [hrws] = wait_until(lambda: s.get(stack.url("/actions"), params={"owner": "hrw"}).json()["items"], timeout=20,
                        message="hrw's action once confirmed")
    assert hrws["source"]["item_id"] == suggestion["id"]

    # the #action line taken out of the note: its action, open and never changed by hand, is withdrawn
    kept = s.put(stack.url(NOTE), json={"body": "hrw offered to pick up the arm64 images\n", "revision": 1})
    assert kept.status_code == 200, kept.text
    wait_until(lambda: mgoddards() == [], timeout=20, message="mgoddard's action withdrawn")
    assert s.get(stack.url(f"/actions/{action['id']}")).status_code == 404
    assert [a["id"] for a in s.get(stack.url("/actions"), params={"owner": "hrw"}).json()["items"]] == [hrws["id"]]
