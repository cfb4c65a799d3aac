"""The schedule's event, room and track operations, in-process (SQLite, no Flask, no broker)."""
from zoneinfo import ZoneInfo

import pytest

from services.kit.problems import Conflict, Forbidden, Invalid
from services.schedule import store
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import events, rooms, tracks
from services.schedule.schemas.gathering import (EventChanges, EventSchema, RoomChanges, RoomSchema, TrackChanges,
                                                 TrackSchema)

from .conftest import outbox_types, transaction
from .schedule_gathering import DENVER, ORGANISER, chair, make_gathering, schedule


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    make_gathering(database, grid_slots=True)
    return database


def local_times(rows, zone: str) -> list[str]:
    return [f"{row.start.astimezone(ZoneInfo(zone)):%a %H:%M}" for row in rows]


def test_a_new_timezone_rezones_sessions_and_slots_keeping_their_wall_clock(database):
    row = schedule(database)
    published = len(outbox_types(database))
    with transaction(database) as uow:
        events.update_event(uow, ORGANISER, "denver", EventChanges.load({"timezone": "Europe/Berlin"}))
    with database.unit_of_work(readonly=True) as uow:
        event = store.get_event(uow.session, "denver")
        assert local_times(store.event_sessions(uow.session, event), "Europe/Berlin") == ["Thu 09:00"]
        assert local_times(store.event_slots(uow.session, event), "Europe/Berlin") == [
            "Thu 09:00", "Thu 10:45", "Fri 09:00"]
        assert store.get_session(uow.session, row.id).sequence == 1
    assert outbox_types(database)[published:] == [
        "ptghub.schedule.event.updated", "ptghub.schedule.session.updated", "ptghub.schedule.slot.changed"]


def test_new_days_must_still_hold_every_session_and_slot(database):
    row = schedule(database, day="2019-05-03")
    with pytest.raises(Conflict) as refused, transaction(database) as uow:
        events.update_event(uow, ORGANISER, "denver", EventChanges.load({"end_date": "2019-05-02"}))
    assert refused.value.extra == {"conflicting_session": row.id} and "end_date" in refused.value.errors
    with pytest.raises(Invalid) as reversed_, transaction(database) as uow:
        events.update_event(uow, ORGANISER, "denver", EventChanges.load({"start_date": "2019-05-05"}))
    assert "end_date" in reversed_.value.errors
    with transaction(database) as uow:  # an extra day holds everything
        longer = events.update_event(uow, ORGANISER, "denver", EventChanges.load({"end_date": "2019-05-05"}))
        assert str(longer.end_date) == "2019-05-05"


def test_an_event_slug_is_taken_once_and_only_organisers_create_events(database):
    with pytest.raises(Conflict) as taken, transaction(database) as uow:
        events.create_event(uow, ORGANISER, EventSchema().load(DENVER))
    assert taken.value.errors == {"slug": ["taken"]}
    with pytest.raises(Forbidden), transaction(database) as uow:
        events.create_event(uow, chair(("denver", "kolla")), EventSchema().load({**DENVER, "slug": "mine"}))


def test_deleting_an_event_needs_cascade_then_announces_all_it_held(database):
    schedule(database)
    with pytest.raises(Conflict) as refused, transaction(database) as uow:
        events.delete_event(uow, ORGANISER, "denver", cascade=False)
    assert "2 rooms, 2 tracks, 1 sessions, 3 slots" in refused.value.detail
    published = len(outbox_types(database))
    with transaction(database) as uow:
        events.delete_event(uow, ORGANISER, "denver", cascade=True)
    assert [t.rsplit(".", 2)[-2] + "." + t.rsplit(".", 1)[-1] for t in outbox_types(database)[published:]] == [
        "session.deleted", "track.deleted", "track.deleted", "room.deleted", "room.deleted", "event.deleted"]
    with database.unit_of_work(readonly=True) as uow:
        assert store.events_page(uow.session, 10, None) == ([], None)


def test_deleting_a_room_that_holds_sessions_is_refused_unless_cascade(database):
    row = schedule(database)
    with pytest.raises(Conflict) as refused, transaction(database) as uow:
        rooms.delete_room(uow, ORGANISER, "denver", "aspen", cascade=False)
    assert refused.value.extra == {"sessions": [row.id]} and "cascade" in refused.value.errors
    with transaction(database) as uow:
        rooms.delete_room(uow, ORGANISER, "denver", "boulder", cascade=False)  # empty: no cascade needed
    with transaction(database) as uow:
        rooms.delete_room(uow, ORGANISER, "denver", "aspen", cascade=True)
    assert outbox_types(database)[-2:] == ["ptghub.schedule.session.deleted", "ptghub.schedule.room.deleted"]


def test_deleting_a_track_with_sessions_is_refused_unless_cascade(database):
    row = schedule(database)
    with pytest.raises(Conflict) as refused, transaction(database) as uow:
        tracks.delete_track(uow, ORGANISER, "denver", "kolla", cascade=False)
    assert refused.value.extra == {"sessions": [row.id]}


def test_a_room_offers_only_slots_of_the_grid(database):
    with pytest.raises(Invalid) as refused, transaction(database) as uow:
        rooms.create_room(uow, ORGANISER, "denver", RoomSchema().load(
            {"slug": "vail", "name": "Vail", "offered_slots": ["ThuA1", "SatZ9"]}))
    assert refused.value.errors == {"offered_slots": ["unknown slot code SatZ9"]}
    with transaction(database) as uow:
        room = rooms.update_room(uow, ORGANISER, "denver", "aspen",
                                 RoomChanges.load({"offered_slots": ["ThuA1", "ThuA1", "FriA1"]}))
        assert room.offered_slots == ["ThuA1", "FriA1"]


def test_a_chair_changes_only_the_chairs_fields_of_its_own_track(database):
    kolla_chair = chair(("denver", "kolla"))
    with transaction(database) as uow:
        row = tracks.update_track(uow, kolla_chair, "denver", "kolla", TrackChanges.load({"colour": "#336699"}))
        assert row.colour == "#336699"
    with pytest.raises(Forbidden) as refused, transaction(database) as uow:
        tracks.update_track(uow, kolla_chair, "denver", "kolla", TrackChanges.load({"name": "Kolla!"}))
    assert refused.value.errors == {"name": ["organisers only"]}
    with pytest.raises(Forbidden), transaction(database) as uow:
        tracks.update_track(uow, kolla_chair, "denver", "nova", TrackChanges.load({"colour": "red"}))
    with pytest.raises(Invalid) as twice, transaction(database) as uow:
        tracks.create_track(uow, ORGANISER, "denver", TrackSchema().load(
            {"slug": "swift", "name": "Swift", "chairs": [{"nick": "timburke"}, {"nick": "TimBurke"}]}))
    assert twice.value.errors == {"chairs": ["TimBurke is listed twice"]}
