"""Booking a room-slot, giving it back and finding free ones, as operations on a SQLite database."""
import pytest

from services.kit.problems import Conflict, Forbidden, Invalid, NotFound
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import booking

from .conftest import outbox_types
from .schedule_live_gathering import THURSDAY, build, local, outbox

SWIFT_CHAIR = {"sub": "t1", "name": "swift chair", "role": "chair", "tracks": [{"event": "denver", "track": "swift"}]}
NOVA_CHAIR = {"sub": "t2", "name": "nova chair", "role": "chair", "tracks": [{"event": "denver", "track": "nova"}]}
PAGE = {"limit": 50, "cursor": None}


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    build(database)
    return database


def book(database, track, room, slot):
    with database.unit_of_work() as uow:
        row = booking.book(uow, "denver", track, room, slot)
        uow.commit()
    return row


def free(database, **query):
    with database.unit_of_work(readonly=True) as uow:
        return booking.free_slots(uow, "denver", {**PAGE, **query})


def test_a_booking_is_a_booked_work_session_in_the_slot(database):
    row = book(database, "swift", "aspen", "ThuP1")
    assert (row.track.slug, row.room.slug, row.slot_codes, row.booked, row.kind, row.title, row.status) == \
        ("swift", "aspen", ["ThuP1"], True, "work_session", "Swift (booked)", "scheduled")
    assert (row.start, row.end) == (local(THURSDAY, 13, 30), local(THURSDAY, 15, 15))
    assert outbox_types(database) == ["ptghub.schedule.session.scheduled"]


def test_booking_a_taken_room_slot_is_refused_naming_it(database):
    first = book(database, "swift", "aspen", "ThuP1")
    with database.unit_of_work() as uow:
        with pytest.raises(Conflict) as refused:
            booking.book(uow, "denver", "kolla", "aspen", "ThuP1")
        assert uow.events == []
    problem = refused.value
    assert problem.extra["room_slot"] == "aspen-ThuP1" and problem.extra["conflicting_session"] == first.id
    assert "aspen-ThuP1 is taken" in problem.detail and "slot" in problem.errors
    assert outbox_types(database) == ["ptghub.schedule.session.scheduled"]


@pytest.mark.parametrize("track, room, slot, problem, field", [
    ("swift", "ballroom", "ThuP1", Conflict, "room"),  # not open for booking
    ("swift", "vail", "ThuP1", Conflict, "slot"),  # vail offers ThuA1 and FriA1 only
    ("nova", "aspen", "ThuA1", Conflict, "track"),  # nova meets in the ballroom then
    ("swift", "aspen", "SunA1", Invalid, "slot"),  # no such slot: a bad value, 422
    ("swift", "nowhere", "ThuP1", NotFound, "room"),
    ("ghost", "aspen", "ThuP1", NotFound, "track"),
])
def test_bookings_refused_name_the_problem(database, track, room, slot, problem, field):
    with database.unit_of_work() as uow:
        with pytest.raises(problem) as refused:
            booking.book(uow, "denver", track, room, slot)
    assert field in refused.value.errors
    if problem is Conflict:
        assert refused.value.extra["room_slot"] == f"{room}-{slot}"


def test_unbooking_cancels_the_session_and_frees_the_slot(database):
    row = book(database, "swift", "aspen", "ThuP1")
    assert not any(f["room"] == "aspen" and f["slot"] == "ThuP1" for f in free(database)["items"])
    with database.unit_of_work() as uow:
        freed = booking.unbook(uow, "denver", "aspen", "ThuP1", principal=SWIFT_CHAIR)
        uow.commit()
    assert (freed.id, freed.status, freed.sequence) == (row.id, "cancelled", 1)
    assert outbox_types(database) == ["ptghub.schedule.session.scheduled", "ptghub.schedule.session.cancelled"]
    assert outbox(database, "session.cancelled")[0]["data"]["status"] == "cancelled"
    assert any(f["room"] == "aspen" and f["slot"] == "ThuP1" for f in free(database)["items"])
    book(database, "kolla", "aspen", "ThuP1")  # free again


def test_unbooking_is_for_the_bookings_track_and_only_for_bookings(database):
    book(database, "swift", "aspen", "ThuP1")
    with database.unit_of_work() as uow:
        with pytest.raises(Forbidden):
            booking.unbook(uow, "denver", "aspen", "ThuP1", principal=NOVA_CHAIR)
        with pytest.raises(NotFound):  # chat: nova has no booking there
            booking.unbook(uow, "denver", "aspen", "ThuP1", track_slug="nova")
        with pytest.raises(NotFound) as refused:
            booking.unbook(uow, "denver", "aspen", "FriP1", principal=SWIFT_CHAIR)
        assert refused.value.errors == {"slot": ["not booked"]}
        with pytest.raises(Conflict) as refused:  # nova's scheduled session: not a booking
            booking.unbook(uow, "denver", "ballroom", "ThuA1")
        assert refused.value.errors == {"slot": ["not a booking"]}
        assert uow.events == []


def test_free_slots_are_the_bookable_rooms_offered_slots_with_no_session(database):
    found = free(database)["items"]
    every_slot = ("ThuA1", "ThuA2", "ThuP1", "ThuP2", "FriA1", "FriA2", "FriP1", "FriP2")
    assert {(f["room"], f["slot"]) for f in found} == \
        {("aspen", code) for code in every_slot} | {("vail", "ThuA1"), ("vail", "FriA1")}
    assert [f["start"] for f in found] == sorted(f["start"] for f in found)
    assert {f["room"] for f in free(database, capacity=20)["items"]} == {"vail"}
    assert {f["room"] for f in free(database, video=True)["items"]} == {"aspen"}
    assert {f["slot"] for f in free(database, day=THURSDAY)["items"]} == {"ThuA1", "ThuA2", "ThuP1", "ThuP2"}


def test_free_slots_page_by_cursor(database):
    every = free(database)["items"]
    first = free(database, limit=4)
    second = free(database, limit=4, cursor=first["next_cursor"])
    assert first["items"] + second["items"] == every[:8] and second["next_cursor"]
    assert free(database, limit=50)["next_cursor"] is None
