"""The schedule's pure rules: event days, the slot grid, session times, clashes and conflicts."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.kit.problems import Conflict, Forbidden, Invalid
from services.schedule import domain
from services.schedule.domain import SessionView, SlotView

DENVER = "America/Denver"
UTC = timezone.utc
MAY2, MAY4 = date(2019, 5, 2), date(2019, 5, 4)


def at(day: int, clock: str, zone: str = "-06:00") -> datetime:
    return datetime.fromisoformat(f"2019-05-{day:02d}T{clock}:00{zone}")


def view(id, start, end, track="kolla", room="aspen", moderators=(), allow=False, status="scheduled", day=2):
    return SessionView(id=id, title=f"t{id}", track=track, room=room, start=at(day, start), end=at(day, end),
                       moderators=tuple(moderators), allow_conflict=allow, status=status)


# -- timezones and days ------------------------------------------------------------------------
@pytest.mark.parametrize("name, known", [("America/Denver", True), ("UTC", True), ("Mars/Olympus", False),
                                         (" UTC", False), ("", False), ("../etc/passwd", False)])
def test_only_iana_timezones_are_known(name, known):
    assert domain.is_known_timezone(name) is known


def test_event_dates_must_be_in_order():
    domain.check_event_dates(MAY2, MAY2)
    with pytest.raises(Invalid) as refused:
        domain.check_event_dates(MAY4, MAY2)
    assert "end_date" in refused.value.errors


def test_session_times_lie_within_the_event_days_in_its_timezone():
    interval = domain.check_session_times(at(4, "22:00"), at(4, "23:30"), MAY2, MAY4, DENVER)
    assert interval.start == datetime(2019, 5, 5, 4, 0, tzinfo=UTC)  # stored in UTC
    assert interval.start.tzinfo == UTC
    with pytest.raises(Invalid) as after:
        domain.check_session_times(at(4, "23:00"), at(5, "01:00"), MAY2, MAY4, DENVER)
    assert "end" in after.value.errors
    with pytest.raises(Invalid) as before:
        domain.check_session_times(at(1, "09:00"), at(1, "10:00"), MAY2, MAY4, DENVER)
    assert "start" in before.value.errors
    with pytest.raises(Invalid) as reversed_:
        domain.check_session_times(at(2, "11:00"), at(2, "10:00"), MAY2, MAY4, DENVER)
    assert "end" in reversed_.value.errors


def test_rezone_keeps_the_wall_clock_time():
    moved = domain.rezone(at(2, "09:00"), DENVER, "Europe/Berlin")
    assert moved == datetime(2019, 5, 2, 7, 0, tzinfo=UTC)
    assert moved.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "09:00"


# -- the slot grid -----------------------------------------------------------------------------
def test_a_slot_is_local_times_of_an_event_day():
    slot = domain.check_slot("MonA1", MAY2, "09:00", "10:45", MAY2, MAY4, DENVER)
    assert (slot.start, slot.end) == (at(2, "09:00"), at(2, "10:45"))


@pytest.mark.parametrize("day, start, end, field", [
    (date(2019, 5, 5), "09:00", "10:00", "day"),
    (MAY2, "10:00", "09:00", "end"),
    (MAY2, "10:00", "10:00", "end"),
    (MAY2, "9:00", "10:00", "start"),
    (MAY2, "09:00", "24:00", "end"),
])
def test_bad_slots_name_the_field(day, start, end, field):
    with pytest.raises(Invalid) as refused:
        domain.check_slot("X", day, start, end, MAY2, MAY4, DENVER)
    assert field in refused.value.errors


def test_a_time_the_clock_skips_is_refused():
    with pytest.raises(Invalid) as refused:
        domain.check_slot("X", date(2019, 3, 10), "02:30", "03:30", date(2019, 3, 10), date(2019, 3, 10), DENVER)
    assert "start" in refused.value.errors


def test_a_grid_has_unique_codes_and_names_the_offending_entry():
    slot = {"code": "MonA1", "day": MAY2, "start": "09:00", "end": "10:45"}
    with pytest.raises(Invalid) as refused:
        domain.check_grid([slot, {**slot, "start": "11:00", "end": "12:00"}], MAY2, MAY4, DENVER)
    assert "slots.1.code" in refused.value.errors
    with pytest.raises(Invalid) as bad:
        domain.check_grid([slot, {**slot, "code": "B", "end": "08:00"}], MAY2, MAY4, DENVER)
    assert "slots.1.end" in bad.value.errors


GRID = [SlotView(code, at(day, s), at(day, e)) for day, code, s, e in [
    (2, "ThuA1", "09:00", "10:45"), (2, "ThuA2", "10:45", "12:30"), (2, "ThuP1", "13:30", "15:15"),
    (2, "ThuP2", "15:15", "17:00"), (3, "FriA1", "09:00", "10:45"), (3, "FriA2", "10:45", "12:30")]]


def test_consecutive_slots_give_one_interval_in_grid_order():
    interval, codes = domain.slots_span(["ThuP1", "ThuA2"], GRID, DENVER)
    assert (interval.start, interval.end) == (at(2, "10:45"), at(2, "15:15"))
    assert codes == ["ThuA2", "ThuP1"]
    assert domain.slots_span(["FriA1"], GRID, DENVER)[1] == ["FriA1"]


@pytest.mark.parametrize("codes, message", [
    (["ThuA1", "ThuP1"], "consecutive"),
    (["ThuP2", "FriA1"], "one day"),
    (["ThuA1", "Nope"], "unknown slot code Nope"),
    (["ThuA1", "ThuA1"], "twice"),
    ([], "at least one"),
])
def test_bad_slot_lists_are_refused_naming_slots(codes, message):
    with pytest.raises(Invalid) as refused:
        domain.slots_span(codes, GRID, DENVER)
    assert "slots" in refused.value.errors
    assert message in refused.value.detail


# -- clashes -----------------------------------------------------------------------------------
def test_a_room_holds_one_session_at_a_time_even_with_allow_conflict():
    other = view("a", "09:00", "10:45", track="nova")
    with pytest.raises(Conflict) as refused:
        domain.check_clashes(view(None, "10:00", "11:00", allow=True), [other])
    assert refused.value.extra["conflicting_session"] == "a"
    assert "room" in refused.value.errors
    domain.check_clashes(view(None, "10:45", "11:00"), [other])  # back to back is fine


def test_a_track_in_two_rooms_at_once_is_refused_unless_allowed():
    other = view("a", "09:00", "10:45", room="birch")
    with pytest.raises(Conflict) as refused:
        domain.check_clashes(view(None, "10:00", "11:00"), [other])
    assert "track" in refused.value.errors and refused.value.extra["conflicting_session"] == "a"
    domain.check_clashes(view(None, "10:00", "11:00", allow=True), [other])
    domain.check_clashes(view(None, "10:00", "11:00"), [view("a", "09:00", "10:45", room="birch", allow=True)])


def test_a_moderator_in_two_places_at_once_is_refused_unless_allowed():
    other = view("a", "09:00", "10:45", track="nova", room="birch", moderators=["Mark Goddard"])
    with pytest.raises(Conflict) as refused:
        domain.check_clashes(view(None, "10:00", "11:00", moderators=["mark  goddard"]), [other])
    assert "moderators" in refused.value.errors
    assert refused.value.extra["moderator"] == "mark  goddard"
    domain.check_clashes(view(None, "10:00", "11:00", moderators=["mark goddard"], allow=True), [other])
    domain.check_clashes(view(None, "10:00", "11:00", moderators=["someone else"]), [other])


def test_cancelled_sessions_never_clash():
    other = view("a", "09:00", "10:45", status="cancelled")
    domain.check_clashes(view(None, "09:00", "10:45"), [other])
    domain.check_clashes(view(None, "09:00", "10:45", status="cancelled"), [view("b", "09:00", "10:45")])


def test_a_session_does_not_clash_with_itself():
    domain.check_clashes(view("a", "09:00", "10:45"), [view("a", "09:00", "10:45")])


def test_moderators_are_tidied_and_listed_once():
    assert domain.normalise_moderators([" Mark  Goddard ", "mark goddard", "Jay"]) == ["Mark Goddard", "Jay"]
    with pytest.raises(Invalid) as refused:
        domain.normalise_moderators(["  "])
    assert "moderators" in refused.value.errors


def test_find_conflicts_lists_every_clashing_pair_with_its_reason():
    sessions = [
        view("a", "09:00", "10:45", room="aspen", moderators=["jay"], allow=True),
        view("b", "10:00", "11:00", room="birch", moderators=["Jay"]),           # kolla twice, jay twice
        view("c", "10:30", "12:00", track="nova", room="cedar", moderators=["jay"]),  # jay with a and b
        view("d", "10:30", "12:00", track="nova", room="dogwood", status="cancelled"),
        view("e", "13:00", "14:00", room="elm"),
    ]
    found = domain.find_conflicts((s, s.id) for s in sessions)
    summary = {(p.first, p.second, p.reason, p.what, p.accepted) for p in found}
    assert summary == {
        ("a", "b", "track", "kolla", True), ("a", "b", "moderator", "jay", True),
        ("a", "c", "moderator", "jay", True), ("b", "c", "moderator", "Jay", False),
    }


def test_sequence_grows_on_time_room_status_or_title_only():
    before = {"start": 1, "end": 2, "room": "r", "status": "scheduled", "title": "t"}
    assert not domain.sequence_changes(before, dict(before))
    for name, value in [("start", 0), ("end", 3), ("room", "q"), ("status", "cancelled"), ("title", "u")]:
        assert domain.sequence_changes(before, {**before, name: value})


def test_change_verbs():
    assert domain.change_verb("scheduled", "cancelled") == "cancelled"
    assert domain.change_verb("cancelled", "cancelled") == "updated"
    assert domain.change_verb("cancelled", "scheduled") == "updated"
    assert domain.changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": 3}


def test_day_bounds_follow_the_timezone():
    first, last = domain.day_bounds(MAY4, DENVER)
    assert first == at(4, "00:00") and last - first == timedelta(days=1)
    assert domain.local_day(datetime(2019, 5, 5, 4, tzinfo=UTC), DENVER) == MAY4


# -- an event's days, a new grid, what a room offers, deleting --------------------------------
def test_new_days_or_a_new_timezone_plan_who_moves_and_refuse_what_would_lie_outside():
    session = domain.Held.session_of("s1", "Python 3", at(2, "09:00"), at(2, "10:45"))
    slot = domain.Held.slot_of("x1", "ThuA1", at(4, "20:00"), at(4, "21:00"))
    assert domain.plan_event_days([session, slot], DENVER, MAY2, date(2019, 5, 5), DENVER) == {}
    moves = domain.plan_event_days([session, slot], DENVER, MAY2, MAY4, "Europe/Berlin")
    assert moves["s1"].start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d %H:%M") == "02 09:00"
    with pytest.raises(Conflict) as outside:
        domain.plan_event_days([session, slot], DENVER, MAY2, date(2019, 5, 3), DENVER)
    assert "slot ThuA1" in outside.value.detail and "end_date" in outside.value.errors
    assert "conflicting_session" not in outside.value.extra
    with pytest.raises(Conflict) as session_outside:
        domain.plan_event_days([session], DENVER, date(2019, 5, 3), MAY4, DENVER)
    assert session_outside.value.extra == {"conflicting_session": "s1"} and "start_date" in session_outside.value.errors
    with pytest.raises(Invalid):
        domain.plan_event_days([], DENVER, MAY4, MAY2, DENVER)


def test_a_new_grid_is_planned_by_code():
    a, b = SlotView("A", at(2, "09:00"), at(2, "10:00")), SlotView("B", at(2, "10:00"), at(2, "11:00"))
    later_b, c = SlotView("B", at(2, "10:30"), at(2, "11:00")), SlotView("C", at(3, "09:00"), at(3, "10:00"))
    assert domain.plan_grid([a, b], [a, b]).empty
    change = domain.plan_grid([a, b], [later_b, c])
    assert (change.removed, change.moved, change.added) == ({"A"}, {"B"}, {"C"})


def test_slots_that_sessions_were_placed_in_stay():
    placed = [view("s1", "09:00", "10:00"), SessionView(id="s2", title="t2", track="kolla", room="aspen",
                                                       start=at(2, "10:00"), end=at(2, "11:00"), slots=("B",))]
    domain.check_slots_unused({"A"}, placed)
    with pytest.raises(Conflict) as in_use:
        domain.check_slots_unused({"A", "B"}, placed)
    assert in_use.value.extra == {"conflicting_session": "s2"}


def test_a_room_offers_slots_of_the_grid_each_once():
    assert domain.check_offered_slots(None, ["A"]) is None
    assert domain.check_offered_slots(["B", "A", "B"], ["A", "B"]) == ["B", "A"]
    with pytest.raises(Invalid) as unknown:
        domain.check_offered_slots(["A", "Z", "Y"], ["A"])
    assert unknown.value.errors == {"offered_slots": ["unknown slot codes Z, Y"]}
    assert domain.without_slots(["A", "B"], {"B"}) == ["A"]
    assert domain.without_slots(["A"], {"B"}) is None and domain.without_slots(None, {"B"}) is None


def test_deleting_what_holds_sessions_needs_cascade():
    domain.check_cascade("room aspen", [], cascade=False)
    domain.check_cascade("room aspen", ["s1"], cascade=True)
    with pytest.raises(Conflict) as refused:
        domain.check_cascade("room aspen", ["s1", "s2"], cascade=False)
    assert "room aspen holds 2 sessions (first s1)" in refused.value.detail
    with pytest.raises(Conflict) as event:
        domain.check_event_empty("denver", {"rooms": 1, "tracks": 0}, cascade=False)
    assert event.value.detail.startswith("event denver holds 1 rooms;")


def test_chairs_are_listed_once_and_change_only_their_fields():
    domain.check_chairs([{"nick": "a"}, {"nick": "b"}])
    with pytest.raises(Invalid):
        domain.check_chairs([{"nick": "a"}, {"nick": "A"}])
    domain.check_track_fields(["name"], organiser=True)
    domain.check_track_fields(["colour", "notes_url"], organiser=False)
    with pytest.raises(Forbidden):
        domain.check_track_fields(["colour", "mailing_list"], organiser=False)
    with pytest.raises(Forbidden):
        domain.check_allow_conflict_right(True, False, organiser=False)
    domain.check_allow_conflict_right(True, True, organiser=False)
