"""ptgbot as ptghub speaks it: the command language and its replies, who may speak by nick, how a
chat user names room-slots and messages, and the import plan of ptgbot's JSON (all pure)."""
import json
from datetime import date, datetime, time, timezone
from types import SimpleNamespace

import pytest

from services.kit.problems import Invalid
from services.schedule.ptgbot import commands, import_plan, nicks, replies
from services.schedule.ptgbot.format import ROOM_META_KEYS

from ..infra import DENVER_BASE_JSON as BASE_JSON

UTC = timezone.utc


# -- reading a chat line ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("#swift now discussing ring placement", commands.Now("swift", "discussing ring placement")),
    ("#Swift NOW   two   spaces", commands.Now("swift", "two spaces")),
    ("#nova next at 2pm we discuss #glance support", commands.Next("nova", "at 2pm we discuss #glance support")),
    ("#ironic clean", commands.Clean("ironic")),
    ("#oslo location Level B, Ballroom A", commands.Location("oslo", "Level B, Ballroom A")),
    ("#oslo location", commands.Location("oslo", None)),
    ("#keystone url https://meet.jit.si/awesome-keystone", commands.Url("keystone", "https://meet.jit.si/awesome-keystone")),
    ("#keystone url none", commands.Url("keystone", None)),
    ("#infra color red", commands.Colour("infra", "red")),
    ("#oslo color #42f4c5", commands.Colour("oslo", "#42f4c5")),
    ("#keystone etherpad https://etherpad.opendev.org/p/k", commands.Etherpad("keystone", "https://etherpad.opendev.org/p/k")),
    ("#keystone etherpad auto", commands.Etherpad("keystone", None)),
    ("#swift book Aspen-FriP1", commands.Book("swift", "Aspen", "FriP1", "Aspen-FriP1")),
    ("#swift unbook Vail-TueP2", commands.Unbook("swift", "Vail", "TueP2", "Vail-TueP2")),
    ("#swift book pikes-peak-MonA1", commands.Book("swift", "pikes-peak", "MonA1", "pikes-peak-MonA1")),
    ("~motd add info foo bar", commands.MotdAdd("info", "foo bar")),
    ("~motd del 2", commands.MotdDel("2")),
    ("~motd reorder 2 1", commands.MotdReorder(("2", "1"))),
    ("~motd clean", commands.MotdClean()),
    ("~motd clear", commands.MotdClean()),
    ("~newday", commands.NewDay()),
    ("~add cyborg Watcher", commands.AddTracks(("cyborg", "watcher"))),
    ("~del cyborg", commands.DelTracks(("cyborg",))),
    ("~clean nova swift", commands.CleanTracks(("nova", "swift"))),
    ("~clear nova", commands.CleanTracks(("nova",))),
    ("~list", commands.ListTracks()),
    ("~requirevoice", commands.Voice(True)),
    ("~alloweveryone", commands.Voice(False)),
    ("#help", commands.Help()),
    ("~help", commands.Help()),
])
def test_commands_parse_into_typed_commands(text, expected):
    assert commands.parse(text) == expected


@pytest.mark.parametrize("text", ["hello everyone", "", "   ", "swift now x", "nova: #swift now x"])
def test_lines_that_are_no_command_are_ignored(text):
    assert commands.read_line(text) is None
    assert commands.parse(text) is None


@pytest.mark.parametrize("text, reply", [
    # ptgbot's own words (trackcommands.py, admincommands.py)
    ("#swift", "Missing track command (#TRACK [now|next|clean...] ...)"),
    ("#swift now", "Missing sentence (#TRACK now ...)"),
    ("#swift next", "Missing sentence (#TRACK next ...)"),
    ("#swift clean up", "'#TRACK clean' does not take any parameter"),
    ("#swift etherpad a b", "'#TRACK etherpad' takes a single URL parameter"),
    ("#swift url", "'#TRACK url' takes a single URL parameter"),
    ("#swift color dark red", "'#TRACK color' takes a single colorcode parameter"),
    ("#swift book Ballroom A-FriP1", "'#TRACK book' takes a single slotname parameter"),
    ("#swift unbook", "'#TRACK unbook' takes a single slotname parameter"),
    ("#swift discuss python", "Unknown command 'discuss'. Did you mean: swift now discuss... ?"),
    ("~m", "Unknown command 'm'"),
    ("~motd", "Missing subcommand (~motd add|del|clean|reorder ...)"),
    ("~motd foo", "Unknown motd subcommand foo"),
    ("~motd add info", "Missing parameters (~motd add LEVEL MSG)"),
    ("~motd add foo bar", "Incorrect message level 'foo' (should be info, success, warning or danger)"),
    ("~motd del", "Missing message number (~motd del NUM)"),
    ("~motd clean 2", "'~motd clean' does not take parameters"),
    ("~motd reorder", "Missing params (~motd reorder X Y...)"),
    ("~add", "This command takes one or more arguments"),
    ("~del", "This command takes one or more arguments"),
])
def test_malformed_commands_get_ptgbots_reply(text, reply):
    with pytest.raises(commands.CommandError) as refused:
        commands.parse(text)
    assert refused.value.reply == reply


@pytest.mark.parametrize("text, fragment", [
    ("#swift url ftp://example.org/x", "is not an http(s) URL"),
    ("#swift etherpad javascript:alert(1)", "is not an http(s) URL"),
    ("#swift color red;background:url(x)", "is not a CSS colour"),
    ("~add Not/A/Track", "is not a valid track name"),
    ("~fetchdb http://paste.openstack.org/raw/1", "is not supported by ptghub"),
    ("~emptydb", "is not supported by ptghub"),
    ("+in the pub", "'in' is not a valid command here"),
    ("#seen dahu", "'seen' is not a valid command here"),
    ("#", "'#' is not a valid command"),
    ("~", "'~' is not a valid command"),
    ("#swift now " + "x" * 1001, "Message too long"),
])
def test_ptghub_refusals_say_what_is_wrong(text, fragment):
    with pytest.raises(commands.CommandError) as refused:
        commands.parse(text)
    assert fragment in refused.value.reply


def test_replies_are_ptgbots_prefixed_with_the_nick():
    assert replies.with_nick("johndoe", replies.booked_reply("Aspen", "FriP1", "swift")) == \
        "johndoe: Room Aspen is now booked on FriP1 for swift"
    assert replies.with_nick("johndoe", replies.unbooked_reply("Vail", "TueP2", "swift")) == \
        "johndoe: Room Vail (previously booked for swift) is now free on TueP2"
    assert replies.book_refused_reply("Beach-TueP2") == "Slot 'Beach-TueP2' is invalid (or booked)"
    assert replies.unbook_refused_reply("Aspen-FriP1", "swift") == "Slot 'Aspen-FriP1' is invalid (or not booked for swift)"
    assert replies.with_nick("johndoe", replies.unknown_track_reply("svift")) == "johndoe: unknown track 'svift'"
    assert replies.not_scheduled_today_reply("swift") == ("Message added, but please note that track 'swift' does not "
                                                       "appear to have a room scheduled today.")
    assert replies.track_list_reply(["nova", "kolla"]) == "Available tracks: kolla nova"
    assert replies.help_reply().startswith("See PTGbot documentation at: https://")
    assert replies.with_nick("x", None) is None
    assert "Need voice" in replies.not_allowed_track_reply("nova") and "not allowed" in replies.not_allowed_track_reply("nova")
    assert "Need op for admin commands" in replies.not_allowed_admin_reply()


# -- who may do what ---------------------------------------------------------------------------------

def test_nicks_decide_who_may_do_what():
    organisers = ["ttx", "diablo_rojo"]
    chairs = [{"nick": "mgoddard", "name": "Mark", "email": None}]
    assert nicks.may_command_track("mgoddard", organisers, chairs, False)
    assert nicks.may_command_track("MGoddard", organisers, chairs, False)
    assert nicks.may_command_track("TTX", organisers, chairs, False)
    assert not nicks.may_command_track("johndoe", organisers, chairs, False)
    assert nicks.may_command_track("johndoe", organisers, chairs, True)  # the event lets everyone speak
    assert nicks.may_command_admin("Diablo_Rojo", organisers)
    assert not nicks.may_command_admin("mgoddard", organisers)
    assert not nicks.may_command_admin("johndoe", [])
    assert nicks.same_nick("foo[m]", "FOO{M}")
    assert nicks.is_organiser_nick("ttx", [{"nick": "ttx"}])


def test_only_relays_and_organisers_may_forward_commands():
    assert nicks.may_relay({"role": "integration", "relay": True}, "denver")
    assert nicks.may_relay({"role": "organiser", "tracks": []}, "denver")
    assert not nicks.may_relay({"role": "integration", "relay": False}, "denver")
    assert not nicks.may_relay({"role": "chair", "tracks": ["nova"]}, "denver")
    assert not nicks.may_relay({"role": "public"}, "denver")
    assert nicks.may_relay({"role": "organiser", "events": ["denver"]}, "denver")
    assert not nicks.may_relay({"role": "organiser", "events": ["berlin"]}, "denver")


# -- message numbers ---------------------------------------------------------------------------------

def test_motd_reorder_is_ptgbots():
    items = ["foo bar", "open bar", "cocktails"]
    assert commands.motd_reorder(items, ["2", "1"]) == ["open bar", "foo bar"]  # unlisted ones are dropped
    assert commands.motd_reorder(items, ["3"]) == ["cocktails"]
    for bad in (["999"], ["0"], ["x"], ["1", "1"]):
        with pytest.raises(commands.CommandError, match="Incorrect message number"):
            commands.motd_reorder(items, bad)
    assert commands.motd_index("2", 3) == 1
    with pytest.raises(commands.CommandError) as refused:
        commands.motd_index("999", 3)
    assert refused.value.reply == "Incorrect message number 999"


# -- room-slots as a chat user writes them ----------------------------------------------------------

def test_room_and_slot_matching_forgives_a_chat_users_spelling():
    rooms = [SimpleNamespace(slug="ballroom-a", name="Ballroom A"), SimpleNamespace(slug="aspen", name="Aspen"),
             SimpleNamespace(slug="pikes-peak", name="Pike's Peak")]
    assert commands.match_room("Aspen", rooms).slug == "aspen"
    assert commands.match_room("aspen", rooms).slug == "aspen"
    assert commands.match_room("BallroomA", rooms).slug == "ballroom-a"
    assert commands.match_room("ballroom-a", rooms).slug == "ballroom-a"
    assert commands.match_room("pikes-peak", rooms).slug == "pikes-peak"
    assert commands.match_room("Beach", rooms) is None
    assert commands.match_room("", rooms) is None
    slots = [SimpleNamespace(code="FriP1"), SimpleNamespace(code="FriP2")]
    assert commands.match_slot("FriP1", slots).code == "FriP1"
    assert commands.match_slot("frip2", slots).code == "FriP2"
    assert commands.match_slot("SatA1", slots) is None
    assert commands.split_room_slot("Aspen-FriP1") == ("Aspen", "FriP1")
    assert commands.split_room_slot("Aspen") == ("", "Aspen")


# -- ptgbot's JSON -----------------------------------------------------------------------------------

def test_slugs_slot_times_and_capacity_hints():
    assert import_plan.room_slug("Ballroom A") == "ballroom-a"
    assert import_plan.room_slug("Pike's Peak") == "pikes-peak"
    assert import_plan.room_slug("  Telluride B ") == "telluride-b"
    assert import_plan.room_slug("!!!") == "room"
    assert import_plan.parse_slot_desc("09:00-10:45") == (time(9), time(10, 45))
    assert import_plan.parse_slot_desc(" 9:00 - 17:00 ") == (time(9), time(17))
    for bad in ("morning", "10:45-09:00", "25:00-26:00", ""):
        with pytest.raises(ValueError):
            import_plan.parse_slot_desc(bad)
    assert import_plan.capacity_hint("Fits a team of 10") == 10
    assert import_plan.capacity_hint("10 person table") == 10
    assert import_plan.capacity_hint(None) is None


def test_ptgbot_days_map_onto_the_events_dates():
    # Denver, Stein PTG: Monday 10 to Friday 14 September 2018
    week = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    assert import_plan.map_days(week, date(2018, 9, 10), date(2018, 9, 14)) == {
        "Monday": date(2018, 9, 10), "Tuesday": date(2018, 9, 11), "Wednesday": date(2018, 9, 12),
        "Thursday": date(2018, 9, 13), "Friday": date(2018, 9, 14)}
    # the first Thursday of the event, then the days after it
    assert import_plan.map_days(["Thursday", "Friday"], date(2019, 5, 1), date(2019, 5, 4)) == {
        "Thursday": date(2019, 5, 2), "Friday": date(2019, 5, 3)}
    # weekdays the dates do not have: in order
    assert import_plan.map_days(["Monday", "Tuesday"], date(2019, 5, 2), date(2019, 5, 4)) == {
        "Monday": date(2019, 5, 2), "Tuesday": date(2019, 5, 3)}
    assert import_plan.map_days(["Day 1", "Day 2"], date(2020, 6, 1), date(2020, 6, 5)) == {
        "Day 1": date(2020, 6, 1), "Day 2": date(2020, 6, 2)}
    with pytest.raises(Invalid) as refused:
        import_plan.map_days(week, date(2019, 5, 2), date(2019, 5, 4))
    assert "slots" in refused.value.errors


def test_the_real_denver_grid_plans_into_rooms_slots_tracks_and_sessions():
    doc = json.loads(BASE_JSON.read_text())
    plan = import_plan.plan_import(doc, date(2018, 9, 10), date(2018, 9, 14), "America/Denver")
    assert len(plan.slots) == 20
    first = plan.slots[0]
    assert (first.code, first.start, first.end) == ("MonA1", datetime(2018, 9, 10, 15, 0, tzinfo=UTC),
                                                    datetime(2018, 9, 10, 16, 45, tzinfo=UTC))
    assert plan.slots[-1].code == "FriP2" and plan.slots[-1].end == datetime(2018, 9, 14, 23, 0, tzinfo=UTC)
    assert len(plan.rooms) == len(doc["schedule"]) == 23
    rooms = {room.slug: room for room in plan.rooms}
    aspen = rooms["aspen"]
    assert (aspen.name, aspen.description, aspen.cap_icon, aspen.cap_desc, aspen.bookable, aspen.capacity) == \
        ("Aspen", "Fits a team of 10", "facetime-video", "Videoprojection available", True, 10)
    assert len(aspen.offered_slots) == 20
    assert rooms["ballroom-a"].video_url == "http://meet.jit.si/DEN-ptg-BallroomA"
    assert not rooms["ballroom-b"].bookable  # every slot taken
    assert rooms["pikes-peak"].name == "Pike's Peak"
    assert len(rooms["blanca-peak"].offered_slots) == 16  # no Friday
    assert len(plan.tracks) == 44 and "swift" in plan.tracks
    cells = sum(1 for entry in doc["schedule"].values() for key, track in entry.items()
                if key not in ROOM_META_KEYS and track)
    assert len(plan.bookings) == cells == 356
    assert ("vail", "TueP2", "swift") in plan.bookings
    assert plan.open_commands is True  # voice 0: everyone may speak
    assert plan.links[0] == ("venue map", "https://www.openstack.org/assets/ptg/Denver-map.pdf")
    assert plan.motd == [] and plan.warnings == []


def test_import_plans_statuses_motd_and_refuses_what_does_not_fit():
    doc = {"slots": {"Monday": [{"name": "MonA1", "desc": "09:00-10:45"}]},
           "schedule": {"Aspen": {"MonA1": "nova", "SunA1": "swift", "url": "https://meet.jit.si/aspen"}},
           "tracks": ["nova"], "motd": {"level": "warning", "message": "fire drill"}, "voice": 1,
           "colors": {"nova": "#ff0000", "ghost": "red"}, "urls": {"nova": "javascript:x"},
           "now": {"nova": "cells"}, "next": {"nova": ["placement", ""]}}
    plan = import_plan.plan_import(doc, date(2018, 9, 10), date(2018, 9, 14), "America/Denver")
    assert plan.bookings == [("aspen", "MonA1", "nova")]
    assert plan.rooms[0].video_url == "https://meet.jit.si/aspen" and plan.rooms[0].offered_slots == ["MonA1"]
    assert plan.motd == [("warning", "fire drill")] and plan.open_commands is False
    assert plan.colours == {"nova": "#ff0000"} and plan.urls == {}
    assert plan.now == {"nova": "cells"} and plan.next == {"nova": ["placement"]}
    assert any("SunA1" in w for w in plan.warnings) and any("urls.nova" in w for w in plan.warnings)
    with pytest.raises(Invalid) as refused:
        import_plan.plan_import({"slots": {"Monday": [{"name": "MonA1", "desc": "soon"}]}},
                         date(2018, 9, 10), date(2018, 9, 14), "UTC")
    assert "slots.Monday.MonA1" in refused.value.errors
    with pytest.raises(Invalid):
        import_plan.plan_import({"slots": {"Monday": [{"name": "Mon-A1", "desc": "09:00-10:00"}]}},
                         date(2018, 9, 10), date(2018, 9, 14), "UTC")
    with pytest.raises(Invalid):
        import_plan.plan_import({"schedule": {"Ballroom A": {}, "ballroom-a": {}}}, date(2018, 9, 10), date(2018, 9, 14), "UTC")
