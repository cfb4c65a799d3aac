"""The live side of the schedule service against real PostgreSQL and RabbitMQ: status, bookings,
free slots, message of the day, the board, ptgbot's commands, the new-day timer, ptgbot's JSON."""
from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from services.schedule import store, timers
from services.schedule.descriptor import DESCRIPTOR as schedule_service

from ..conftest import ORGANISER, principal_header
from ..infra import wait_until

pytestmark = pytest.mark.integration

from ..infra import DENVER_BASE_JSON as BASE_JSON  # noqa: E402

ZONE = ZoneInfo("America/Denver")
RELAY = principal_header("integration", sub="ircbot", relay=True)
SWIFT_CHAIR = principal_header("chair", [("live", "swift")])
NOVA_CHAIR = principal_header("chair", [("live", "nova")])
PUBLIC: dict = {}


def today() -> date:
    return datetime.now(ZONE).date()


def local(day: date, clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZONE)


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


class Live:
    """The running service with a small live event around today: yesterday, today and tomorrow."""

    def __init__(self, service):
        self.service = service
        self.client = service.client
        self.engine = service.database.engine
        self.day = today()

    def say(self, nick: str, text: str, event: str = "live") -> dict:
        return ok(self.client.post(f"/events/{event}/ptgbot/commands", json={"nick": nick, "text": text},
                                   headers=RELAY))

    def outbox(self, kind: str | None = None) -> list[dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(sa.text("select event_type, payload from outbox order by seq")).all()
        return [json.loads(payload) for event_type, payload in rows if kind is None or event_type.endswith(kind)]

    def count(self, model, **where) -> int:
        with self.engine.connect() as connection:
            statement = sa.select(sa.func.count()).select_from(model)
            for name, value in where.items():
                statement = statement.where(getattr(model, name) == value)
            return connection.execute(statement).scalar_one()

    def version(self, slug: str = "live") -> int:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(store.Event.version).where(store.Event.slug == slug)).scalar_one()

    def status(self, track: str) -> dict:
        return ok(self.client.get(f"/events/live/tracks/{track}/status"))

    def session(self, track: str, room: str, slots=None, start=None, end=None, title=None) -> dict:
        body = {"track": track, "room": room, "title": title or f"{track} session"}
        if slots:
            body["slots"] = slots
        else:
            body["start"], body["end"] = start.isoformat(), end.isoformat()
        return ok(self.client.post("/events/live/sessions", json=body, headers=ORGANISER), 201)


def build_live_event(service) -> Live:
    live = Live(service)
    client, day = live.client, live.day
    ok(client.post("/events", json={
        "slug": "live", "name": "Live PTG", "timezone": "America/Denver",
        "start_date": (day - timedelta(days=1)).isoformat(), "end_date": (day + timedelta(days=1)).isoformat(),
        "organisers": ["ttx"], "open_commands": False}, headers=ORGANISER), 201)
    grid = []
    for prefix, offset in (("Yes", -1), ("Tod", 0), ("Tom", 1)):
        for code, start, end in (("A1", "09:00", "10:45"), ("A2", "10:45", "12:30"), ("P1", "13:30", "15:15")):
            grid.append({"code": prefix + code, "day": (day + timedelta(days=offset)).isoformat(),
                         "start": start, "end": end})
    ok(client.put("/events/live/slots", json={"slots": grid}, headers=ORGANISER))
    for room in ({"slug": "aspen", "name": "Aspen", "capacity": 10, "bookable": True, "cap_icon": "facetime-video",
                  "cap_desc": "Videoprojection available"},
                 {"slug": "vail", "name": "Vail", "capacity": 40, "bookable": True,
                  "video_url": "https://meet.jit.si/vail", "offered_slots": ["TodA1", "TodA2", "TomA1"]},
                 {"slug": "ballroom", "name": "Ballroom A", "capacity": 100, "bookable": False}):
        ok(client.post("/events/live/rooms", json=room, headers=ORGANISER), 201)
    for track in ({"slug": "swift", "name": "Swift", "chairs": [{"nick": "notmyname", "name": "John"}]},
                  {"slug": "nova", "name": "Nova", "chairs": [{"nick": "gibi"}]},
                  {"slug": "kolla", "name": "Kolla"}):
        ok(client.post("/events/live/tracks", json=track, headers=ORGANISER), 201)
    return live


@pytest.fixture
def live(start_service):
    return build_live_event(start_service(schedule_service))


# == status ===========================================================================================

def test_status_now_next_clean_and_location_over_http(live, probe):
    client = live.client
    assert ok(client.post("/events/live/tracks/swift/status/next", json={"text": "ring placement"},
                          headers=SWIFT_CHAIR))["next"] == ["ring placement"]
    body = ok(client.post("/events/live/tracks/swift/status/next", json={"text": "cold storage"}, headers=SWIFT_CHAIR))
    assert (body["now"], body["next"]) == (None, ["ring placement", "cold storage"])
    body = ok(client.post("/events/live/tracks/swift/status/now", json={"text": "erasure codes"}, headers=SWIFT_CHAIR))
    assert (body["now"], body["next"]) == ("erasure codes", [])  # now clears next
    body = ok(client.put("/events/live/tracks/swift/location", json={"text": "Vail, by the window"},
                         headers=SWIFT_CHAIR))
    assert body["location"] == "Vail, by the window" and body["now"] == "erasure codes"
    ok(client.post("/events/live/tracks/swift/status/next", json={"text": "py3"}, headers=ORGANISER))
    body = ok(client.post("/events/live/tracks/swift/status/clean", headers=SWIFT_CHAIR))
    assert (body["now"], body["next"], body["location"]) == (None, [], "Vail, by the window")
    assert live.status("swift") == body
    assert body["updated_at"] is not None and body["event"] == "live" and body["track"] == "swift"

    changed = live.outbox("status.changed")
    assert [(e["data"]["now"], e["data"]["next"]) for e in changed] == [
        (None, ["ring placement"]), (None, ["ring placement", "cold storage"]), ("erasure codes", []),
        ("erasure codes", []), ("erasure codes", ["py3"]), (None, [])]
    assert changed[0]["subject"] == "live/swift"
    event = probe.wait_for("ptghub.schedule.status.changed", lambda e: e["data"]["now"] == "erasure codes")
    assert set(event["data"]) == {"event", "track", "name", "now", "next", "location", "updated_at"}

    # cleaning a clean status changes nothing and publishes nothing
    version = live.version()
    ok(client.post("/events/live/tracks/swift/status/clean", headers=SWIFT_CHAIR))
    assert len(live.outbox("status.changed")) == 6 and live.version() == version


@pytest.mark.parametrize("headers, body, status, field", [
    (NOVA_CHAIR, {"text": "x"}, 403, "track"),
    (PUBLIC, {"text": "x"}, 403, "track"),
    (SWIFT_CHAIR, {}, 400, "text"),
    (SWIFT_CHAIR, {"text": ""}, 400, "text"),
    (SWIFT_CHAIR, {"text": "x", "extra": 1}, 400, "extra"),
    (SWIFT_CHAIR, {"text": "x" * 1001}, 400, "text"),
])
def test_status_writes_refused_write_nothing(live, headers, body, status, field):
    response = live.client.post("/events/live/tracks/swift/status/now", json=body, headers=headers)
    assert response.status_code == status and response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert live.outbox("status.changed") == [] and live.status("swift")["now"] is None


def test_unknown_track_or_event_is_404(live):
    assert live.client.post("/events/live/tracks/glance/status/now", json={"text": "x"},
                            headers=ORGANISER).status_code == 404
    assert live.client.get("/events/nowhere/tracks/swift/status").status_code == 404


def test_now_announces_the_tracks_current_session_once(live, probe):
    now = datetime.now(timezone.utc)
    session = live.session("swift", "ballroom", start=now - timedelta(minutes=30), end=now + timedelta(minutes=30))
    ok(live.client.post("/events/live/tracks/swift/status/now", json={"text": "we started"}, headers=SWIFT_CHAIR))
    started = probe.wait_for("ptghub.schedule.session.started", lambda e: e["data"]["id"] == session["id"])
    assert started["data"]["track"] == "swift" and started["subject"] == session["id"]
    ok(live.client.post("/events/live/tracks/swift/status/now", json={"text": "still going"}, headers=SWIFT_CHAIR))
    assert [e["data"]["id"] for e in live.outbox("session.started")] == [session["id"]]
    # a track with no session under way announces nothing
    ok(live.client.post("/events/live/tracks/nova/status/now", json={"text": "hallway"}, headers=NOVA_CHAIR))
    assert len(live.outbox("session.started")) == 1


def test_now_and_the_clock_racing_for_one_session_announce_it_once(start_service, monkeypatch):
    """The clock claims sessions without the event's lock: here it claims the session after the
    chair's ``now`` has read it as unannounced and before that ``now`` stamps it."""
    from services.schedule.operations import live as live_operations
    from services.schedule.store import live as live_queries

    live = build_live_event(start_service(schedule_service, timers=lambda database: []))  # the test is the clock
    now = datetime.now(timezone.utc)
    session = live.session("swift", "ballroom", start=now - timedelta(minutes=30), end=now + timedelta(minutes=30))
    current_session_of_track = live_queries.current_session_of_track

    def read_then_let_the_clock_in(uow_session, track, at):
        current = current_session_of_track(uow_session, track, at)
        assert current is not None and current.started_published_at is None
        assert timers.announce_due(live.service.database, at) == 1  # its own transaction, committed
        return current

    monkeypatch.setattr(live_operations.live_queries, "current_session_of_track", read_then_let_the_clock_in)
    ok(live.client.post("/events/live/tracks/swift/status/now", json={"text": "we started"}, headers=SWIFT_CHAIR))
    assert [e["data"]["id"] for e in live.outbox("session.started")] == [session["id"]]


def test_new_day_on_demand_clears_every_track(live):
    for track in ("swift", "nova"):
        ok(live.client.post(f"/events/live/tracks/{track}/status/now", json={"text": "x"}, headers=ORGANISER))
    ok(live.client.post("/events/live/tracks/kolla/status/next", json={"text": "y"}, headers=ORGANISER))
    assert live.client.post("/events/live/newday", headers=SWIFT_CHAIR).status_code == 403
    cleared = ok(live.client.post("/events/live/newday", headers=ORGANISER))
    assert sorted(s["track"] for s in cleared) == ["kolla", "nova", "swift"]
    assert all(live.status(t)["now"] is None and live.status(t)["next"] == [] for t in ("swift", "nova", "kolla"))
    assert ok(live.client.post("/events/live/newday", headers=ORGANISER)) == []


# == the new-day timer ================================================================================

def test_the_timer_clears_statuses_from_before_the_events_midnight(start_service, probe):
    service = start_service(schedule_service, timers=lambda db: [timers.new_day_loop(db, interval=0.1)])
    live = build_live_event(service)
    for track in ("swift", "nova"):
        ok(live.client.post(f"/events/live/tracks/{track}/status/now", json={"text": f"{track} topic"},
                            headers=ORGANISER))
        ok(live.client.post(f"/events/live/tracks/{track}/status/next", json={"text": "later"}, headers=ORGANISER))
    # swift's status was set yesterday (before the event's local midnight); nova's today
    yesterday = local(live.day - timedelta(days=1), "17:00").astimezone(timezone.utc)
    with live.engine.begin() as connection:
        connection.execute(sa.update(store.Track).where(store.Track.slug == "swift")
                           .values(status_updated_at=yesterday))
    wait_until(lambda: live.status("swift")["now"] is None, message="swift's status cleared")
    assert live.status("swift")["next"] == []
    cleared = probe.wait_for("ptghub.schedule.status.changed",
                             lambda e: e["data"]["track"] == "swift" and e["data"]["now"] is None)
    assert cleared["data"]["next"] == []
    assert live.status("nova")["now"] == "nova topic"  # set today: stays
    assert len([e for e in live.outbox("status.changed") if e["data"]["track"] == "swift"]) == 3


def test_two_workers_clear_each_stale_status_exactly_once(live):
    for track in ("swift", "nova", "kolla"):
        ok(live.client.post(f"/events/live/tracks/{track}/status/now", json={"text": "x"}, headers=ORGANISER))
    before = len(live.outbox("status.changed"))
    at = datetime.now(timezone.utc) + timedelta(days=1)  # tomorrow: every status is from an older day
    results = []
    threads = [threading.Thread(target=lambda: results.append(timers.clear_stale_statuses(live.service.database,
                                                                                                at)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 3
    assert len(live.outbox("status.changed")) == before + 3
    assert timers.clear_stale_statuses(live.service.database, at) == 0


def test_the_worker_runs_the_new_day_timer():
    assert [loop.__name__ for loop in timers.timers(None)] == ["session_clock", "new_day"]


# == booking ==========================================================================================

def test_a_chair_books_a_free_room_slot_and_frees_it(live, probe):
    client = live.client
    booked = ok(client.post("/events/live/bookings", json={"track": "swift", "room": "aspen", "slot": "TomA1"},
                            headers=SWIFT_CHAIR), 201)
    assert (booked["track"], booked["room"], booked["slots"], booked["booked"], booked["kind"], booked["title"],
            booked["status"]) == ("swift", "aspen", ["TomA1"], True, "work_session", "Swift (booked)", "scheduled")
    assert booked["start"] == local(live.day + timedelta(days=1), "09:00").isoformat()
    probe.wait_for("ptghub.schedule.session.scheduled", lambda e: e["data"]["id"] == booked["id"])

    taken = client.post("/events/live/bookings", json={"track": "nova", "room": "aspen", "slot": "TomA1"},
                        headers=NOVA_CHAIR)
    assert taken.status_code == 409 and taken.get_json()["room_slot"] == "aspen-TomA1"
    assert "aspen-TomA1" in taken.get_json()["detail"] and taken.get_json()["conflicting_session"] == booked["id"]

    # the chair of another track may not free it; the booking's chair may
    assert client.delete("/events/live/bookings/aspen/TomA1", headers=NOVA_CHAIR).status_code == 403
    freed = ok(client.delete("/events/live/bookings/aspen/TomA1", headers=SWIFT_CHAIR))
    assert freed["id"] == booked["id"] and freed["status"] == "cancelled" and freed["sequence"] == 1
    probe.wait_for("ptghub.schedule.session.cancelled", lambda e: e["data"]["id"] == booked["id"])
    assert client.delete("/events/live/bookings/aspen/TomA1", headers=SWIFT_CHAIR).status_code == 404
    # free again: another track books it
    ok(client.post("/events/live/bookings", json={"track": "nova", "room": "aspen", "slot": "TomA1"},
                   headers=NOVA_CHAIR), 201)


@pytest.mark.parametrize("body, headers, status, field", [
    ({"track": "swift", "room": "ballroom", "slot": "TomA1"}, SWIFT_CHAIR, 409, "room"),  # not bookable
    ({"track": "swift", "room": "vail", "slot": "TomA2"}, SWIFT_CHAIR, 409, "slot"),  # not offered by vail
    ({"track": "swift", "room": "aspen", "slot": "SunA1"}, SWIFT_CHAIR, 422, "slot"),  # no such slot
    ({"track": "swift", "room": "beach", "slot": "TomA1"}, SWIFT_CHAIR, 404, "room"),
    ({"track": "glance", "room": "aspen", "slot": "TomA1"}, ORGANISER, 404, "track"),
    ({"track": "swift", "room": "aspen", "slot": "TomA1"}, NOVA_CHAIR, 403, "track"),  # another track's chair
    ({"track": "swift", "room": "aspen", "slot": "TomA1"}, PUBLIC, 403, "track"),
    ({"track": "swift", "room": "aspen"}, SWIFT_CHAIR, 400, "slot"),
    ({"track": "Swift!", "room": "aspen", "slot": "TomA1"}, SWIFT_CHAIR, 400, "track"),
])
def test_bookings_refused_name_the_problem_and_write_nothing(live, body, headers, status, field):
    response = live.client.post("/events/live/bookings", json=body, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert field in response.get_json()["errors"]
    if status == 409:
        assert response.get_json()["room_slot"] == f"{body['room']}-{body['slot']}"
    assert live.count(store.SessionRow) == 0 and live.outbox("session.scheduled") == []


def test_a_track_is_not_booked_into_two_rooms_at_once(live):
    ok(live.client.post("/events/live/bookings", json={"track": "swift", "room": "aspen", "slot": "TodA1"},
                        headers=SWIFT_CHAIR), 201)
    busy = live.client.post("/events/live/bookings", json={"track": "swift", "room": "vail", "slot": "TodA1"},
                            headers=SWIFT_CHAIR)
    assert busy.status_code == 409 and busy.get_json()["reason"] == "track"
    assert busy.get_json()["room_slot"] == "vail-TodA1" and "track" in busy.get_json()["errors"]


def test_only_bookings_are_freed_through_the_booking_api(live):
    scheduled = live.session("kolla", "vail", slots=["TodA2"])
    refused = live.client.delete("/events/live/bookings/vail/TodA2", headers=ORGANISER)
    assert refused.status_code == 409 and refused.get_json()["conflicting_session"] == scheduled["id"]
    assert live.client.delete("/events/live/bookings/vail/TodA1", headers=ORGANISER).status_code == 404
    assert live.client.delete("/events/live/bookings/vail/NopeA1", headers=ORGANISER).status_code == 422


def test_concurrent_bookings_of_one_room_slot_let_exactly_one_through(live):
    statuses = []

    def book(track):
        with live.service.app.test_client() as client:
            statuses.append(client.post("/events/live/bookings", json={"track": track, "room": "aspen",
                                                                        "slot": "TomP1"}, headers=ORGANISER).status_code)

    threads = [threading.Thread(target=book, args=(("swift", "nova", "kolla")[i % 3],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 7
    assert live.count(store.SessionRow) == 1


def test_free_slots_filter_by_day_capacity_and_video_and_page(live):
    client = live.client
    everything = ok(client.get("/events/live/free-slots"))["items"]
    # aspen offers the 9 slots of the grid, vail 3 of them
    assert len(everything) == 12
    assert [(f["room"], f["slot"]) for f in everything[:3]] == [("aspen", "YesA1"), ("aspen", "YesA2"),
                                                                ("aspen", "YesP1")]
    first = everything[0]
    assert set(first) == {"room", "room_name", "slot", "start", "end", "capacity", "video"}
    assert first["video"] is True and first["capacity"] == 10
    assert first["start"] == local(live.day - timedelta(days=1), "09:00").isoformat()

    ok(client.post("/events/live/bookings", json={"track": "swift", "room": "vail", "slot": "TodA1"},
                   headers=SWIFT_CHAIR), 201)
    today = ok(client.get(f"/events/live/free-slots?day={live.day.isoformat()}"))["items"]
    assert [(f["room"], f["slot"]) for f in today] == [("aspen", "TodA1"), ("aspen", "TodA2"), ("vail", "TodA2"),
                                                       ("aspen", "TodP1")]
    big = ok(client.get("/events/live/free-slots?capacity=20"))["items"]
    assert {f["room"] for f in big} == {"vail"} and len(big) == 2
    assert len(ok(client.get("/events/live/free-slots?video=true"))["items"]) == 11
    assert ok(client.get("/events/live/free-slots?video=false"))["items"] == []

    pages, cursor = [], None
    while True:
        page = ok(client.get("/events/live/free-slots?limit=5" + (f"&cursor={cursor}" if cursor else "")))
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [len(p) for p in pages] == [5, 5, 1]
    assert [f["slot"] + f["room"] for p in pages for f in p] == \
        [f["slot"] + f["room"] for f in ok(client.get("/events/live/free-slots"))["items"]]
    for bad in ("day=someday", "capacity=-1", "video=maybe", "cursor=garbage", "colour=red"):
        assert client.get(f"/events/live/free-slots?{bad}").status_code == 400, bad


# == message of the day ===============================================================================

def test_motd_add_reorder_delete_clean_over_http(live, probe):
    client = live.client
    for level, message in (("info", "foo bar"), ("warning", "open bar"), ("danger", "cocktails")):
        body = ok(client.post("/events/live/motd", json={"level": level, "message": message}, headers=ORGANISER), 201)
    assert [(m["number"], m["level"], m["message"]) for m in body["items"]] == [
        (1, "info", "foo bar"), (2, "warning", "open bar"), (3, "danger", "cocktails")]
    ids = [m["id"] for m in body["items"]]
    assert ok(client.get("/events/live/motd")) == body
    body = ok(client.put("/events/live/motd/order", json={"ids": [ids[2], ids[0]]}, headers=ORGANISER))
    assert [m["message"] for m in body["items"]] == ["cocktails", "foo bar"]  # left out: removed, as ptgbot
    body = ok(client.delete(f"/events/live/motd/{ids[2]}", headers=ORGANISER))
    assert [(m["number"], m["message"]) for m in body["items"]] == [(1, "foo bar")]
    assert ok(client.delete("/events/live/motd", headers=ORGANISER))["items"] == []
    changed = live.outbox("motd.changed")
    assert [[m["message"] for m in e["data"]["items"]] for e in changed] == [
        ["foo bar"], ["foo bar", "open bar"], ["foo bar", "open bar", "cocktails"], ["cocktails", "foo bar"],
        ["foo bar"], []]
    event = probe.wait_for("ptghub.schedule.motd.changed", lambda e: e["data"]["items"] == [])
    assert event["data"]["event"] == "live" and event["subject"] == "live"


@pytest.mark.parametrize("method, path, body, headers, status", [
    ("post", "/events/live/motd", {"level": "info", "message": "x"}, SWIFT_CHAIR, 403),
    ("post", "/events/live/motd", {"level": "urgent", "message": "x"}, ORGANISER, 400),
    ("post", "/events/live/motd", {"level": "info", "message": ""}, ORGANISER, 400),
    ("put", "/events/live/motd/order", {"ids": ["nope"]}, ORGANISER, 422),
    ("put", "/events/live/motd/order", {"ids": []}, ORGANISER, 400),
    ("delete", "/events/live/motd/nope", None, ORGANISER, 404),
    ("delete", "/events/live/motd", None, PUBLIC, 403),
    ("post", "/events/nowhere/motd", {"level": "info", "message": "x"}, ORGANISER, 404),
])
def test_motd_refusals(live, method, path, body, headers, status):
    response = getattr(live.client, method)(path, json=body, headers=headers)
    assert response.status_code == status
    assert live.outbox("motd.changed") == []


# == the board ========================================================================================

def test_the_board_shows_each_track_and_rooms_current_and_next_session(live):
    swift = live.session("swift", "ballroom", slots=["TodA1"])
    nova = live.session("nova", "ballroom", slots=["TodA2"])
    kolla = live.session("kolla", "aspen", slots=["TomA1"])
    ok(live.client.post("/events/live/tracks/swift/status/now", json={"text": "rings"}, headers=SWIFT_CHAIR))
    ok(live.client.post("/events/live/tracks/swift/status/next", json={"text": "erasure"}, headers=SWIFT_CHAIR))
    ok(live.client.put("/events/live/tracks/swift/location", json={"text": "Ballroom A"}, headers=SWIFT_CHAIR))
    ok(live.client.post("/events/live/motd", json={"message": "lunch at noon"}, headers=ORGANISER), 201)
    at = local(live.day, "10:00")
    board = ok(live.client.get("/events/live/board", query_string={"at": at.isoformat()}))
    assert board["event"] == "live" and board["timezone"] == "America/Denver" and board["at"] == at.isoformat()
    tracks = {t["track"]: t for t in board["tracks"]}
    assert list(tracks) == ["kolla", "nova", "swift"]
    assert (tracks["swift"]["now"], tracks["swift"]["next"], tracks["swift"]["location"]) == \
        ("rings", ["erasure"], "Ballroom A")
    assert tracks["swift"]["current_session"]["id"] == swift["id"] and tracks["swift"]["next_session"] is None
    assert tracks["nova"]["current_session"] is None and tracks["nova"]["next_session"]["id"] == nova["id"]
    assert tracks["kolla"]["next_session"]["id"] == kolla["id"]
    assert set(tracks["swift"]) == {"track", "name", "colour", "now", "next", "location", "meeting_url", "notes_url",
                                    "current_session", "next_session"}
    rooms = {r["room"]: r for r in board["rooms"]}
    assert rooms["ballroom"]["current_session"]["id"] == swift["id"]
    assert rooms["ballroom"]["next_session"]["id"] == nova["id"]
    assert rooms["aspen"]["current_session"] is None and rooms["aspen"]["next_session"]["id"] == kolla["id"]
    assert rooms["vail"] == {"room": "vail", "name": "Vail", "current_session": None, "next_session": None}
    assert [m["message"] for m in board["motd"]] == ["lunch at noon"]
    # later: nova meets, swift is done; cancelled sessions are not shown
    ok(live.client.post(f"/sessions/{nova['id']}/cancel", headers=ORGANISER))
    later = ok(live.client.get("/events/live/board", query_string={"at": local(live.day, "11:00").isoformat()}))
    later_tracks = {t["track"]: t for t in later["tracks"]}
    assert later_tracks["swift"]["current_session"] is None and later_tracks["nova"]["current_session"] is None
    assert live.client.get("/events/live/board?at=noon").status_code == 400
    assert live.client.get("/events/nowhere/board").status_code == 404
    assert live.client.get("/events/live/board").status_code == 200  # default: now


# == ptgbot's commands ================================================================================

def test_only_relays_and_organisers_may_forward_commands(live):
    body = {"nick": "notmyname", "text": "#swift now rings"}
    for headers in (PUBLIC, SWIFT_CHAIR, principal_header("integration")):
        response = live.client.post("/events/live/ptgbot/commands", json=body, headers=headers)
        assert response.status_code == 403
    assert ok(live.client.post("/events/live/ptgbot/commands", json=body, headers=ORGANISER))["applied"] is True
    for bad in ({"nick": "notmyname"}, {"text": "#swift clean"}, {"nick": "two words", "text": "#swift clean"},
                {"nick": "x", "text": ""}, {"nick": "x", "text": "#swift clean", "channel": "#ptg"}):
        assert live.client.post("/events/live/ptgbot/commands", json=bad, headers=RELAY).status_code == 400
    assert live.client.post("/events/nowhere/ptgbot/commands", json=body, headers=RELAY).status_code == 404


def test_track_commands_by_chairs_apply_like_the_rest_api(live):
    live.session("swift", "ballroom", slots=["TodP1"])  # swift meets today; nova does not
    reply = live.say("notmyname", "#swift now discussing ring placement")
    assert reply == {"reply": None, "applied": True, "nick": "notmyname", "command": "now", "track": "swift"}
    reply = live.say("notmyname", "#SWIFT next at 2pm we plan to discuss #glance support")
    assert reply["applied"] and reply["reply"] is None
    assert (live.status("swift")["now"], live.status("swift")["next"]) == (
        "discussing ring placement", ["at 2pm we plan to discuss #glance support"])
    reply = live.say("gibi", "#nova now placement")
    assert reply["applied"] and reply["reply"] == ("gibi: Message added, but please note that track 'nova' does not "
                                                   "appear to have a room scheduled today.")
    assert live.say("notmyname", "#swift location Level B, Ballroom A")["applied"]
    assert live.status("swift")["location"] == "Level B, Ballroom A"
    assert live.say("notmyname", "#swift clean")["applied"]
    assert (live.status("swift")["now"], live.status("swift")["next"]) == (None, [])

    # the same events as the REST api publishes, with the same data
    rest = ok(live.client.post("/events/live/tracks/kolla/status/now", json={"text": "x"}, headers=ORGANISER))
    by_command = [e["data"] for e in live.outbox("status.changed") if e["data"]["track"] == "swift"]
    assert len(by_command) == 4 and set(by_command[0]) == set(rest)

    assert live.say("notmyname", "#swift url https://meet.jit.si/swift")["applied"]
    assert live.say("notmyname", "#swift color #42f4c5")["applied"]
    assert live.say("notmyname", "#swift etherpad https://etherpad.opendev.org/p/swift")["applied"]
    track = ok(live.client.get("/events/live/tracks/swift"))
    assert (track["meeting_url"], track["colour"], track["notes_url"]) == (
        "https://meet.jit.si/swift", "#42f4c5", "https://etherpad.opendev.org/p/swift")
    assert live.say("notmyname", "#swift url none")["applied"]
    assert live.say("notmyname", "#swift etherpad auto")["applied"]
    track = ok(live.client.get("/events/live/tracks/swift"))
    assert (track["meeting_url"], track["notes_url"]) == (None, None)
    updated = live.outbox("track.updated")
    assert len(updated) == 5 and updated[0]["data"]["meeting_url"] == "https://meet.jit.si/swift"
    assert updated[0]["subject"] == "live/swift"


def test_booking_by_chat_replies_as_ptgbot(live):
    assert live.say("notmyname", "#swift book Aspen-TomA1")["reply"] == \
        "notmyname: Room Aspen is now booked on TomA1 for swift"
    session = live.outbox("session.scheduled")[-1]["data"]
    assert (session["track"], session["room"], session["slots"], session["booked"]) == ("swift", "aspen", ["TomA1"], True)
    for text, reply in (
            ("#nova book Aspen-TomA1", "gibi: Slot 'Aspen-TomA1' is invalid (or booked)"),
            ("#nova book Beach-TomA1", "gibi: Slot 'Beach-TomA1' is invalid (or booked)"),
            ("#nova book Aspen-SunA1", "gibi: Slot 'Aspen-SunA1' is invalid (or booked)"),
            ("#nova book BallroomA-TomA1", "gibi: Slot 'BallroomA-TomA1' is invalid (or booked)"),
            ("#nova unbook Aspen-TomA1", "gibi: Slot 'Aspen-TomA1' is invalid (or not booked for nova)"),
            ("#nova book aspen", "gibi: Slot 'aspen' is invalid (or booked)")):
        reply_body = live.say("gibi", text)
        assert (reply_body["reply"], reply_body["applied"]) == (reply, False), text
    busy = live.say("notmyname", "#swift book Vail-TomA1")
    assert not busy["applied"] and busy["reply"].startswith("notmyname: Slot 'Vail-TomA1' is invalid (or booked)")
    assert "already meets in another room" in busy["reply"]
    assert live.say("notmyname", "#swift unbook Aspen-TomA1")["reply"] == \
        "notmyname: Room Aspen (previously booked for swift) is now free on TomA1"
    assert live.outbox("session.cancelled")[-1]["data"]["id"] == session["id"]
    assert live.say("gibi", "#nova book vail-TomA1")["applied"]  # the slug works as well as the name
    assert live.count(store.SessionRow, status="scheduled") == 1


def test_nicks_decide_who_may_command_and_voice_opens_track_commands_to_everyone(live):
    version = live.version()
    for nick, text, fragment in (
            ("johndoe", "#swift now hi", "johndoe: Need voice to issue commands"),
            ("gibi", "#swift now hi", "you are not allowed to change track 'swift'"),
            ("notmyname", "~motd add info hi", "notmyname: Need op for admin commands"),
            ("johndoe", "~newday", "Need op for admin commands"),
            ("johndoe", "#svift now Looking at me", "johndoe: unknown track 'svift'"),
            ("notmyname", "#swift discuss it", "notmyname: Unknown command 'discuss'. Did you mean: swift now discuss... ?"),
            ("ttx", "~fetchdb http://paste.openstack.org/raw/793040/", "not supported by ptghub"),
            ("ttx", "~m", "ttx: Unknown command 'm'"),
            ("johndoe", "+in the pub", "not a valid command here")):
        reply = live.say(nick, text)
        assert reply["applied"] is False and fragment in reply["reply"], (text, reply)
    assert live.version() == version and live.outbox("status.changed") == []  # refusals write nothing
    assert live.say("johndoe", "hello, is anyone around?") == {"reply": None, "applied": False, "nick": "johndoe",
                                                                "command": None, "track": None}

    assert live.say("TTX", "#swift now organisers may")["applied"]  # nicks compare case-insensitively
    assert live.say("ttx", "~alloweveryone")["applied"]
    assert live.outbox("event.updated")[-1]["data"]["open_commands"] is True
    assert live.say("johndoe", "#swift now everyone may")["applied"]
    assert live.say("johndoe", "~newday")["applied"] is False  # admin commands stay with the organisers
    assert live.say("ttx", "~requirevoice")["applied"]
    assert not live.say("johndoe", "#swift now not any more")["applied"]
    assert live.say("x", "#help")["reply"].startswith("x: See PTGbot documentation at: ")


def test_admin_commands_motd_newday_and_tracks(live):
    for text in ("~motd add info foo bar", "~motd add info open bar", "~motd reorder 2 1", "~motd del 1",
                 "~motd add danger cocktails available", "~motd reorder 1"):
        reply = live.say("ttx", text)
        assert reply["applied"] and reply["reply"] is None, text
    assert [(m["level"], m["message"]) for m in ok(live.client.get("/events/live/motd"))["items"]] == [
        ("info", "foo bar")]  # ptgbot's own test sequence, same result
    for text, reply in (("~motd del 999", "ttx: Incorrect message number 999"),
                        ("~motd reorder 1 1", "ttx: Incorrect message number 1 (listed twice)"),
                        ("~motd add foo bar", "ttx: Incorrect message level 'foo' (should be info, success, "
                                              "warning or danger)")):
        assert live.say("ttx", text) == {"reply": reply, "applied": False, "nick": "ttx", "command": None,
                                         "track": None}
    assert live.say("ttx", "~motd clean")["applied"]
    assert ok(live.client.get("/events/live/motd"))["items"] == []
    assert len(live.outbox("motd.changed")) == 7

    live.say("notmyname", "#swift now rings")
    live.say("gibi", "#nova next cells")
    assert live.say("ttx", "~newday")["applied"]
    assert live.status("swift")["now"] is None and live.status("nova")["next"] == []

    assert live.say("ttx", "~add cinder Manila swift")["applied"]
    assert {e["data"]["slug"] for e in live.outbox("track.created")} >= {"cinder", "manila"}
    assert ok(live.client.get("/events/live/tracks/manila"))["colour"]  # ptgbot's palette
    assert live.say("ttx", "~list")["reply"] == "ttx: Available tracks: cinder kolla manila nova swift"
    live.say("notmyname", "#cinder now volumes")  # not a chair of cinder: refused
    assert live.say("ttx", "#cinder now volumes")["applied"]
    assert live.say("ttx", "~clean cinder")["applied"] and live.status("cinder")["now"] is None
    assert live.say("ttx", "~del cinder ghost")["applied"]
    assert live.client.get("/events/live/tracks/cinder").status_code == 404
    assert live.outbox("track.deleted")[-1]["data"]["slug"] == "cinder"
    live.session("manila", "ballroom", slots=["TomA1"])
    refused = live.say("ttx", "~del kolla manila")
    assert not refused["applied"] and "Track 'manila' has sessions" in refused["reply"]
    assert live.client.get("/events/live/tracks/kolla").status_code == 200  # nothing half-done


# == ptgbot's JSON ====================================================================================

DENVER = {"slug": "denver", "name": "Denver PTG", "timezone": "America/Denver",
          "start_date": "2018-09-10", "end_date": "2018-09-14", "organisers": ["ttx"]}


@pytest.fixture
def denver(start_service):
    service = start_service(schedule_service)
    ok(service.client.post("/events", json=DENVER, headers=ORGANISER), 201)
    return Live(service)


def test_the_real_denver_grid_imports_and_a_second_import_changes_nothing(denver, probe):
    doc = json.loads(BASE_JSON.read_text())
    client = denver.client
    result = ok(client.post("/events/denver/ptgbot/import", json=doc, headers=ORGANISER))
    assert result["changed"] is True and result["warnings"] == []
    assert result["slots"]["created"] == 20 and result["rooms"]["created"] == 23
    assert result["tracks"]["created"] == 44 and result["sessions"]["created"] == 356
    assert result["links"]["created"] == 3 and result["event_changed"] is True
    counts = {model.__name__: denver.count(model, event_id=denver_id(denver))
              for model in (store.Slot, store.Room, store.Track, store.SessionRow, store.Link)}
    assert counts == {"Slot": 20, "Room": 23, "Track": 44, "SessionRow": 356, "Link": 3}
    outbox = len(denver.outbox())
    version = denver.version("denver")

    again = ok(client.post("/events/denver/ptgbot/import", json=doc, headers=ORGANISER))
    assert again["changed"] is False
    assert {key: again[key] for key in ("slots", "rooms", "tracks", "sessions", "links")} == {
        "slots": {"created": 0, "updated": 0, "unchanged": 20}, "rooms": {"created": 0, "updated": 0, "unchanged": 23},
        "tracks": {"created": 0, "updated": 0, "unchanged": 44},
        "sessions": {"created": 0, "updated": 0, "unchanged": 356}, "links": {"created": 0, "updated": 0, "unchanged": 3}}
    assert len(denver.outbox()) == outbox and denver.version("denver") == version
    assert denver.count(store.SessionRow) == 356

    # what it made: rooms, the grid in Denver time, sessions, ptgbot's voice
    aspen = ok(client.get("/events/denver/rooms/aspen"))
    assert (aspen["name"], aspen["bookable"], aspen["cap_icon"], aspen["description"], aspen["capacity"]) == (
        "Aspen", True, "facetime-video", "Fits a team of 10", 10)
    assert ok(client.get("/events/denver/rooms/ballroom-a"))["video_url"] == "http://meet.jit.si/DEN-ptg-BallroomA"
    assert ok(client.get("/events/denver/rooms/pikes-peak"))["name"] == "Pike's Peak"
    swift = ok(client.get("/events/denver/sessions?room=vail&day=2018-09-11"))["items"]
    assert [(s["track"], s["slots"], s["start"], s["booked"]) for s in swift] == [
        ("neutron", ["TueA1"], "2018-09-11T09:00:00-06:00", False),
        ("neutron", ["TueA2"], "2018-09-11T10:45:00-06:00", False),
        ("swift", ["TueP2"], "2018-09-11T15:15:00-06:00", False)]
    assert ok(client.get("/events/denver"))["open_commands"] is True  # voice 0
    assert len(ok(client.get("/events/denver/free-slots?limit=500"))["items"]) == 90
    probe.wait_for("ptghub.schedule.slot.changed", lambda e: len(e["data"]["slots"]) == 20)
    probe.wait_for("ptghub.schedule.session.scheduled", lambda e: e["data"]["room"] == "vail"
                   and e["data"]["slots"] == ["TueP2"])
    assert len(denver.outbox("session.scheduled")) == 356 and len(denver.outbox("room.created")) == 23
    assert len(denver.outbox("link.changed")) == 1

    # ptgbot's own example on the imported grid, for anyone (voice 0): swift meets in Big Thompson all
    # Friday, and a track is not in two rooms at once unless an organiser allows it; edge is free then
    refused = denver.say("johndoe", "#swift book Aspen-FriP1", event="denver")
    assert refused["applied"] is False and refused["reply"] == (
        "johndoe: Slot 'Aspen-FriP1' is invalid (or booked): track swift already meets in another room then")
    assert denver.say("johndoe", "#edge book Aspen-FriP1", event="denver")["reply"] == \
        "johndoe: Room Aspen is now booked on FriP1 for edge"
    # a session booked since is no reason to re-import anything
    assert ok(client.post("/events/denver/ptgbot/import", json=doc, headers=ORGANISER))["changed"] is False


def denver_id(live: Live) -> str:
    with live.engine.connect() as connection:
        return connection.execute(sa.select(store.Event.id).where(store.Event.slug == "denver")).scalar_one()


def test_an_import_that_moves_a_booking_or_changes_statuses_updates_only_that(denver):
    doc = {"slots": {"Monday": [{"name": "MonA1", "desc": "09:00-10:45"}, {"name": "MonA2", "desc": "10:45-12:30"}]},
           "schedule": {"Aspen": {"MonA1": "nova", "MonA2": ""}}, "tracks": ["nova", "swift"],
           "motd": [{"level": "info", "message": "welcome"}], "voice": 1}
    first = ok(denver.client.post("/events/denver/ptgbot/import", json=doc, headers=ORGANISER))
    assert first["motd_changed"] and first["sessions"]["created"] == 1
    doc["schedule"]["Aspen"]["MonA1"] = "swift"
    doc["now"] = {"swift": "rings"}
    doc["colors"] = {"swift": "red"}
    second = ok(denver.client.post("/events/denver/ptgbot/import", json=doc, headers=ORGANISER))
    assert second["sessions"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert second["tracks"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert second["statuses_changed"] == 1 and not second["motd_changed"] and not second["event_changed"]
    moved = denver.outbox("session.updated")[-1]["data"]
    assert (moved["track"], moved["title"], moved["sequence"]) == ("swift", "swift", 1)
    assert ok(denver.client.get("/events/denver/motd"))["items"][0]["message"] == "welcome"


@pytest.mark.parametrize("doc, status, field", [
    ({"slots": "Monday"}, 400, "slots"),
    ({"schedule": {"Aspen": {"MonA1": 3}}}, 400, "schedule"),
    ({"motd": "hello"}, 400, "motd"),
    ({"tracks": ["nova\x00"]}, 422, "tracks.0"),  # no NUL anywhere: a rule over the document
    ({"slots": {d: [{"name": f"{d[:3]}A1", "desc": "09:00-10:45"}] for d in
                ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")}}, 422, "slots"),
    ({"slots": {"Monday": [{"name": "MonA1", "desc": "soon"}]}}, 422, "slots.Monday.MonA1"),
])
def test_bad_ptgbot_json_is_refused_naming_the_key_and_writes_nothing(denver, doc, status, field):
    response = denver.client.post("/events/denver/ptgbot/import", json=doc, headers=ORGANISER)
    assert response.status_code == status, response.get_data(as_text=True)
    assert any(key.startswith(field) for key in response.get_json()["errors"]), response.get_json()
    assert denver.count(store.Slot) == 0 and len(denver.outbox()) == 1  # event.created only


def test_an_import_in_the_way_of_a_session_writes_nothing(denver):
    doc = json.loads(BASE_JSON.read_text())
    ok(denver.client.post("/events/denver/slots", json={"code": "Early", "day": "2018-09-10", "start": "08:00",
                                                        "end": "09:30"}, headers=ORGANISER), 201)
    ok(denver.client.post("/events/denver/rooms", json={"slug": "aspen", "name": "Aspen"}, headers=ORGANISER), 201)
    ok(denver.client.post("/events/denver/tracks", json={"slug": "edge", "name": "Edge"}, headers=ORGANISER), 201)
    ok(denver.client.post("/events/denver/sessions", json={"track": "edge", "room": "aspen", "slots": ["Early"],
                                                           "title": "Edge breakfast"}, headers=ORGANISER), 201)
    before = (denver.count(store.SessionRow), denver.count(store.Room), len(denver.outbox()), denver.version("denver"))
    response = denver.client.post("/events/denver/ptgbot/import", json=doc, headers=ORGANISER)
    assert response.status_code == 409 and response.get_json()["room_slot"] == "aspen-MonA1"
    assert (denver.count(store.SessionRow), denver.count(store.Room), len(denver.outbox()),
            denver.version("denver")) == before
    assert denver.client.post("/events/denver/ptgbot/import", json=doc, headers=SWIFT_CHAIR).status_code == 403
