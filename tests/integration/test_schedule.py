"""The schedule service against real PostgreSQL and RabbitMQ."""
import threading

import pytest
import sqlalchemy as sa

from services.schedule import store
from services.schedule.descriptor import DESCRIPTOR as schedule_service

from ..conftest import ORGANISER, principal_header

pytestmark = pytest.mark.integration

EVENT = {"slug": "denver", "name": "Denver PTG", "timezone": "America/Denver",
         "start_date": "2019-05-02", "end_date": "2019-05-04"}


@pytest.fixture
def schedule(start_service):
    service = start_service(schedule_service)
    client = service.client
    assert client.post("/events", json=EVENT, headers=ORGANISER).status_code == 201
    assert client.post("/events/denver/rooms", json={"slug": "aspen", "name": "Aspen", "capacity": 40},
                       headers=ORGANISER).status_code == 201
    assert client.post("/events/denver/tracks", json={"slug": "kolla", "name": "Kolla",
                       "mailing_list": "openstack-discuss@lists.openstack.org", "subject_tag": "kolla"},
                       headers=ORGANISER).status_code == 201
    return service


def session_body(start="09:00", end="10:45", title="Python 3 images", room="aspen", day="2019-05-02"):
    return {"track": "kolla", "room": room, "start": f"{day}T{start}:00-06:00", "end": f"{day}T{end}:00-06:00",
            "title": title}


def test_every_change_reaches_the_exchange_as_a_cloudevent(probe, schedule):
    response = schedule.client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER)
    assert response.status_code == 201
    session = response.get_json()
    event = probe.wait_for("ptghub.schedule.session.scheduled", lambda e: e["data"]["id"] == session["id"])
    assert event["specversion"] == "1.0" and event["source"] == "/ptghub/schedule"
    assert event["subject"] == session["id"]
    assert event["data"]["start"] == "2019-05-02T09:00:00-06:00"
    assert event["properties"].message_id == event["id"]
    assert event["properties"].content_type == "application/cloudevents+json"
    assert event["properties"].delivery_mode == 2
    probe.wait_for("ptghub.schedule.track.created", lambda e: e["data"]["mailing_list"].startswith("openstack-discuss"))
    probe.wait_for("ptghub.schedule.event.created")
    probe.wait_for("ptghub.schedule.room.created")


def test_a_write_names_the_events_it_committed_and_a_read_or_a_refused_write_names_none(probe, schedule):
    response = schedule.client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER)
    assert response.status_code == 201
    named = response.headers["Ptghub-Committed-Events"].split(",")
    event = probe.wait_for("ptghub.schedule.session.scheduled", lambda e: e["data"]["id"] == response.get_json()["id"])
    assert event["id"] in named
    assert "Ptghub-Committed-Events" not in schedule.client.get("/events/denver/sessions", headers=ORGANISER).headers
    refused = schedule.client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER)  # same room
    assert refused.status_code == 409 and "Ptghub-Committed-Events" not in refused.headers


def test_room_double_booking_is_refused_naming_the_other_session(schedule):
    first = schedule.client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER).get_json()
    clash = schedule.client.post("/events/denver/sessions", json=session_body("10:00", "11:00", "Clash"),
                                 headers=ORGANISER)
    assert clash.status_code == 409
    assert clash.content_type == "application/problem+json"
    assert clash.get_json()["conflicting_session"] == first["id"]
    assert first["id"] in clash.get_json()["detail"]
    back_to_back = schedule.client.post("/events/denver/sessions", json=session_body("10:45", "12:30", "Next"),
                                        headers=ORGANISER)
    assert back_to_back.status_code == 201


def test_concurrent_bookings_of_one_room_let_exactly_one_through(schedule):
    app = schedule.app
    statuses = []

    def book(i):
        with app.test_client() as client:
            statuses.append(client.post("/events/denver/sessions", json=session_body(title=f"race {i}"),
                                        headers=ORGANISER).status_code)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * 7


@pytest.mark.parametrize("body, field, status", [
    ({**session_body(), "bogus": 1}, "bogus", 400),
    ({**session_body(), "start": "yesterday"}, "start", 400),
    (session_body("11:00", "10:00"), "end", 422),
    (session_body(day="2019-05-09"), "start", 422),
    (session_body(room="nowhere"), "room", 404),
    ({**session_body(), "track": "nova"}, "track", 404),
    ({k: v for k, v in session_body().items() if k != "title"}, "title", 400),
])
def test_bad_sessions_get_a_problem_naming_the_field_and_write_nothing(schedule, probe, body, field, status):
    response = schedule.client.post("/events/denver/sessions", json=body, headers=ORGANISER)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    with schedule.database.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(store.SessionRow)).scalar_one() == 0
        assert connection.execute(sa.text("select count(*) from outbox where event_type like '%session%'")).scalar_one() == 0


def test_a_chair_writes_only_its_own_tracks(schedule):
    nova_chair = principal_header("chair", [("denver", "nova")])
    assert schedule.client.post("/events/denver/sessions", json=session_body(), headers=nova_chair).status_code == 403
    kolla_chair = principal_header("chair", [("denver", "kolla")])
    assert schedule.client.post("/events/denver/sessions", json=session_body(), headers=kolla_chair).status_code == 201
    assert schedule.client.post("/events/denver/rooms", json={"slug": "x", "name": "X"}, headers=kolla_chair).status_code == 403


def test_unknown_timezone_and_reversed_dates_are_refused(schedule):
    response = schedule.client.post("/events", json={**EVENT, "slug": "mars", "timezone": "Mars/Olympus"},
                                    headers=ORGANISER)
    assert response.status_code == 400 and "timezone" in response.get_json()["errors"]
    response = schedule.client.post("/events", json={**EVENT, "slug": "back", "end_date": "2019-05-01"},
                                    headers=ORGANISER)
    assert response.status_code == 422 and "end_date" in response.get_json()["errors"]  # a rule across fields


def test_lists_page_by_cursor_and_filter_by_day_in_the_event_timezone(schedule):
    for day, start in [("2019-05-02", "09:00"), ("2019-05-02", "13:30"), ("2019-05-03", "09:00"),
                       ("2019-05-04", "22:00")]:
        end = "23:30" if start == "22:00" else "10:30" if start == "09:00" else "15:00"
        assert schedule.client.post("/events/denver/sessions", json=session_body(start, end, f"{day} {start}", day=day),
                                    headers=ORGANISER).status_code == 201
    first = schedule.client.get("/events/denver/sessions?limit=3").get_json()
    second = schedule.client.get(f"/events/denver/sessions?limit=3&cursor={first['next_cursor']}").get_json()
    assert [s["title"] for s in first["items"] + second["items"]] == [
        "2019-05-02 09:00", "2019-05-02 13:30", "2019-05-03 09:00", "2019-05-04 22:00"]
    assert second["next_cursor"] is None
    # 22:00 in Denver is 04:00 UTC the next day: it still belongs to the event's 4th.
    fourth = schedule.client.get("/events/denver/sessions?day=2019-05-04").get_json()["items"]
    assert [s["title"] for s in fourth] == ["2019-05-04 22:00"]
    assert schedule.client.get("/events/denver/sessions?cursor=garbage").status_code == 400


def test_two_relays_on_one_outbox_never_lose_or_double_claim_a_row(schedule):
    from datetime import timedelta

    from services.kit.db import claim_batch

    outbox = schedule.database.outbox
    schedule.worker.stop.set()
    for thread in schedule.threads:
        thread.join(timeout=5)
    for i in range(40):
        schedule.client.post("/events/denver/sessions",
                             json=session_body(f"{8 + i // 4:02d}:{(i % 4) * 15:02d}", f"{8 + i // 4:02d}:{(i % 4) * 15 + 10:02d}",
                                               f"s{i}"), headers=ORGANISER)
    claimed = []

    def claimer():
        for _ in range(10):
            _claim, rows = claim_batch(schedule.database, outbox, outbox.c.seq, outbox.c.sent_at.is_(None), 7,
                                       timedelta(minutes=5))
            claimed.extend(r.seq for r in rows)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with schedule.database.engine.connect() as connection:
        pending = connection.execute(sa.select(outbox.c.seq).where(outbox.c.sent_at.is_(None))).scalars().all()
    assert sorted(claimed) == sorted(pending)


# -- the whole schedule: CRUD, grid, links, clashes, events, the session clock -------------------
import time  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402

from services.schedule import timers  # noqa: E402


KOLLA_CHAIR = principal_header("chair", [("denver", "kolla")])
NOVA_CHAIR = principal_header("chair", [("denver", "nova")])
GRID = [{"code": code, "day": day, "start": start, "end": end}
        for day, prefix in (("2019-05-02", "Thu"), ("2019-05-03", "Fri"))
        for code, start, end in ((f"{prefix}A1", "09:00", "10:45"), (f"{prefix}A2", "10:45", "12:30"),
                                 (f"{prefix}P1", "13:30", "15:15"), (f"{prefix}P2", "15:15", "17:00"))]


def post(schedule, path, body, headers=ORGANISER):
    return schedule.client.post(path, json=body, headers=headers)


def patch(schedule, path, body, headers=ORGANISER):
    return schedule.client.patch(path, json=body, headers=headers)


def problem(response, status, field):
    assert response.status_code == status, response.get_json()
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert field in body["errors"], body
    return body


def outbox_types(schedule, like="%"):
    with schedule.database.engine.connect() as connection:
        return connection.execute(sa.text("select event_type from outbox where event_type like :like order by seq"),
                                  {"like": like}).scalars().all()


def version(schedule, event="denver"):
    return schedule.client.get(f"/events/{event}").get_json()["version"]


@pytest.fixture
def gathering(schedule):
    """Denver with the Thursday/Friday grid, a second room and two more tracks."""
    assert schedule.client.put("/events/denver/slots", json={"slots": GRID}, headers=ORGANISER).status_code == 200
    assert post(schedule, "/events/denver/rooms", {"slug": "birch", "name": "Birch", "bookable": True,
                                                   "video_url": "https://meet.jit.si/birch"}).status_code == 201
    assert post(schedule, "/events/denver/rooms", {"slug": "cedar", "name": "Cedar"}).status_code == 201
    for slug in ("nova", "ironic"):
        assert post(schedule, "/events/denver/tracks", {"slug": slug, "name": slug.title()}).status_code == 201
    return schedule


def test_events_have_every_field_and_change_through_patch(schedule, probe):
    body = {**EVENT, "slug": "virtual", "location": "online", "virtual": True, "open_commands": True,
            "organisers": ["diablo_rojo", "ttx"], "description": "the virtual PTG"}
    created = post(schedule, "/events", body)
    assert created.status_code == 201
    event = created.get_json()
    assert {k: event[k] for k in body} == body and event["version"] == 0
    changed = patch(schedule, "/events/virtual", {"location": "Denver", "virtual": False, "organisers": ["ttx"]})
    assert changed.status_code == 200
    assert changed.get_json()["location"] == "Denver" and changed.get_json()["organisers"] == ["ttx"]
    updated = probe.wait_for("ptghub.schedule.event.updated", lambda e: e["subject"] == "virtual")
    assert updated["data"]["virtual"] is False and updated["data"]["name"] == "Denver PTG"
    problem(patch(schedule, "/events/virtual", {"slug": "renamed"}), 400, "slug")
    problem(patch(schedule, "/events/virtual", {"timezone": "Mars/Olympus"}), 400, "timezone")
    problem(patch(schedule, "/events/virtual", {"end_date": "2019-05-01"}), 422, "end_date")
    problem(patch(schedule, "/events/virtual", {"organisers": ["two words"]}), 400, "organisers")
    assert patch(schedule, "/events/virtual", {"name": "x"}, KOLLA_CHAIR).status_code == 403
    assert schedule.client.get("/events?limit=1").get_json()["next_cursor"]


def test_new_event_dates_must_still_hold_every_session(schedule):
    session = post(schedule, "/events/denver/sessions", session_body(day="2019-05-04")).get_json()
    shrunk = problem(patch(schedule, "/events/denver", {"end_date": "2019-05-03"}), 409, "end_date")
    assert shrunk["conflicting_session"] == session["id"]
    assert schedule.client.get("/events/denver").get_json()["end_date"] == "2019-05-04"
    assert patch(schedule, "/events/denver", {"start_date": "2019-05-01"}).status_code == 200


def test_a_new_timezone_keeps_the_wall_clock_times_of_sessions_and_slots(schedule, probe):
    assert post(schedule, "/events/denver/slots", {"code": "ThuA1", "day": "2019-05-02", "start": "09:00",
                                                   "end": "10:45"}).status_code == 201
    session = post(schedule, "/events/denver/sessions", session_body()).get_json()
    assert patch(schedule, "/events/denver", {"timezone": "Europe/Berlin"}).status_code == 200
    moved = schedule.client.get(f"/sessions/{session['id']}").get_json()
    assert (moved["start"], moved["timezone"], moved["sequence"]) == ("2019-05-02T09:00:00+02:00", "Europe/Berlin", 1)
    slot = schedule.client.get("/events/denver/slots/ThuA1").get_json()
    assert (slot["start"], slot["start_at"]) == ("09:00", "2019-05-02T09:00:00+02:00")
    probe.wait_for("ptghub.schedule.session.updated", lambda e: e["data"]["id"] == session["id"])
    probe.wait_for("ptghub.schedule.slot.changed", lambda e: e["data"]["timezone"] == "Europe/Berlin")


def test_deleting_an_event_needs_cascade_and_announces_everything_it_held(schedule, probe):
    session = post(schedule, "/events/denver/sessions", session_body()).get_json()
    problem(schedule.client.delete("/events/denver", headers=ORGANISER), 409, "cascade")
    assert schedule.client.delete("/events/denver", headers=KOLLA_CHAIR).status_code == 403
    assert schedule.client.delete("/events/denver?cascade=true", headers=ORGANISER).status_code == 204
    assert schedule.client.get("/events/denver").status_code == 404
    assert schedule.client.get(f"/sessions/{session['id']}").status_code == 404
    probe.wait_for("ptghub.schedule.event.deleted", lambda e: e["subject"] == "denver")
    assert outbox_types(schedule, "%deleted") == ["ptghub.schedule.session.deleted", "ptghub.schedule.track.deleted",
                                                  "ptghub.schedule.room.deleted", "ptghub.schedule.event.deleted"]
    assert post(schedule, "/events", EVENT).status_code == 201  # the slug is free again


def test_the_slot_grid(schedule, probe):
    one = post(schedule, "/events/denver/slots", {"code": "ThuA1", "day": "2019-05-02", "start": "09:00",
                                                  "end": "10:45"})
    assert one.status_code == 201
    assert one.get_json() == {"code": "ThuA1", "day": "2019-05-02", "start": "09:00", "end": "10:45",
                              "start_at": "2019-05-02T09:00:00-06:00", "end_at": "2019-05-02T10:45:00-06:00"}
    problem(post(schedule, "/events/denver/slots", {"code": "ThuA1", "day": "2019-05-02", "start": "11:00",
                                                    "end": "12:00"}), 409, "code")
    problem(post(schedule, "/events/denver/slots", {"code": "X", "day": "2019-05-09", "start": "09:00",
                                                    "end": "10:00"}), 422, "day")
    problem(post(schedule, "/events/denver/slots", {"code": "X", "day": "2019-05-02", "start": "10:00",
                                                    "end": "09:00"}), 422, "end")
    problem(post(schedule, "/events/denver/slots", {"code": "X", "day": "2019-05-02", "start": "9am",
                                                    "end": "10:00"}), 400, "start")
    assert post(schedule, "/events/denver/slots", {"code": "X", "day": "2019-05-02", "start": "09:00",
                                                   "end": "10:00"}, KOLLA_CHAIR).status_code == 403
    replaced = schedule.client.put("/events/denver/slots", json={"slots": GRID}, headers=ORGANISER)
    assert replaced.status_code == 200 and len(replaced.get_json()["slots"]) == 8
    grid = probe.wait_for("ptghub.schedule.slot.changed", lambda e: len(e["data"]["slots"]) == 8)
    assert grid["data"]["event"] == "denver" and grid["subject"] == "denver"
    changes = len(outbox_types(schedule, "%slot.changed"))
    assert schedule.client.put("/events/denver/slots", json={"slots": GRID}, headers=ORGANISER).status_code == 200
    assert len(outbox_types(schedule, "%slot.changed")) == changes  # the same grid again changes nothing
    friday = schedule.client.get("/events/denver/slots?day=2019-05-03").get_json()["items"]
    assert [s["code"] for s in friday] == ["FriA1", "FriA2", "FriP1", "FriP2"]
    first = schedule.client.get("/events/denver/slots?limit=5").get_json()
    rest = schedule.client.get(f"/events/denver/slots?limit=5&cursor={first['next_cursor']}").get_json()
    assert len(first["items"] + rest["items"]) == 8 and rest["next_cursor"] is None
    duplicate = schedule.client.put("/events/denver/slots", json={"slots": GRID + [GRID[0]]}, headers=ORGANISER)
    problem(duplicate, 422, "slots.8.code")
    problem(schedule.client.put("/events/denver/slots", json={"slots": [{**GRID[0], "day": "2019-06-01"}]},
                                headers=ORGANISER), 422, "slots.0.day")
    assert schedule.client.delete("/events/denver/slots/FriP2", headers=ORGANISER).status_code == 204
    assert schedule.client.get("/events/denver/slots/FriP2").status_code == 404


def test_slots_in_use_cannot_go_and_rooms_stop_offering_removed_slots(gathering, probe):
    session = post(gathering, "/events/denver/sessions", {**session_body(), "start": None, "end": None})
    assert session.status_code == 400  # start/end null is not a time
    body = {k: v for k, v in session_body().items() if k not in ("start", "end")}
    placed = post(gathering, "/events/denver/sessions", {**body, "slots": ["ThuA1"]}).get_json()
    in_use = gathering.client.delete("/events/denver/slots/ThuA1", headers=ORGANISER)
    assert problem(in_use, 409, "slots")["conflicting_session"] == placed["id"]
    retimed = [{**s, "end": "10:30"} if s["code"] == "ThuA1" else s for s in GRID]
    problem(gathering.client.put("/events/denver/slots", json={"slots": retimed}, headers=ORGANISER), 409, "slots")
    assert patch(gathering, "/events/denver/rooms/birch", {"offered_slots": ["FriA1", "FriA2"]}).status_code == 200
    problem(patch(gathering, "/events/denver/rooms/birch", {"offered_slots": ["SunA1"]}), 422, "offered_slots")
    assert gathering.client.delete("/events/denver/slots/FriA2", headers=ORGANISER).status_code == 204
    assert gathering.client.get("/events/denver/rooms/birch").get_json()["offered_slots"] == ["FriA1"]
    probe.wait_for("ptghub.schedule.room.updated", lambda e: e["data"]["offered_slots"] == ["FriA1"])


def test_rooms_with_all_their_fields(schedule, probe):
    room = {"slug": "ballroom-a", "name": "Ballroom A", "capacity": 10, "description": "10 person table",
            "video_url": "http://meet.jit.si/DEN-ptg-BallroomA", "cap_icon": "facetime-video",
            "cap_desc": "Videoprojection available", "bookable": True, "offered_slots": None}
    created = post(schedule, "/events/denver/rooms", room)
    assert created.status_code == 201 and {k: created.get_json()[k] for k in room} == room
    problem(post(schedule, "/events/denver/rooms", {**room, "slug": "x", "video_url": "not a url"}), 400, "video_url")
    problem(post(schedule, "/events/denver/rooms", {**room, "slug": "y", "offered_slots": ["MonA1"]}), 422,
            "offered_slots")
    changed = patch(schedule, "/events/denver/rooms/ballroom-a", {"capacity": 12, "bookable": False})
    assert changed.status_code == 200 and changed.get_json()["capacity"] == 12
    probe.wait_for("ptghub.schedule.room.updated", lambda e: e["data"]["capacity"] == 12)
    problem(patch(schedule, "/events/denver/rooms/ballroom-a", {"slug": "b"}), 400, "slug")
    assert patch(schedule, "/events/denver/rooms/ballroom-a", {"capacity": 1}, KOLLA_CHAIR).status_code == 403
    assert patch(schedule, "/events/denver/rooms/nowhere", {"capacity": 1}).status_code == 404
    post(schedule, "/events/denver/sessions", session_body())
    problem(schedule.client.delete("/events/denver/rooms/aspen", headers=ORGANISER), 409, "cascade")
    assert schedule.client.delete("/events/denver/rooms/aspen?cascade=true", headers=ORGANISER).status_code == 204
    assert schedule.client.get("/events/denver/sessions").get_json()["items"] == []
    assert schedule.client.delete("/events/denver/rooms/ballroom-a", headers=ORGANISER).status_code == 204
    probe.wait_for("ptghub.schedule.room.deleted", lambda e: e["data"]["slug"] == "ballroom-a")


def test_tracks_with_chairs_and_who_may_change_what(schedule, probe):
    track = {"slug": "swift", "name": "Swift", "description": "object storage",
             "chairs": [{"nick": "timburke", "name": "Tim Burke", "email": "tim@example.org"}],
             "colour": "#ff8800", "meeting_url": "https://meet.jit.si/swift",
             "notes_url": "https://etherpad.opendev.org/p/swift-ptg", "mailing_list": "swift@example.org",
             "subject_tag": "swift"}
    created = post(schedule, "/events/denver/tracks", track)
    assert created.status_code == 201
    data = created.get_json()
    assert {k: data[k] for k in track} == track and (data["now"], data["next"], data["location"]) == (None, [], None)
    swift_chair = principal_header("chair", [("denver", "swift")])
    assert patch(schedule, "/events/denver/tracks/swift", {"colour": "green", "description": "blobs"},
                 swift_chair).status_code == 200
    forbidden = patch(schedule, "/events/denver/tracks/swift", {"name": "Swift!", "mailing_list": "x@example.org"},
                      swift_chair)
    assert set(problem(forbidden, 403, "name")["errors"]) == {"name", "mailing_list"}
    same = patch(schedule, "/events/denver/tracks/swift", {"name": "Swift", "colour": "green"}, swift_chair)
    assert same.status_code == 200  # sending back unchanged organiser fields is fine
    assert patch(schedule, "/events/denver/tracks/swift", {"colour": "red"}, KOLLA_CHAIR).status_code == 403
    problem(patch(schedule, "/events/denver/tracks/swift", {"now": "cells v2"}), 400, "now")
    problem(patch(schedule, "/events/denver/tracks/swift", {"colour": "not a colour"}), 400, "colour")
    problem(patch(schedule, "/events/denver/tracks/swift",
                  {"chairs": [{"nick": "a"}, {"nick": "A"}]}), 422, "chairs")
    assert patch(schedule, "/events/denver/tracks/swift", {"name": "OpenStack Swift"}).status_code == 200
    updated = probe.wait_for("ptghub.schedule.track.updated", lambda e: e["data"]["name"] == "OpenStack Swift")
    assert {"id", "event", "slug", "name", "mailing_list", "subject_tag"} <= set(updated["data"])
    assert updated["subject"] == "denver/swift"
    assert schedule.client.delete("/events/denver/tracks/swift", headers=ORGANISER).status_code == 204
    probe.wait_for("ptghub.schedule.track.deleted", lambda e: e["data"]["slug"] == "swift")


def test_links_keep_their_order(schedule, probe):
    def labels():
        return [link["label"] for link in schedule.client.get("/events/denver/links").get_json()["items"]]

    venue = post(schedule, "/events/denver/links", {"label": "venue map", "url": "https://example.org/map.pdf"})
    assert venue.status_code == 201 and venue.get_json()["position"] == 0
    post(schedule, "/events/denver/links", {"label": "etherpads", "url": "https://wiki.openstack.org/Etherpads"})
    guide = post(schedule, "/events/denver/links", {"label": "city guide", "url": "https://example.org/guide",
                                                    "position": 0}).get_json()
    assert labels() == ["city guide", "venue map", "etherpads"]
    assert patch(schedule, f"/events/denver/links/{guide['id']}", {"position": 99}).get_json()["position"] == 2
    assert labels() == ["venue map", "etherpads", "city guide"]
    problem(post(schedule, "/events/denver/links", {"label": "x", "url": "javascript:alert(1)"}), 400, "url")
    assert post(schedule, "/events/denver/links", {"label": "x", "url": "https://x.org"}, KOLLA_CHAIR).status_code == 403
    assert schedule.client.delete(f"/events/denver/links/{venue.get_json()['id']}", headers=ORGANISER).status_code == 204
    assert labels() == ["etherpads", "city guide"]
    first = schedule.client.get("/events/denver/links?limit=1").get_json()
    rest = schedule.client.get(f"/events/denver/links?limit=1&cursor={first['next_cursor']}").get_json()
    assert [link["label"] for link in first["items"] + rest["items"]] == ["etherpads", "city guide"]
    changed = probe.wait_for("ptghub.schedule.link.changed", lambda e: len(e["data"]["links"]) == 2)
    assert [link["position"] for link in changed["data"]["links"]] == [0, 1]


def test_sessions_in_slots_and_their_fields(gathering):
    body = {"track": "kolla", "room": "birch", "slots": ["ThuA2", "ThuP1"], "title": "Python 3 images",
            "kind": "cross_project", "moderators": ["mgoddard"], "video_url": "https://meet.jit.si/kolla"}
    created = post(gathering, "/events/denver/sessions", body)
    assert created.status_code == 201
    session = created.get_json()
    assert (session["start"], session["end"], session["slots"]) == (
        "2019-05-02T10:45:00-06:00", "2019-05-02T15:15:00-06:00", ["ThuA2", "ThuP1"])
    assert (session["kind"], session["moderators"], session["sequence"], session["booked"]) == (
        "cross_project", ["mgoddard"], 0, False)
    bad = {**body, "room": "cedar", "track": "nova"}
    assert "FriZ9" in problem(post(gathering, "/events/denver/sessions", {**bad, "slots": ["FriZ9"]}), 422,
                              "slots")["detail"]
    problem(post(gathering, "/events/denver/sessions", {**bad, "slots": ["ThuA1", "ThuP1"]}), 422, "slots")
    problem(post(gathering, "/events/denver/sessions", {**bad, "start": "2019-05-03T09:00:00-06:00"}), 422, "slots")
    problem(post(gathering, "/events/denver/sessions", {**bad, "kind": "party"}), 400, "kind")
    problem(post(gathering, "/events/denver/sessions", {**bad, "status": "cancelled"}), 422, "status")
    moved = patch(gathering, f"/sessions/{session['id']}", {"slots": ["FriA1"]}).get_json()
    assert (moved["start"], moved["slots"], moved["sequence"]) == ("2019-05-03T09:00:00-06:00", ["FriA1"], 1)
    timed = patch(gathering, f"/sessions/{session['id']}", {"end": "2019-05-03T11:00:00-06:00"}).get_json()
    assert (timed["slots"], timed["sequence"]) == ([], 2)
    assert patch(gathering, f"/sessions/{session['id']}", {"description": "more"}).get_json()["sequence"] == 2
    problem(patch(gathering, f"/sessions/{session['id']}", {"end": "2019-05-03T08:00:00-06:00"}), 422, "end")
    problem(patch(gathering, f"/sessions/{session['id']}", {"start": "2019-06-03T08:00:00-06:00",
                                                            "end": "2019-06-03T09:00:00-06:00"}), 422, "start")
    problem(patch(gathering, f"/sessions/{session['id']}", {"room": "nowhere"}), 404, "room")
    assert gathering.client.get(f"/sessions/{session['id']}").get_json()["end"] == "2019-05-03T11:00:00-06:00"


def test_track_and_moderator_clashes_and_the_conflicts_list(gathering):
    first = post(gathering, "/events/denver/sessions", {**session_body(), "moderators": ["jay"]}).get_json()
    track_clash = post(gathering, "/events/denver/sessions", session_body("10:00", "11:00", "kolla again", "birch"))
    assert problem(track_clash, 409, "track")["conflicting_session"] == first["id"]
    nova = {**session_body("10:00", "11:00", "nova", "cedar"), "track": "nova", "moderators": ["Jay"]}
    mod_clash = post(gathering, "/events/denver/sessions", nova, principal_header("chair", [("denver", "nova")]))
    assert problem(mod_clash, 409, "moderators")["conflicting_session"] == first["id"]
    asked = post(gathering, "/events/denver/sessions", {**nova, "allow_conflict": True}, NOVA_CHAIR)
    problem(asked, 403, "allow_conflict")
    accepted = post(gathering, "/events/denver/sessions", {**nova, "allow_conflict": True})
    assert accepted.status_code == 201 and accepted.get_json()["allow_conflict"] is True
    also = post(gathering, "/events/denver/sessions",
                {**session_body("10:00", "11:00", "kolla again", "birch"), "allow_conflict": True})
    assert also.status_code == 201
    room_clash = post(gathering, "/events/denver/sessions",
                      {**session_body("10:30", "11:30", "same room", "cedar"), "track": "ironic",
                       "allow_conflict": True})
    assert problem(room_clash, 409, "room")["conflicting_session"] == accepted.get_json()["id"]
    conflicts = gathering.client.get("/events/denver/conflicts").get_json()["items"]
    found = {(c["reason"], c["track"] or c["moderator"], tuple(s["title"] for s in c["sessions"]), c["accepted"])
             for c in conflicts}
    assert found == {("moderator", "jay", ("Python 3 images", "nova"), True),
                     ("track", "kolla", ("Python 3 images", "kolla again"), True)}
    # a chair may still edit its session that clashes with an accepted one, but not lift the acceptance
    assert patch(gathering, f"/sessions/{first['id']}", {"title": "Py3"}, KOLLA_CHAIR).status_code == 200
    problem(patch(gathering, f"/sessions/{also.get_json()['id']}", {"allow_conflict": False}, KOLLA_CHAIR), 403,
            "allow_conflict")
    assert patch(gathering, f"/sessions/{also.get_json()['id']}", {"allow_conflict": False}).status_code == 409
    # a cancelled session conflicts with nothing and frees its room
    assert gathering.client.post(f"/sessions/{also.get_json()['id']}/cancel", headers=ORGANISER).status_code == 200
    assert len(gathering.client.get("/events/denver/conflicts").get_json()["items"]) == 1
    assert post(gathering, "/events/denver/sessions",
                {**session_body("10:00", "11:00", "birch now free", "birch"), "track": "ironic"}).status_code == 201
    problem(patch(gathering, f"/sessions/{also.get_json()['id']}", {"status": "scheduled"}), 409, "room")


def test_session_changes_cancel_and_delete_publish_their_events(schedule, probe):
    session = post(schedule, "/events/denver/sessions", session_body()).get_json()
    sid = session["id"]
    assert patch(schedule, f"/sessions/{sid}", {"title": "Py3 images"}).get_json()["sequence"] == 1
    unchanged = len(outbox_types(schedule))
    assert patch(schedule, f"/sessions/{sid}", {"title": "Py3 images"}).status_code == 200
    assert len(outbox_types(schedule)) == unchanged  # nothing changed, nothing published
    cancelled = schedule.client.post(f"/sessions/{sid}/cancel", headers=KOLLA_CHAIR)
    assert cancelled.get_json()["status"] == "cancelled" and cancelled.get_json()["sequence"] == 2
    assert schedule.client.post(f"/sessions/{sid}/cancel", headers=ORGANISER).get_json()["sequence"] == 2
    assert schedule.client.post(f"/sessions/{sid}/cancel", headers=NOVA_CHAIR).status_code == 403
    assert schedule.client.delete(f"/sessions/{sid}", headers=NOVA_CHAIR).status_code == 403
    assert schedule.client.delete(f"/sessions/{sid}", headers=KOLLA_CHAIR).status_code == 204
    assert schedule.client.get(f"/sessions/{sid}").status_code == 404
    assert schedule.client.delete(f"/sessions/{sid}", headers=ORGANISER).status_code == 404
    for verb in ("scheduled", "updated", "cancelled", "deleted"):
        event = probe.wait_for(f"ptghub.schedule.session.{verb}", lambda e: e["subject"] == sid)
        assert {"id", "event", "track", "room", "start", "end", "title", "description", "status", "timezone",
                "created_at", "updated_at"} <= set(event["data"])
    assert outbox_types(schedule, "%session%") == [f"ptghub.schedule.session.{v}" for v in
                                                   ("scheduled", "updated", "cancelled", "deleted")]


def test_a_chair_cannot_move_a_session_to_another_track(gathering):
    session = post(gathering, "/events/denver/sessions", session_body(), KOLLA_CHAIR).get_json()
    problem(patch(gathering, f"/sessions/{session['id']}", {"track": "nova"}, KOLLA_CHAIR), 403, "track")
    assert patch(gathering, f"/sessions/{session['id']}", {"title": "x"}, NOVA_CHAIR).status_code == 403
    assert patch(gathering, f"/sessions/{session['id']}", {"track": "nova"},
                 principal_header("chair", [("denver", "kolla"), ("denver", "nova")])).get_json()["track"] == "nova"


def test_every_write_grows_the_event_version(gathering):
    before = version(gathering)
    session = post(gathering, "/events/denver/sessions", session_body()).get_json()
    after_session = version(gathering)
    patch(gathering, f"/sessions/{session['id']}", {"title": "t2"})
    after_patch = version(gathering)
    post(gathering, "/events/denver/links", {"label": "l", "url": "https://example.org"})
    after_link = version(gathering)
    assert before < after_session < after_patch < after_link


def test_filters_and_bad_cursors_never_500(gathering):
    post(gathering, "/events/denver/sessions", {**session_body(), "kind": "keynote"})
    cancelled = post(gathering, "/events/denver/sessions", session_body("11:00", "12:00", "later")).get_json()
    gathering.client.post(f"/sessions/{cancelled['id']}/cancel", headers=ORGANISER)
    assert [s["title"] for s in gathering.client.get("/events/denver/sessions?kind=keynote").get_json()["items"]] == [
        "Python 3 images"]
    assert [s["title"] for s in gathering.client.get("/events/denver/sessions?status=cancelled").get_json()[
        "items"]] == ["later"]
    assert gathering.client.get("/events/denver/sessions?track=kolla&room=aspen&day=2019-05-02").status_code == 200
    problem(gathering.client.get("/events/denver/sessions?kind=party"), 400, "kind")
    import base64
    import json as json_

    def cursor(values):
        return base64.urlsafe_b64encode(json_.dumps(values).encode()).decode().rstrip("=")

    bad = ["garbage", "%%%", cursor([1, 2]), cursor(["2019-05-02T09:00:00", "x"]), cursor(["not a date", "x"]),
           cursor([None, None]), cursor(["2019-05-02T09:00:00+00:00", 5]), cursor("abc"), cursor({"a": 1}),
           cursor(["2019-05-02T09:00:00+00:00", "a\u0000b"]), base64.urlsafe_b64encode(b"\xff\xfe").decode()]
    for path in ("/events/denver/sessions", "/events/denver/slots", "/events/denver/rooms", "/events/denver/tracks",
                 "/events/denver/links", "/events"):
        for value in bad:
            response = gathering.client.get(path, query_string={"cursor": value})
            assert response.status_code == 400, (path, value, response.get_json())
            assert "cursor" in response.get_json()["errors"]


def test_concurrent_sessions_of_one_track_in_two_rooms_let_exactly_one_through(gathering):
    statuses = []

    def book(room):
        with gathering.app.test_client() as client:
            statuses.append(client.post("/events/denver/sessions", json=session_body(room=room, title=room),
                                        headers=ORGANISER).status_code)

    threads = [threading.Thread(target=book, args=(room,)) for room in ("aspen", "birch", "cedar")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 409, 409]


def today_event(schedule, slug="today"):
    today = datetime.now(timezone.utc).date()
    assert post(schedule, "/events", {**EVENT, "slug": slug, "timezone": "UTC",
                                      "start_date": (today - timedelta(days=1)).isoformat(),
                                      "end_date": (today + timedelta(days=1)).isoformat()}).status_code == 201
    assert post(schedule, f"/events/{slug}/rooms", {"slug": "aspen", "name": "Aspen"}).status_code == 201
    assert post(schedule, f"/events/{slug}/tracks", {"slug": "kolla", "name": "Kolla"}).status_code == 201


def timed_session(schedule, start, end, title, slug="today", room="aspen", **extra):
    response = post(schedule, f"/events/{slug}/sessions", {"track": "kolla", "room": room, "title": title,
                                                           "start": start.isoformat(), "end": end.isoformat(),
                                                           **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_the_worker_announces_each_session_start_and_end_once(start_service, probe):
    service = start_service(schedule_service, timers=lambda db: timers.timers(db, interval=0.2))
    today_event(service)
    assert post(service, "/events/today/rooms", {"slug": "birch", "name": "Birch"}).status_code == 201
    now = datetime.now(timezone.utc)
    # cancelled first, well before its start: on a loaded machine the clock must not see it scheduled
    called_off = timed_session(service, now + timedelta(seconds=2), now + timedelta(seconds=3), "called off",
                               room="birch", allow_conflict=True)
    assert service.client.post(f"/sessions/{called_off}/cancel", headers=ORGANISER).status_code == 200
    soon = timed_session(service, now + timedelta(seconds=2), now + timedelta(seconds=3), "soon")
    old = timed_session(service, now - timedelta(hours=3), now - timedelta(hours=2), "long ago")
    started = probe.wait_for("ptghub.schedule.session.started", lambda e: e["subject"] == soon, timeout=10)
    assert started["data"]["title"] == "soon" and started["data"]["status"] == "scheduled"
    ended = probe.wait_for("ptghub.schedule.session.ended", lambda e: e["subject"] == soon, timeout=10)
    assert ended["data"]["id"] == soon
    time.sleep(0.5)  # a few more ticks of the clock announce nothing more
    assert outbox_types(service, "%session.started") == ["ptghub.schedule.session.started"]
    assert outbox_types(service, "%session.ended") == ["ptghub.schedule.session.ended"]
    with service.database.engine.connect() as connection:  # long ago: stamped, not announced
        stamps = connection.execute(sa.select(store.SessionRow.started_published_at, store.SessionRow.ended_published_at)
                                    .where(store.SessionRow.id == old)).one()
    assert None not in stamps


def test_two_clocks_never_announce_a_session_twice_and_skip_cancelled_ones(schedule):
    schedule.worker.stop.set()
    for thread in schedule.threads:
        thread.join(timeout=5)
    today_event(schedule)
    now = datetime.now(timezone.utc)
    ids = []
    for i in range(30):  # thirty sessions that started ten minutes ago, in thirty rooms of thirty tracks
        assert post(schedule, "/events/today/rooms", {"slug": f"r{i}", "name": f"R{i}"}).status_code == 201
        assert post(schedule, "/events/today/tracks", {"slug": f"t{i}", "name": f"T{i}"}).status_code == 201
        response = post(schedule, "/events/today/sessions", {
            "track": f"t{i}", "room": f"r{i}", "title": f"s{i}", "start": (now - timedelta(minutes=10)).isoformat(),
            "end": (now + timedelta(minutes=30)).isoformat()})
        assert response.status_code == 201
        ids.append(response.get_json()["id"])
    schedule.client.post(f"/sessions/{ids[0]}/cancel", headers=ORGANISER)
    counts = []
    barrier = threading.Barrier(4)

    def clock():
        barrier.wait()
        counts.append(timers.announce_due(schedule.database))

    threads = [threading.Thread(target=clock) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 29  # each announced by exactly one clock; the cancelled one by none
    with schedule.database.engine.connect() as connection:
        subjects = connection.execute(sa.text(
            "select payload::json->>'subject' from outbox where event_type = 'ptghub.schedule.session.started'"
        )).scalars().all()
    assert sorted(subjects) == sorted(ids[1:])
    assert timers.announce_due(schedule.database) == 0


def test_odd_input_anywhere_gets_a_problem_never_a_500(start_service):
    s = start_service(schedule_service)
    c = s.client
    ev = {"slug": "e", "name": "E", "timezone": "America/Denver", "start_date": "2019-05-02", "end_date": "2019-05-04"}
    assert c.post("/events", json=ev, headers=ORGANISER).status_code == 201
    c.post("/events/e/rooms", json={"slug": "r", "name": "R"}, headers=ORGANISER)
    c.post("/events/e/tracks", json={"slug": "t", "name": "T"}, headers=ORGANISER)
    sid = c.post("/events/e/sessions", json={"track": "t", "room": "r", "title": "x", "start": "2019-05-02T09:00:00-06:00", "end": "2019-05-02T10:00:00-06:00"}, headers=ORGANISER).get_json()["id"]
    lid = c.post("/events/e/links", json={"label": "l", "url": "https://x.org"}, headers=ORGANISER).get_json()["id"]
    weird = [None, -1, 2**70, True, "", "a\x00b", "x" * 5000, [None], ["\x00"], {}, [{"nick": "\x00"}],
             "9999-12-31"]
    bodies = {
        ("post", "/events"): ev, ("patch", "/events/e"): {"name": "n"},
        ("post", "/events/e/rooms"): {"slug": "q", "name": "Q"}, ("patch", "/events/e/rooms/r"): {"name": "n"},
        ("post", "/events/e/tracks"): {"slug": "q", "name": "Q"}, ("patch", "/events/e/tracks/t"): {"name": "n"},
        ("post", "/events/e/slots"): {"code": "A", "day": "2019-05-02", "start": "09:00", "end": "10:00"},
        ("put", "/events/e/slots"): {"slots": []},
        ("post", "/events/e/links"): {"label": "l", "url": "https://x.org"}, ("patch", f"/events/e/links/{lid}"): {"label": "n"},
        ("post", "/events/e/sessions"): {"track": "t", "room": "r", "title": "y", "start": "2019-05-03T09:00:00-06:00", "end": "2019-05-03T10:00:00-06:00"},
        ("patch", f"/sessions/{sid}"): {"title": "z"},
    }
    extra = {"/events": ["organisers", "location", "virtual"], "/rooms": ["capacity", "video_url", "offered_slots"],
             "/tracks": ["chairs", "colour", "mailing_list", "subject_tag"], "/slots": ["slots", "code", "day"],
             "/links": ["position", "url"], "/sessions": ["slots", "moderators", "kind", "status", "allow_conflict",
                                                          "start", "end", "room", "track"]}
    bad = []
    for (method, path), body in bodies.items():
        kind = next((k for k in ("/rooms", "/tracks", "/slots", "/links", "/sessions") if k in path), "/events")
        names = {*body, *extra[kind]}
        for f in sorted(names):
            for w in weird:
                r = getattr(c, method)(path, json={**body, f: w}, headers=ORGANISER)
                if r.status_code >= 500:
                    bad.append((method, path, f, repr(w)[:40]))
        for raw in ["[]", "null", "1", "\"x\"", "{", "[{}]"]:
            r = getattr(c, method)(path, data=raw, content_type="application/json", headers=ORGANISER)
            if r.status_code >= 500:
                bad.append((method, path, raw))
    for q in ["limit=0", "limit=abc", "day=x", "track=\x00", "room=" + "x" * 5000, "kind=\x00", "cursor=" + "A" * 5000, "status=x"]:
        for p in ["/events/e/sessions", "/events/e/slots", "/events/e/links", "/events"]:
            r = c.get(p + "?" + q)
            if r.status_code >= 500:
                bad.append(("get", p, q))
    for p in ["/sessions/" + "x" * 5000, "/events/" + "x" * 5000, "/events/e/links/" + "x" * 5000, "/events/e/slots/" + "x" * 500]:
        for m in ("get", "delete", "patch"):
            r = getattr(c, m)(p, json={}, headers=ORGANISER)
            if r.status_code >= 500:
                bad.append((m, p[:30]))
    assert not bad, bad


def test_a_method_a_path_does_not_answer_gets_a_405_with_the_right_allow(schedule):
    client = schedule.client
    refused = client.put("/events/denver", json={"name": "n"}, headers=ORGANISER)
    assert refused.status_code == 405 and refused.content_type == "application/problem+json"
    assert set(refused.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "PATCH", "DELETE"}
    assert set(client.put("/events", json={}, headers=ORGANISER).headers["Allow"].split(", ")) == {
        "GET", "HEAD", "OPTIONS", "POST"}
    assert "POST" in client.options("/events", headers=ORGANISER).headers["Allow"].split(", ")
    assert "PUT" in client.options("/events/denver/slots", headers=ORGANISER).headers["Allow"].split(", ")


def test_session_listings_revalidate_and_never_serve_a_stale_page(schedule):
    client = schedule.client
    assert client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER).status_code == 201
    first = client.get("/events/denver/sessions")
    tag = first.headers["ETag"]
    assert client.get("/events/denver/sessions", headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/events/denver/sessions").get_json() == first.get_json()  # served again, same page
    assert client.post("/events/denver/sessions", json=session_body("13:30", "15:00", "After lunch"),
                       headers=ORGANISER).status_code == 201
    changed = client.get("/events/denver/sessions", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert [s["title"] for s in changed.get_json()["items"]] == ["Python 3 images", "After lunch"]
    other_query = client.get("/events/denver/sessions?limit=1")
    assert len(other_query.get_json()["items"]) == 1 and other_query.headers["ETag"] != changed.headers["ETag"]


def test_a_broker_outage_delays_events_and_loses_none(schedule, probe):
    from services.kit.amqp import ConfirmingPublisher, PublishError
    from services.kit.relay import OutboxRelay

    schedule.worker.stop.set()
    for thread in schedule.threads:
        thread.join(timeout=5)
    created = schedule.client.post("/events/denver/sessions", json=session_body(), headers=ORGANISER).get_json()
    outbox = schedule.database.outbox
    nowhere = OutboxRelay(schedule.database, ConfirmingPublisher("amqp://guest:guest@127.0.0.1:1/%2F", schedule.settings.exchange))
    with pytest.raises(PublishError):
        nowhere.relay_once()
    with schedule.database.engine.connect() as connection:
        pending = connection.execute(sa.select(outbox.c.claim).where(outbox.c.sent_at.is_(None))).scalars().all()
    assert pending and all(claim is None for claim in pending), "unsent rows are given back at once"
    back = OutboxRelay(schedule.database, ConfirmingPublisher(schedule.settings.amqp_url, schedule.settings.exchange))
    assert back.relay_once() == len(pending)
    back.publisher.close()
    probe.wait_for("ptghub.schedule.session.scheduled", lambda e: e["data"]["id"] == created["id"])
    assert back.pending() == 0
