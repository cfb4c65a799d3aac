"""The pure renderers of the schedule's exports, on hand-built data (no database, no clock)."""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import jsonschema
import pytest
from lxml import etree

from services.kit.cache import RenderCache
from services.schedule.domain.live import PALETTE
from services.schedule.exports import frab, ical, ids, ptg_json
from services.schedule.exports.data import (EventData, ExportData, LinkData, MotdData, RoomData, SessionData,
                                            SlotData, TrackData)

from ..infra import DENVER_BASE_JSON as BASE_JSON, schedule_schema

ZONE = ZoneInfo("America/Denver")
CREATED = datetime(2018, 8, 1, tzinfo=timezone.utc)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2018, 9, day, hour, minute, tzinfo=ZONE).astimezone(timezone.utc)


def gathering(**event_changes) -> ExportData:
    event = EventData(id="ev-1", slug="denver", name="Denver PTG", timezone="America/Denver",
                        start_date=date(2018, 9, 10), end_date=date(2018, 9, 12), version=7,
                        updated_at=datetime(2018, 9, 1, 12, 0, 30, 123456, tzinfo=timezone.utc),
                        description="The Stein PTG")
    event = replace(event, **event_changes)
    slots = [SlotData("MonA1", local(10, 9), local(10, 10, 45)), SlotData("MonA2", local(10, 10, 45), local(10, 12, 30)),
             SlotData("TueA1", local(11, 9), local(11, 10, 45))]
    rooms = [RoomData("r-aspen", "aspen", "Aspen", 10, "Fits a team of 10", None, "facetime-video",
                        "Videoprojection available", ["MonA1", "MonA2"]),
             RoomData("r-ballroom", "ballroom-a", "Ballroom A", 60, "", "https://meet.jit.si/BallroomA")]
    tracks = [TrackData("t-nova", "nova", "Nova", notes_url="https://etherpad.opendev.org/p/nova", colour="#dc0d0e",
                          now="cells v2", next=["placement", "limits"], location="Ballroom A"),
              TrackData("t-kolla", "kolla", "Kolla", meeting_url="https://meet.jit.si/kolla")]
    sessions = [
        SessionData("s-cells", "t-nova", "r-ballroom", local(10, 9), local(10, 10, 45), "Cells v2",
                      "Where cells stand.\n\nAnd next.", moderators=["mriedem", {"nick": "efried", "name": "Eric Fried",
                                                                                   "email": "efried@example.org"}],
                      video_url="https://meet.jit.si/cells", sequence=2, created_at=CREATED,
                      updated_at=CREATED + timedelta(days=1)),
        SessionData("s-images", "t-kolla", "r-aspen", local(10, 9), local(10, 12, 30), "Python 3 images",
                      slot_codes=["MonA1", "MonA2"], created_at=CREATED, updated_at=CREATED),
        SessionData("s-dropped", "t-kolla", "r-ballroom", local(11, 9), local(11, 10, 45), "Dropped",
                      status="cancelled", sequence=3, created_at=CREATED, updated_at=CREATED),
    ]
    return ExportData(event=event, rooms=rooms, tracks=tracks, sessions=sessions, slots=slots,
                          motd=[MotdData("info", "Welcome"), MotdData("danger", "Fire drill at 11")],
                          links=[LinkData("venue map", "https://example.org/map.pdf")])


@pytest.fixture(scope="module")
def xsd():
    return etree.XMLSchema(etree.parse(str(schedule_schema("schedule.xml.xsd"))))


@pytest.fixture(scope="module")
def json_validator():
    return jsonschema.Draft6Validator(json.loads(schedule_schema("schema.json").read_text()), format_checker=jsonschema.FormatChecker())


def errors(validator, document) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


# -- etag ----------------------------------------------------------------------------------------
def test_the_etag_names_event_version_kind_and_scope():
    assert ids.etag("ev-1", 7, "ics", ("track", "nova")) == f"ev-1-7-ics-track-nova-f{ids.FORMAT_REVISION}"
    assert ids.etag("ev-1", 7, "ptg.json") == f"ev-1-7-ptg.json-f{ids.FORMAT_REVISION}"
    assert ids.etag("ev-1", 8, "ics") != ids.etag("ev-1", 7, "ics")
    assert ids.etag("ev-1", 7, "ics", ("room", "nova")) != ids.etag("ev-1", 7, "ics", ("track", "nova"))


# -- ptg.json --------------------------------------------------------------------------------------
def test_ptg_json_keys_and_shapes_match_ptgbots_base_json():
    doc = ptg_json.ptg_json(gathering())
    base = json.loads(BASE_JSON.read_text())
    assert set(doc) == set(base) | {"timestamp"}
    for key, value in base.items():
        assert type(doc[key]) is type(value), key
    assert list(doc)[:len(base)] == list(base)
    assert doc["slots"] == {
        "Monday": [{"name": "MonA1", "desc": "09:00-10:45", "realtime": "2018-09-10T15:00:00Z"},
                   {"name": "MonA2", "desc": "10:45-12:30", "realtime": "2018-09-10T16:45:00Z"}],
        "Tuesday": [{"name": "TueA1", "desc": "09:00-10:45", "realtime": "2018-09-11T15:00:00Z"}],
    }
    assert doc["schedule"] == {
        "Aspen": {"desc": "Fits a team of 10", "cap_icon": "facetime-video", "cap_desc": "Videoprojection available",
                  "MonA1": "kolla", "MonA2": "kolla"},
        # offered_slots None: the whole grid; the cancelled kolla session leaves TueA1 free
        "Ballroom A": {"url": "https://meet.jit.si/BallroomA", "MonA1": "nova", "MonA2": "", "TueA1": ""},
    }
    assert doc["tracks"] == ["kolla", "nova"]
    assert doc["now"] == {"nova": "cells v2"} and doc["next"] == {"nova": ["placement", "limits"]}
    assert doc["location"] == {"nova": "Ballroom A"}
    assert doc["etherpads"] == {"nova": "https://etherpad.opendev.org/p/nova"}
    assert doc["urls"] == {"kolla": "https://meet.jit.si/kolla"}
    assert doc["motd"] == [{"level": "info", "message": "Welcome"}, {"level": "danger", "message": "Fire drill at 11"}]
    assert doc["links"] == {"venue map": "https://example.org/map.pdf"}
    assert doc["eventid"] == "denver" and doc["last_check_in"] == {} and doc["subscriptions"] == {}
    assert doc["timestamp"] == "2018-09-01 06:00:30"  # event-local, as ptgbot stamps its saves


def test_every_track_gets_a_colour_as_ptgbots_colorize_does():
    colours = ptg_json.ptg_json(gathering())["colors"]
    assert colours["nova"] == "#dc0d0e"
    assert colours["kolla"] in PALETTE
    assert ptg_json.ptg_json(gathering())["colors"] == colours  # deterministic


def test_voice_keeps_ptgbots_meaning():
    assert ptg_json.ptg_json(gathering(open_commands=False))["voice"] == 1  # voice required
    assert ptg_json.ptg_json(gathering(open_commands=True))["voice"] == 0  # everyone may speak


def test_a_session_without_slot_codes_occupies_the_slots_its_times_overlap():
    data = gathering()
    data = ExportData(event=data.event, rooms=data.rooms, tracks=data.tracks, slots=data.slots, sessions=[
        SessionData("s-x", "t-nova", "r-ballroom", local(10, 10), local(10, 11), "Straddles two slots")])
    assert ptg_json.ptg_json(data)["schedule"]["Ballroom A"] == {
        "url": "https://meet.jit.si/BallroomA", "MonA1": "nova", "MonA2": "nova", "TueA1": ""}


def test_rooms_of_one_name_are_told_apart():
    data = gathering()
    twin = RoomData("r-twin", "aspen-2", "Aspen", offered_slots=[])
    data = ExportData(event=data.event, rooms=[*data.rooms, twin], tracks=data.tracks, slots=data.slots)
    assert set(ptg_json.ptg_json(data)["schedule"]) == {"Aspen (aspen)", "Aspen (aspen-2)", "Ballroom A"}


# -- iCalendar -----------------------------------------------------------------------------------
def test_the_calendar_parses_back_with_every_property_a_client_needs():
    body = ical.ical(gathering())
    assert body == ical.ical(gathering())  # the same data renders to the same bytes
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["PRODID"]) == ical.PRODID and str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Denver PTG" and str(calendar["X-WR-TIMEZONE"]) == "America/Denver"
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["America/Denver"]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"s-cells@ptghub", "s-images@ptghub", "s-dropped@ptghub"}

    cells = events["s-cells@ptghub"]
    assert cells["DTSTART"].params["TZID"] == "America/Denver"
    assert cells.decoded("DTSTART") == datetime(2018, 9, 10, 9, tzinfo=ZONE)
    assert cells.decoded("DTEND") == datetime(2018, 9, 10, 10, 45, tzinfo=ZONE)
    assert cells.decoded("DTSTAMP") == CREATED + timedelta(days=1)
    assert cells.decoded("LAST-MODIFIED") == CREATED + timedelta(days=1)
    assert str(cells["SUMMARY"]) == "Nova: Cells v2"
    assert str(cells["LOCATION"]) == "Ballroom A"
    assert int(cells["SEQUENCE"]) == 2 and str(cells["STATUS"]) == "CONFIRMED"
    assert str(cells["URL"]) == "https://meet.jit.si/cells"
    assert str(cells["CONFERENCE"]) == "https://meet.jit.si/cells"
    assert cells["CONFERENCE"].params["FEATURE"] == "VIDEO"
    assert str(cells["ATTACH"]) == "https://etherpad.opendev.org/p/nova"
    description = str(cells["DESCRIPTION"])
    assert description.startswith("Where cells stand.")
    assert "Notes: https://etherpad.opendev.org/p/nova" in description
    assert "Video: https://meet.jit.si/cells" in description
    assert "Moderators: mriedem, Eric Fried" in description
    assert [str(c) for c in cells.categories] == ["work_session"]

    images = events["s-images@ptghub"]
    assert str(images["URL"]) == "https://meet.jit.si/kolla"  # the track's link; then the room's
    dropped = events["s-dropped@ptghub"]
    assert str(dropped["STATUS"]) == "CANCELLED" and int(dropped["SEQUENCE"]) == 3
    assert str(dropped["URL"]) == "https://meet.jit.si/kolla"


def test_a_utc_event_needs_no_vtimezone():
    data = gathering(timezone="UTC")
    calendar = icalendar.Calendar.from_ical(ical.ical(data, calendar_name="Online"))
    assert calendar.walk("VTIMEZONE") == []
    assert str(calendar["X-WR-CALNAME"]) == "Online"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)


def test_an_empty_calendar_is_still_a_calendar():
    data = gathering()
    body = ical.ical(ExportData(event=data.event, rooms=data.rooms, tracks=data.tracks))
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"


# -- frab / C3VOC ----------------------------------------------------------------------------------
def test_the_xml_validates_and_leaves_cancelled_sessions_out(xsd):
    body = frab.frab_xml(gathering())
    document = etree.fromstring(body)
    assert xsd.validate(document), xsd.error_log
    assert body == frab.frab_xml(gathering())
    assert {e.get("guid") for e in document.iter("event")} == {ids.session_guid("s-cells"), ids.session_guid("s-images")}
    assert document.findtext("version") == "7"
    assert [d.get("index") for d in document.findall("day")] == ["1", "2", "3"]
    cells = next(e for e in document.iter("event") if e.get("guid") == ids.session_guid("s-cells"))
    assert cells.findtext("abstract") == "Where cells stand."
    assert cells.findtext("description") == "Where cells stand.\n\nAnd next."
    assert cells.findtext("url") == "https://etherpad.opendev.org/p/nova"
    persons = cells.findall("persons/person")
    assert [p.text for p in persons] == ["mriedem", "Eric Fried"]
    assert persons[1].get("guid") == str(uuid.uuid5(uuid.NAMESPACE_URL, "acct:efried@example.org"))


def test_the_json_validates_and_mirrors_the_pretalx_example(json_validator):
    doc = frab.frab_json(gathering())
    assert not errors(json_validator, doc)
    example = json.loads(schedule_schema("example-pretalx-democon.json").read_text())
    assert not errors(json_validator, example)  # the validator itself is sound
    assert set(doc["schedule"]) == set(example["schedule"]) - {"base_url"}
    conference = doc["schedule"]["conference"]
    assert set(example["schedule"]["conference"]) <= set(conference)
    assert conference["timeslot_duration"] == "00:15"
    events = [e for day in conference["days"] for room in day["rooms"].values() for e in room]
    assert [e["title"] for e in events] == ["Python 3 images", "Cells v2"]  # by room name, cancelled left out
    example_event = example["schedule"]["conference"]["days"][0]["rooms"]["Gray Room"][0]
    assert set(example_event) - {"logo"} <= set(events[0])


def test_guids_are_uuid5_of_the_session_id_in_a_fixed_namespace():
    assert ids.NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "urn:ptghub:schedule:exports")
    assert ids.session_guid("s-cells") == str(uuid.uuid5(ids.NAMESPACE, "session:s-cells"))
    assert ids.session_guid("s-cells") != ids.session_guid("s-images")


def test_frab_ids_are_positive_java_ints_and_stay_with_their_session():
    sessions = gathering().sessions
    numbers = ids.frab_ids(sessions)
    assert all(1 <= n <= 2**31 - 1 for n in numbers.values()) and len(set(numbers.values())) == len(numbers)
    later = SessionData("s-new", "t-nova", "r-aspen", local(12, 9), local(12, 10), "New",
                             created_at=CREATED + timedelta(days=3))
    assert {k: v for k, v in ids.frab_ids([later, *sessions]).items() if k != "s-new"} == numbers


def test_a_frab_id_collision_goes_to_the_later_session(monkeypatch):
    monkeypatch.setattr(ids, "_hashed_id", lambda _session_id: 42)
    first = SessionData("b", "t", "r", local(10, 9), local(10, 10), "first", created_at=CREATED)
    second = SessionData("a", "t", "r", local(10, 9), local(10, 10), "second", created_at=CREATED + timedelta(1))
    assert ids.frab_ids([second, first]) == {"b": 42, "a": 43}


@pytest.mark.parametrize("slug", ["ptg", "den-ptg", "berlin-2024", "a_b", "x-2024-berlin", "openinfra-summit"])
def test_any_event_slug_gives_valid_documents(slug, xsd, json_validator):
    data = gathering(slug=slug)
    assert re.fullmatch(r"[a-z0-9_-]{4,}", frab.acronym(slug))
    assert xsd.validate(etree.fromstring(frab.frab_xml(data))), xsd.error_log
    assert not errors(json_validator, frab.frab_json(data))


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
def test_any_timezone_gives_valid_documents(zone, xsd, json_validator):
    data = gathering(timezone=zone)
    assert xsd.validate(etree.fromstring(frab.frab_xml(data))), xsd.error_log
    assert not errors(json_validator, frab.frab_json(data))


def test_awkward_text_stays_valid(xsd, json_validator):
    data = gathering()
    odd = SessionData("s-odd", "t-nova", "r-aspen", local(12, 9), local(12, 9, 50), "Ünïcode & <tags> \x07bell",
                        "tab\there\x0bvertical", moderators=["", {"name": "Zoë"}], created_at=CREATED)
    track = TrackData("t-odd", "odd_", "Odd track", colour="red", notes_url="not a url")
    data = ExportData(event=data.event, rooms=data.rooms, tracks=[*data.tracks, track],
                          sessions=[*data.sessions, odd, replace(odd, id="s-odd2", track_id="t-odd",
                                                                 start=local(12, 10), end=local(12, 11))])
    document = etree.fromstring(frab.frab_xml(data))
    assert xsd.validate(document), xsd.error_log
    assert not errors(json_validator, frab.frab_json(data))
    titles = [e.findtext("title") for e in document.iter("event")]
    assert "Ünïcode & <tags> bell" in titles
    calendar = icalendar.Calendar.from_ical(ical.ical(data))
    assert len(calendar.walk("VEVENT")) == 5


def test_the_timeslot_is_the_grid_sessions_fall_on():
    def at(start: tuple[int, int], minutes: int) -> SessionData:
        begin = local(10, *start)
        return SessionData("s", "t", "r", begin, begin + timedelta(minutes=minutes), "x")

    assert frab.timeslot_minutes([at((9, 0), 105), at((10, 45), 105)], ZONE) == 15
    assert frab.timeslot_minutes([at((9, 0), 60), at((10, 0), 30)], ZONE) == 30
    assert frab.timeslot_minutes([at((9, 0), 120)], ZONE) == 60
    assert frab.timeslot_minutes([at((9, 1), 60)], ZONE) == 5
    assert frab.timeslot_minutes([], ZONE) == 15


# -- the api's cache of renderings -------------------------------------------------------------
def test_the_render_cache_keeps_the_most_recent_within_its_bounds():
    cache = RenderCache(max_entries=2, max_bytes=100)
    cache.put(("db", "a"), b"x" * 10)
    cache.put(("db", "b"), b"y" * 10)
    assert cache.get(("db", "a")) == b"x" * 10  # now the most recent
    cache.put(("db", "c"), b"z" * 10)
    assert cache.get(("db", "b")) is None and cache.get(("db", "a")) and cache.get(("db", "c"))
    cache.put(("db", "big"), b"!" * 60)  # more than a quarter of the budget: not kept
    assert cache.get(("db", "big")) is None
    cache.put(("db", "d"), b"d" * 25)
    cache.put(("db", "e"), b"e" * 25)
    assert cache.get(("db", "a")) is None and cache.get(("db", "d")) and cache.get(("db", "e"))
