"""The schedule's public exports against real PostgreSQL: ptg.json, iCalendar, frab XML and JSON.

A realistic gathering is built in the service's own database (rooms with video links, tracks with
notes links, a slot grid, sessions with moderators, one of them cancelled), then every export is
fetched through the service's HTTP API and checked against what its consumers need: ptgbot's page
(the keys and shapes of the real Denver ``base.json``), calendar clients (parsed back with
``icalendar``) and conference apps (validated with lxml against the C3VOC XSD and with jsonschema
against the C3VOC JSON schema).
"""
from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import jsonschema
import pytest
import sqlalchemy as sa
from lxml import etree

from services.schedule import store
from services.schedule.exports import ids as export_ids
from services.schedule.descriptor import DESCRIPTOR as schedule_service

from ..conftest import ORGANISER

pytestmark = pytest.mark.integration

from ..infra import DENVER_BASE_JSON as BASE_JSON, schedule_schema  # noqa: E402

ZONE = ZoneInfo("America/Denver")
# The Stein PTG in Denver ran Monday 10 to Friday 14 September 2018: base.json's grid is Monday-Friday.
EVENT = {"slug": "denver", "name": "Denver PTG", "timezone": "America/Denver",
         "start_date": "2018-09-10", "end_date": "2018-09-14"}
GRID = [("MonA1", 10, "09:00", "10:45"), ("MonA2", 10, "10:45", "12:30"), ("MonP1", 10, "13:30", "15:15"),
        ("TueA1", 11, "09:00", "10:45"), ("TueA2", 11, "10:45", "12:30")]
NOVA_NOTES = "https://etherpad.opendev.org/p/DEN-ptg-nova"
BALLROOM_VIDEO = "https://meet.jit.si/DEN-ptg-BallroomA"
KOLLA_MEETING = "https://meet.jit.si/DEN-ptg-kolla"
SESSION_VIDEO = "https://meet.jit.si/DEN-ptg-cells"


def local(day: int, clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return datetime(2018, 9, day, hours, minutes, tzinfo=ZONE).astimezone(timezone.utc)


class Gathering:
    """The running schedule service and the ids of what was built in it."""

    def __init__(self, service):
        self.service = service
        self.client = service.client
        self.engine = service.app.extensions["database"].engine
        self.ids: dict[str, str] = {}

    @contextmanager
    def orm(self):
        with self.service.database.sessions() as session:
            yield session
            session.commit()

    def event_row(self) -> dict:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(store.Event.id, store.Event.version, store.Event.updated_at)
                                      .where(store.Event.slug == "denver")).one()._asdict()

    def bump(self, **session_changes) -> None:
        """A change as the CRUD api makes it: the session's fields (and its SEQUENCE), then the event's version."""
        with self.engine.begin() as connection:
            if session_changes:
                session_id = session_changes.pop("session_id")
                connection.execute(sa.update(store.SessionRow).where(store.SessionRow.id == session_id).values(
                    sequence=store.SessionRow.sequence + 1, updated_at=datetime.now(timezone.utc), **session_changes))
            connection.execute(sa.update(store.Event).where(store.Event.slug == "denver").values(
                version=store.Event.version + 1, updated_at=datetime.now(timezone.utc)))

    def etag(self, kind: str, scope: tuple[str, str] | None = None) -> str:
        row = self.event_row()
        return f'W/"{export_ids.etag(row["id"], row["version"], kind, scope)}"'


def build(gathering: Gathering) -> None:
    created = gathering.client.post("/events", json=EVENT, headers=ORGANISER)
    assert created.status_code == 201, created.get_json()
    with gathering.orm() as session:
        event = session.scalar(sa.select(store.Event).where(store.Event.slug == "denver"))
        event.description = "The Stein Project Teams Gathering"
        event.location = "Renaissance Stapleton, Denver"
        for code, day, start, end in GRID:
            session.add(store.Slot(event_id=event.id, code=code, start=local(day, start), end=local(day, end)))
        rooms = {
            "aspen": store.Room(event_id=event.id, slug="aspen", name="Aspen", capacity=10,
                                description="Fits a team of 10", cap_icon="facetime-video",
                                cap_desc="Videoprojection available", bookable=True,
                                offered_slots=["MonA1", "MonA2", "MonP1"]),
            "ballroom-a": store.Room(event_id=event.id, slug="ballroom-a", name="Ballroom A", capacity=60,
                                     description="10 person table", video_url=BALLROOM_VIDEO),
            "vail": store.Room(event_id=event.id, slug="vail", name="Vail", capacity=30),
        }
        tracks = {
            "nova": store.Track(event_id=event.id, slug="nova", name="Nova", notes_url=NOVA_NOTES, colour="#dc0d0e",
                                chairs=[{"nick": "mriedem", "name": "Matt Riedemann", "email": "mriedem@example.org"}],
                                now="cells v2 and placement", next=["cross-cell resize", "unified limits"],
                                location="Ballroom A"),
            "kolla": store.Track(event_id=event.id, slug="kolla", name="Kolla", meeting_url=KOLLA_MEETING),
            "swift": store.Track(event_id=event.id, slug="swift", name="Swift"),
        }
        session.add_all([*rooms.values(), *tracks.values()])
        session.flush()
        sessions = {
            "cells": store.SessionRow(event_id=event.id, track_id=tracks["nova"].id, room_id=rooms["ballroom-a"].id,
                                      start=local(10, "09:00"), end=local(10, "12:30"), title="Cells v2",
                                      description="Where cells v2 stands.\n\nAnd what Stein brings.",
                                      kind="work_session", moderators=["mriedem", "melwitt"],
                                      video_url=SESSION_VIDEO, slot_codes=["MonA1", "MonA2"]),
            "images": store.SessionRow(event_id=event.id, track_id=tracks["kolla"].id, room_id=rooms["aspen"].id,
                                       start=local(10, "09:00"), end=local(10, "10:45"), title="Python 3 images",
                                       kind="work_session", moderators=["mgoddard"], slot_codes=["MonA1"],
                                       booked=True),
            "keynote": store.SessionRow(event_id=event.id, track_id=tracks["nova"].id, room_id=rooms["vail"].id,
                                        start=local(11, "09:00"), end=local(11, "10:00"), title="Stein goals",
                                        kind="cross_project", moderators=[]),
            "dropped": store.SessionRow(event_id=event.id, track_id=tracks["swift"].id, room_id=rooms["vail"].id,
                                        start=local(10, "13:30"), end=local(10, "15:15"), title="Erasure codes",
                                        kind="work_session", status="cancelled", sequence=1),
        }
        session.add_all(sessions.values())
        session.add_all([store.Motd(event_id=event.id, position=0, level="warning", message="Lunch moved to 12:45"),
                         store.Motd(event_id=event.id, position=1, level="info", message="Welcome to Denver")])
        session.add_all([store.Link(event_id=event.id, position=0, label="venue map",
                                    url="https://www.openstack.org/assets/ptg/Denver-map.pdf"),
                         store.Link(event_id=event.id, position=1, label="etherpads",
                                    url="https://wiki.openstack.org/wiki/PTG/Stein/Etherpads")])
        session.flush()
        gathering.ids = {**{k: v.id for k, v in sessions.items()}, "event": event.id,
                         **{f"room:{k}": v.id for k, v in rooms.items()}, **{f"track:{k}": v.id for k, v in tracks.items()}}
    gathering.bump()


@pytest.fixture
def gathering(start_service):
    service = start_service(schedule_service)
    built = Gathering(service)
    build(built)
    return built


@contextmanager
def counting_queries(engine):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


# -- ptg.json ----------------------------------------------------------------------------------
def test_ptg_json_has_the_keys_and_shapes_ptgbot_writes(gathering):
    response = gathering.client.get("/events/denver/ptg.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    doc = response.get_json()
    base = json.loads(BASE_JSON.read_text())
    # ptgbot's save() also stamps "timestamp", which its page shows as "last refreshed on"
    assert set(doc) == set(base) | {"timestamp"}
    for key, value in base.items():
        assert type(doc[key]) is type(value), key
    assert doc["eventid"] == "denver"
    assert doc["voice"] == 1  # open_commands is off: ptgbot's "voice required"
    assert doc["tracks"] == ["kolla", "nova", "swift"]

    assert list(doc["slots"]) == ["Monday", "Tuesday"]
    base_slot_keys = {key for day in base["slots"].values() for slot in day for key in slot}
    for day in doc["slots"].values():
        for slot in day:
            assert set(slot) <= base_slot_keys and {"name", "desc"} <= set(slot)
    assert doc["slots"]["Monday"][0] == {"name": "MonA1", "desc": "09:00-10:45", "realtime": "2018-09-10T15:00:00Z"}
    assert [s["name"] for s in doc["slots"]["Tuesday"]] == ["TueA1", "TueA2"]

    codes = [slot["name"] for day in doc["slots"].values() for slot in day]
    room_keys = {"desc", "url", "cap_icon", "cap_desc"}
    for name, entry in doc["schedule"].items():
        assert set(entry) - room_keys <= set(codes), name
        assert all(isinstance(v, str) for v in entry.values())
    assert doc["schedule"]["Aspen"] == {"desc": "Fits a team of 10", "cap_icon": "facetime-video",
                                        "cap_desc": "Videoprojection available",
                                        "MonA1": "kolla", "MonA2": "", "MonP1": ""}
    ballroom = doc["schedule"]["Ballroom A"]
    assert ballroom["url"] == BALLROOM_VIDEO and ballroom["desc"] == "10 person table"
    assert [ballroom[c] for c in codes] == ["nova", "nova", "", "", ""]
    # a room without slot codes of its own offers the whole grid; the cancelled swift session frees MonP1
    assert doc["schedule"]["Vail"] == {"MonA1": "", "MonA2": "", "MonP1": "", "TueA1": "nova", "TueA2": ""}

    assert doc["now"] == {"nova": "cells v2 and placement"}
    assert doc["next"] == {"nova": ["cross-cell resize", "unified limits"]}
    assert doc["location"] == {"nova": "Ballroom A"}
    assert doc["etherpads"] == {"nova": NOVA_NOTES}
    assert doc["urls"] == {"kolla": KOLLA_MEETING}
    assert doc["colors"]["nova"] == "#dc0d0e" and set(doc["colors"]) == set(doc["tracks"])
    assert doc["motd"] == [{"level": "warning", "message": "Lunch moved to 12:45"},
                           {"level": "info", "message": "Welcome to Denver"}]
    assert doc["links"] == {"venue map": "https://www.openstack.org/assets/ptg/Denver-map.pdf",
                            "etherpads": "https://wiki.openstack.org/wiki/PTG/Stein/Etherpads"}
    assert doc["last_check_in"] == {} and doc["subscriptions"] == {}


def test_ptg_json_voice_follows_open_commands(gathering):
    with gathering.engine.begin() as connection:
        connection.execute(sa.update(store.Event).values(open_commands=True, version=store.Event.version + 1))
    assert gathering.client.get("/events/denver/ptg.json").get_json()["voice"] == 0


# -- iCalendar -----------------------------------------------------------------------------------
def test_the_event_calendar_has_every_session_with_room_links_and_status(gathering):
    response = gathering.client.get("/events/denver/schedule.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0" and "ptghub" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Denver PTG"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Denver"]
    events = vevents(response.data)
    ids = gathering.ids
    assert set(events) == {f"{ids[k]}@ptghub" for k in ("cells", "images", "keynote", "dropped")}

    cells = events[f"{ids['cells']}@ptghub"]
    assert str(cells["SUMMARY"]) == "Nova: Cells v2"
    assert str(cells["LOCATION"]) == "Ballroom A"
    assert cells["DTSTART"].params["TZID"] == "America/Denver"
    assert cells.decoded("DTSTART") == datetime(2018, 9, 10, 9, 0, tzinfo=ZONE)
    assert cells.decoded("DTEND") == datetime(2018, 9, 10, 12, 30, tzinfo=ZONE)
    assert str(cells["STATUS"]) == "CONFIRMED" and int(cells["SEQUENCE"]) == 0
    assert str(cells["URL"]) == SESSION_VIDEO  # the session's own link before the room's
    assert str(cells["CONFERENCE"]) == SESSION_VIDEO
    assert str(cells["ATTACH"]) == NOVA_NOTES
    description = str(cells["DESCRIPTION"])
    assert NOVA_NOTES in description and SESSION_VIDEO in description and "mriedem, melwitt" in description
    assert cells.categories == ["work_session"]
    for name in ("DTSTAMP", "LAST-MODIFIED", "CREATED"):
        assert name in cells

    images = events[f"{ids['images']}@ptghub"]
    assert str(images["URL"]) == KOLLA_MEETING  # the track's meeting link when the session has none
    assert "ATTACH" not in images
    dropped = events[f"{ids['dropped']}@ptghub"]
    assert str(dropped["STATUS"]) == "CANCELLED" and int(dropped["SEQUENCE"]) == 1
    assert str(dropped["LOCATION"]) == "Vail"
    assert events[f"{ids['keynote']}@ptghub"].categories == ["cross_project"]


def test_track_and_room_calendars_hold_only_their_sessions(gathering):
    ids = gathering.ids
    nova = gathering.client.get("/events/denver/tracks/nova/schedule.ics")
    assert nova.status_code == 200 and nova.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert set(vevents(nova.data)) == {f"{ids['cells']}@ptghub", f"{ids['keynote']}@ptghub"}
    assert str(icalendar.Calendar.from_ical(nova.data)["X-WR-CALNAME"]) == "Denver PTG: Nova"
    vail = gathering.client.get("/events/denver/rooms/vail/schedule.ics")
    assert vail.status_code == 200
    assert set(vevents(vail.data)) == {f"{ids['keynote']}@ptghub", f"{ids['dropped']}@ptghub"}
    assert str(icalendar.Calendar.from_ical(vail.data)["X-WR-CALNAME"]) == "Denver PTG: Vail"


def test_uids_stay_and_sequence_grows_when_a_session_changes(gathering):
    uid = f"{gathering.ids['cells']}@ptghub"
    before = vevents(gathering.client.get("/events/denver/schedule.ics").data)[uid]
    gathering.bump(session_id=gathering.ids["cells"], title="Cells v2: the sequel", start=local(10, "10:45"))
    after = vevents(gathering.client.get("/events/denver/schedule.ics").data)[uid]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["SUMMARY"]) == "Nova: Cells v2: the sequel"
    assert after.decoded("DTSTART") == datetime(2018, 9, 10, 10, 45, tzinfo=ZONE)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    # cancelling keeps the session in the feed, as STATUS:CANCELLED with a higher SEQUENCE
    gathering.bump(session_id=gathering.ids["cells"], status="cancelled")
    cancelled = vevents(gathering.client.get("/events/denver/tracks/nova/schedule.ics").data)[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) > int(after["SEQUENCE"])


# -- frab / C3VOC ----------------------------------------------------------------------------------
def test_the_frab_xml_validates_against_the_c3voc_xsd(gathering):
    response = gathering.client.get("/events/denver/schedule.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    schema = etree.XMLSchema(etree.parse(str(schedule_schema("schedule.xml.xsd"))))
    document = etree.fromstring(response.data)
    assert schema.validate(document), schema.error_log
    assert document.findtext("conference/acronym") == "denver"
    assert document.findtext("conference/time_zone_name") == "America/Denver"
    assert [day.get("date") for day in document.findall("day")] == [
        "2018-09-10", "2018-09-11", "2018-09-12", "2018-09-13", "2018-09-14"]
    events = {e.get("guid"): e for e in document.iter("event")}
    ids = gathering.ids
    # the cancelled session is left out; every other one has the guid derived from its id
    assert set(events) == {export_ids.session_guid(ids[k]) for k in ("cells", "images", "keynote")}
    cells = events[str(uuid.uuid5(export_ids.NAMESPACE, f"session:{ids['cells']}"))]
    assert cells.findtext("room") == "Ballroom A" and cells.findtext("track") == "Nova"
    assert cells.findtext("start") == "09:00" and cells.findtext("duration") == "03:30"
    assert cells.findtext("date") == "2018-09-10T09:00:00-06:00"
    assert [p.text for p in cells.findall("persons/person")] == ["mriedem", "melwitt"]
    assert {link.get("href") for link in cells.findall("links/link")} == {NOVA_NOTES, SESSION_VIDEO}
    assert cells.findtext("type") == "work_session" and cells.findtext("language") == "en"


def test_the_frab_json_validates_against_the_c3voc_schema_and_mirrors_pretalx(gathering):
    response = gathering.client.get("/events/denver/schedule.json")
    assert response.status_code == 200 and response.content_type == "application/json"
    doc = response.get_json()
    schema = json.loads(schedule_schema("schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors
    example = json.loads(schedule_schema("example-pretalx-democon.json").read_text())
    conference, like = doc["schedule"]["conference"], example["schedule"]["conference"]
    assert set(like) <= set(conference)
    assert conference["acronym"] == "denver" and conference["daysCount"] == 5
    assert conference["time_zone_name"] == "America/Denver"
    assert [room["name"] for room in conference["rooms"]] == ["Aspen", "Ballroom A", "Vail"]
    first_day = conference["days"][0]
    assert set(first_day) == set(like["days"][0])
    cells = first_day["rooms"]["Ballroom A"][0]
    pretalx_event = next(e for events in like["days"][0]["rooms"].values() for e in events)
    assert set(pretalx_event) - {"logo"} <= set(cells)
    assert cells["guid"] == export_ids.session_guid(gathering.ids["cells"])
    assert cells["duration"] == "03:30" and cells["start"] == "09:00" and cells["type"] == "work_session"
    assert [p["name"] for p in cells["persons"]] == ["mriedem", "melwitt"]
    assert {link["url"] for link in cells["links"]} == {NOVA_NOTES, SESSION_VIDEO}
    every_id = [e["id"] for day in conference["days"] for events in day["rooms"].values() for e in events]
    assert len(every_id) == 3 and len(set(every_id)) == 3


def test_guids_and_ids_are_stable_across_changes(gathering):
    def identities():
        doc = gathering.client.get("/events/denver/schedule.json").get_json()
        return {e["guid"]: (e["id"], e["slug"].split("-")[1])
                for day in doc["schedule"]["conference"]["days"] for events in day["rooms"].values() for e in events}

    before = identities()
    gathering.bump(session_id=gathering.ids["images"], title="Python 3 images, again", room_id=gathering.ids["room:vail"])
    after = identities()
    assert after == before


# -- conditional GET ---------------------------------------------------------------------------
EXPORTS = [
    ("/events/denver/ptg.json", "ptg.json", None),
    ("/events/denver/schedule.ics", "ics", None),
    ("/events/denver/tracks/nova/schedule.ics", "ics", ("track", "nova")),
    ("/events/denver/rooms/vail/schedule.ics", "ics", ("room", "vail")),
    ("/events/denver/schedule.xml", "xml", None),
    ("/events/denver/schedule.json", "json", None),
]


@pytest.mark.parametrize("path, kind, scope", EXPORTS)
def test_conditional_get_answers_304_until_the_event_changes(gathering, path, kind, scope):
    first = gathering.client.get(path)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag == gathering.etag(kind, scope)
    row = gathering.event_row()
    assert tag.startswith(f'W/"{row["id"]}-{row["version"]}-{kind}')
    assert first.headers["Cache-Control"] == "public, max-age=30"
    assert first.headers["Last-Modified"]

    with counting_queries(gathering.engine) as statements:
        again = gathering.client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == tag and again.headers["Cache-Control"] == "public, max-age=30"
    # the event (and the track or room) only: nothing is rendered for a 304
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == (2 if scope else 1)
    assert gathering.client.get(path, headers={"If-None-Match": f'"other", {tag}'}).status_code == 304
    assert gathering.client.get(path, headers={"If-None-Match": "*"}).status_code == 304
    assert gathering.client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304

    gathering.bump()
    changed = gathering.client.get(path, headers={"If-None-Match": tag,
                                                  "If-Modified-Since": first.headers["Last-Modified"]})
    assert changed.status_code == 200 and changed.data
    assert changed.headers["ETag"] != tag
    assert changed.headers["ETag"] == gathering.etag(kind, scope)


def test_every_export_has_its_own_etag(gathering):
    tags = [gathering.client.get(path).headers["ETag"] for path, _kind, _scope in EXPORTS]
    assert len(set(tags)) == len(tags)


def test_a_full_render_reads_the_event_in_a_fixed_number_of_queries(gathering):
    with gathering.orm() as session:
        event_id = gathering.ids["event"]
        nova, room = gathering.ids["track:nova"], gathering.ids["room:vail"]
        for i in range(40):
            start = local(12 + i // 20, "09:00") + timedelta(minutes=15 * (i % 20))
            session.add(store.SessionRow(event_id=event_id, track_id=nova, room_id=room, start=start,
                                         end=start + timedelta(minutes=15), title=f"extra {i}",
                                         moderators=[f"mod{i}"]))
    gathering.bump()
    for path, _kind, scope in EXPORTS:
        with counting_queries(gathering.engine) as statements:
            assert gathering.client.get(path).status_code == 200
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) <= 8, (path, len(selects))  # ptg.json: 7 and its sessions' fingerprint
        # the same version again, for a client without a copy: served from this process's renderings
        with counting_queries(gathering.engine) as statements:
            again = gathering.client.get(path)
        assert again.status_code == 200 and again.data
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == (2 if scope else 1)


def test_an_api_change_changes_the_etag(gathering):
    tag = gathering.client.get("/events/denver/schedule.ics").headers["ETag"]
    created = gathering.client.post("/events/denver/sessions", headers=ORGANISER, json={
        "track": "kolla", "room": "aspen", "title": "Kolla-ansible upgrades",
        "start": "2018-09-12T09:00:00-06:00", "end": "2018-09-12T10:45:00-06:00"})
    assert created.status_code == 201, created.get_json()
    response = gathering.client.get("/events/denver/schedule.ics", headers={"If-None-Match": tag})
    assert response.status_code == 200
    assert f"{created.get_json()['id']}@ptghub" in vevents(response.data)


@pytest.mark.parametrize("path, field", [
    ("/events/nowhere/ptg.json", "event"),
    ("/events/nowhere/schedule.ics", "event"),
    ("/events/nowhere/schedule.xml", "event"),
    ("/events/nowhere/schedule.json", "event"),
    ("/events/denver/tracks/nowhere/schedule.ics", "track"),
    ("/events/denver/rooms/nowhere/schedule.ics", "room"),
    ("/events/nowhere/rooms/vail/schedule.ics", "event"),
])
def test_unknown_event_track_or_room_is_a_404_problem_naming_it(gathering, path, field):
    response = gathering.client.get(path)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


# -- the real Denver grid, imported and exported -------------------------------------------------
def _has_route(app, rule: str, method: str) -> bool:
    return any(r.rule == rule and method in r.methods for r in app.url_map.iter_rules())


def test_the_imported_denver_grid_round_trips_through_ptg_json(start_service):
    service = start_service(schedule_service)
    if not _has_route(service.app, "/events/<event>/ptgbot/import", "POST"):
        pytest.skip("POST /events/<event>/ptgbot/import (the live engineer's import) does not exist yet")
    client = service.client
    assert client.post("/events", json={**EVENT, "slug": "den-ptg"}, headers=ORGANISER).status_code == 201
    base = json.loads(BASE_JSON.read_text())
    imported = client.post("/events/den-ptg/ptgbot/import", json=base, headers=ORGANISER)
    assert imported.status_code in (200, 201), imported.get_json()
    # it committed an event per room, track and slot: more than a header names (HTTP clients take 8 KB)
    assert "Ptghub-Committed-Events" not in imported.headers

    doc = client.get("/events/den-ptg/ptg.json").get_json()
    assert doc["schedule"] == base["schedule"]
    assert doc["tracks"] == sorted(base["tracks"])
    assert list(doc["slots"]) == list(base["slots"])
    for day, slots in base["slots"].items():
        assert [(s["name"], s["desc"]) for s in doc["slots"][day]] == [(s["name"], s["desc"]) for s in slots]
    assert doc["links"] == base["links"] and doc["motd"] == base["motd"]
    assert doc["voice"] == base["voice"]
    # Monday 09:00 in Denver (MDT, UTC-6) is 15:00 UTC
    assert doc["slots"]["Monday"][0]["realtime"] == "2018-09-10T15:00:00Z"

    # and the same grid in every other format
    xml = client.get("/events/den-ptg/schedule.xml")
    schema = etree.XMLSchema(etree.parse(str(schedule_schema("schedule.xml.xsd"))))
    assert schema.validate(etree.fromstring(xml.data)), schema.error_log
    frab = client.get("/events/den-ptg/schedule.json").get_json()
    validator = jsonschema.Draft6Validator(json.loads(schedule_schema("schema.json").read_text()), format_checker=jsonschema.FormatChecker())
    assert not [e.message for e in validator.iter_errors(frab)]
    booked = sum(1 for room in base["schedule"].values() for key, track in room.items()
                 if track and key not in ("desc", "url", "cap_icon", "cap_desc"))
    calendar = client.get("/events/den-ptg/schedule.ics")
    assert calendar.status_code == 200 and 0 < len(vevents(calendar.data)) <= booked
    nova = vevents(client.get("/events/den-ptg/tracks/nova/schedule.ics").data)
    assert nova and {str(e["LOCATION"]) for e in nova.values()} <= set(base["schedule"])

    # importing twice changes nothing
    again = client.post("/events/den-ptg/ptgbot/import", json=base, headers=ORGANISER)
    assert again.status_code in (200, 201)
    assert client.get("/events/den-ptg/ptg.json").get_json()["schedule"] == base["schedule"]


def test_ptg_json_keeps_its_grid_until_a_session_moves(gathering):
    """The grid's occupancy is kept across changes that leave the sessions alone (a track's now), and
    worked out again when one changes, is cancelled or goes."""
    def grid():
        return gathering.client.get("/events/denver/ptg.json").get_json()["schedule"]

    before = grid()
    assert gathering.client.post("/events/denver/tracks/nova/status/now", headers=ORGANISER,
                                 json={"text": "cells v2"}).status_code == 200
    assert grid() == before
    created = gathering.client.post("/events/denver/sessions", headers=ORGANISER, json={
        "track": "kolla", "room": "vail", "title": "Kolla-ansible upgrades",
        "start": "2018-09-11T10:45:00-06:00", "end": "2018-09-11T12:30:00-06:00"})
    assert created.status_code == 201, created.get_json()
    booked = grid()
    assert booked["Vail"]["TueA2"] == "kolla" and before["Vail"]["TueA2"] == ""
    assert gathering.client.post(f"/sessions/{created.get_json()['id']}/cancel", headers=ORGANISER).status_code == 200
    assert grid() == before
