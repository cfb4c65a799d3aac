"""A track in one request through the gateway: the track, its sessions with their notes' links and item
counts, its open actions and the latest summary, composed from schedule, notes and actions."""
from __future__ import annotations

import requests
import pytest

from ..infra import wait_until

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver4", "name": "Denver IV PTG", "timezone": "America/Denver",
         "start_date": "2019-05-02", "end_date": "2019-05-04"}


def test_a_tracks_overview_in_one_request(start_stack):
    stack = start_stack(postgres=False)
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    assert s.post(stack.url("/events/denver4/rooms"), json={"slug": "aspen", "name": "Aspen"}).status_code == 201
    for slug, name in (("kolla", "Kolla"), ("nova", "Nova")):
        response = s.post(stack.url("/events/denver4/tracks"),
                          json={"slug": slug, "name": name, "mailing_list": "discuss@lists.example.org"})
        assert response.status_code == 201, response.text
    sessions = []
    for start, end, title, track in (("09:00", "10:00", "Python 3 images", "kolla"),
                                     ("10:00", "11:00", "Upgrades", "kolla"),
                                     ("11:00", "12:00", "Cells v2", "nova")):
        response = s.post(stack.url("/events/denver4/sessions"), json={
            "track": track, "room": "aspen", "title": title,
            "start": f"2019-05-02T{start}:00-06:00", "end": f"2019-05-02T{end}:00-06:00"})
        assert response.status_code == 201, response.text
        sessions.append(response.json())
    first, second, other = sessions
    wait_until(lambda: s.get(stack.url(f"/sessions/{first['id']}/note")).status_code == 200, timeout=20,
               message="the first session's note")
    body = "#agreed build python3 images by default\n#action mgoddard write the spec\n#action bob test it\n"
    put = s.put(stack.url(f"/sessions/{first['id']}/note"), json={"body": body, "revision": 0})
    assert put.status_code == 200, put.text

    def create_action(**body) -> dict:
        # actions knows a track once the schedule's event about it has reached it (422 until then)
        response = wait_until(lambda: (r := s.post(stack.url("/actions"), json={"event": "denver4", **body}))
                              .status_code != 422 and r, timeout=20, message="actions knows the track")
        assert response.status_code == 201, response.text
        return response.json()

    action = create_action(title="review the upgrade job", track="kolla", owners=["mgoddard"])
    closed = create_action(title="already done", track="kolla", status="done")
    elsewhere = create_action(title="nova's", track="nova")
    published = s.post(stack.url("/events/denver4/tracks/kolla/summary/publish"), json={})
    assert published.status_code == 202, published.text

    def overview_with_the_notes_actions():
        response = s.get(stack.url("/events/denver4/tracks/kolla/overview"))
        assert response.status_code == 200, response.text
        found = response.json()
        # the note's #action lines become actions asynchronously (notes -> actions over the broker)
        return found if len(found["open_actions"]) >= 3 else None

    overview = wait_until(overview_with_the_notes_actions, timeout=20, message="the note's actions in the overview")
    assert overview["event"] == "denver4"
    assert overview["track"]["slug"] == "kolla" and overview["track"]["name"] == "Kolla"
    assert [entry["session"]["id"] for entry in overview["sessions"]] == [first["id"], second["id"]]
    noted = overview["sessions"][0]
    assert noted["session"]["title"] == "Python 3 images" and noted["session"]["room"] == "aspen"
    assert noted["note"]["url"] == f"/api/v1/sessions/{first['id']}/note"
    assert noted["note"]["revision"] == 1
    assert noted["note"]["item_counts"] == {"action": 2, "decision": 1}
    assert overview["sessions"][1]["note"]["revision"] == 0 and overview["sessions"][1]["note"]["item_counts"] == {}
    titles = {a["title"] for a in overview["open_actions"]}
    assert action["title"] in titles and closed["title"] not in titles and elsewhere["title"] not in titles
    assert {"write the spec", "test it"} <= titles
    assert all(a["status"] in ("open", "in_progress") and a["track"] == "kolla" for a in overview["open_actions"])
    assert overview["latest_summary"]["id"] == published.json()["id"]
    assert overview["latest_summary"]["url"] == f"/api/v1/summaries/{published.json()['id']}"
    assert s.get(stack.gateway + overview["latest_summary"]["url"].removeprefix("/api/v1")).status_code == 200
    assert overview["track_note"] is None

    unknown = s.get(stack.url("/events/denver4/tracks/cinder/overview"))
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")
    assert set(unknown.json()["errors"]) == {"track"}
    anonymous = requests.get(stack.url("/events/denver4/tracks/kolla/overview"))
    assert anonymous.status_code == 401
