"""The schedule's session operations, in-process (SQLite, no Flask, no broker)."""
import pytest

from services.kit.problems import Conflict, Forbidden, Invalid, NotFound
from services.schedule import store
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import sessions

from .conftest import outbox_types, transaction
from .schedule_gathering import ORGANISER, at, chair, changes, make_gathering, schedule, session_command

SHANGHAI = {"slug": "shanghai", "name": "Shanghai PTG", "timezone": "Asia/Shanghai", "start_date": "2019-11-06",
            "end_date": "2019-11-08"}


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    make_gathering(database, grid_slots=True)
    return database


def event_version(database, slug: str = "denver") -> int:
    with database.unit_of_work(readonly=True) as uow:
        return store.get_event(uow.session, slug).version


def test_a_room_clash_is_refused_with_409_naming_the_other_session(database):
    first = schedule(database)
    with pytest.raises(Conflict) as refused, transaction(database) as uow:
        sessions.create_session(uow, ORGANISER, "denver", session_command("Clash", "10:00", "11:00", track="nova"))
    assert refused.value.status == 409 and refused.value.extra["reason"] == "room"
    assert refused.value.extra["conflicting_session"] == first.id and first.id in refused.value.detail
    assert refused.value.errors == {"room": [f"taken by session {first.id}"]}
    assert outbox_types(database).count("ptghub.schedule.session.scheduled") == 1  # the refused one: nothing
    assert schedule(database, title="Next", start="10:45", end="12:30").id  # back to back is no clash


def test_a_track_in_two_rooms_at_once_needs_an_organisers_allow_conflict(database):
    first = schedule(database)
    kolla_chair = chair(("denver", "kolla"))
    with pytest.raises(Conflict) as refused, transaction(database) as uow:
        sessions.create_session(uow, kolla_chair, "denver", session_command("Twice", room="boulder"))
    assert refused.value.extra == {"conflicting_session": first.id, "reason": "track"}
    with pytest.raises(Forbidden) as not_theirs, transaction(database) as uow:
        sessions.create_session(uow, kolla_chair, "denver", session_command("Twice", room="boulder",
                                                                            allow_conflict=True))
    assert "allow_conflict" in not_theirs.value.errors
    accepted = schedule(database, title="Twice", room="boulder", allow_conflict=True)
    with database.unit_of_work(readonly=True) as uow:
        [conflict] = sessions.list_conflicts(uow, "denver")
        assert conflict["reason"] == "track" and conflict["accepted"] is True
        assert {row.id for row in conflict["sessions"]} == {first.id, accepted.id}  # same times: by id


def test_a_moved_session_grows_its_sequence_and_the_event_version(database):
    row = schedule(database)
    before = event_version(database)
    with transaction(database) as uow:
        moved = sessions.update_session(uow, ORGANISER, row.id, changes(start=at("13:00"), end=at("14:00")))
    assert moved.sequence == 1 and moved.slot_codes == []
    assert event_version(database) > before
    assert outbox_types(database)[-1] == "ptghub.schedule.session.updated"
    with transaction(database) as uow:  # a description is no reason to send the invitation again
        described = sessions.update_session(uow, ORGANISER, row.id, changes(description="bring laptops"))
    assert described.sequence == 1


def test_a_change_that_changes_nothing_publishes_nothing(database):
    row = schedule(database)
    published, version = len(outbox_types(database)), event_version(database)
    with transaction(database) as uow:
        same = sessions.update_session(uow, ORGANISER, row.id, changes(title="Python 3 images"))
        assert same.sequence == 0
    assert len(outbox_types(database)) == published and event_version(database) == version


def test_a_chair_of_a_track_at_one_event_is_nobody_at_another(database):
    make_gathering(database, SHANGHAI)
    kolla_at_denver = chair(("denver", "kolla"))
    with pytest.raises(Forbidden) as refused, transaction(database) as uow:
        sessions.create_session(uow, kolla_at_denver, "shanghai",
                                session_command(day="2019-11-06", offset="+08:00"))
    assert refused.value.status == 403 and "track" in refused.value.errors
    shanghai = schedule(database, event="shanghai", day="2019-11-06", offset="+08:00")
    for attempt in (lambda uow: sessions.update_session(uow, kolla_at_denver, shanghai.id, changes(title="Mine")),
                    lambda uow: sessions.cancel_session(uow, kolla_at_denver, shanghai.id),
                    lambda uow: sessions.delete_session(uow, kolla_at_denver, shanghai.id)):
        with pytest.raises(Forbidden), transaction(database) as uow:
            attempt(uow)
    assert schedule(database, kolla_at_denver).track.slug == "kolla"  # at its own event it may


def test_a_chair_cannot_move_a_session_to_a_track_it_does_not_chair(database):
    row = schedule(database)
    with pytest.raises(Forbidden), transaction(database) as uow:
        sessions.update_session(uow, chair(("denver", "kolla")), row.id, changes(track="nova"))


def test_a_session_in_slots_takes_their_times_and_new_times_drop_them(database):
    row = schedule(database, slots=["ThuA2", "ThuA1"])
    assert row.slot_codes == ["ThuA1", "ThuA2"]
    assert (row.start.isoformat(), row.end.isoformat()) == ("2019-05-02T15:00:00+00:00", "2019-05-02T18:30:00+00:00")
    with pytest.raises(Invalid) as apart, transaction(database) as uow:
        sessions.create_session(uow, ORGANISER, "denver", session_command(slots=["ThuA1", "FriA1"], room="boulder"))
    assert "slots" in apart.value.errors


def test_cancel_publishes_cancelled_once_and_a_new_session_is_never_cancelled(database):
    row = schedule(database)
    for _ in range(2):
        with transaction(database) as uow:
            cancelled = sessions.cancel_session(uow, ORGANISER, row.id)
            assert cancelled.status == "cancelled" and cancelled.sequence == 1
    assert outbox_types(database).count("ptghub.schedule.session.cancelled") == 1
    with pytest.raises(Invalid) as refused, transaction(database) as uow:
        sessions.create_session(uow, ORGANISER, "denver", session_command(status="cancelled"))
    assert "status" in refused.value.errors
    assert schedule(database, title="Over the cancelled one").id  # a cancelled session holds no room


def test_a_deleted_session_is_published_as_it_was(database):
    row = schedule(database)
    with transaction(database) as uow:
        sessions.delete_session(uow, chair(("denver", "kolla")), row.id)
    assert outbox_types(database)[-1] == "ptghub.schedule.session.deleted"
    with pytest.raises(NotFound), transaction(database) as uow:
        sessions.get_session(uow, row.id)


def test_a_listing_names_its_event_version_and_runs_its_query_only_when_asked(database):
    schedule(database)
    schedule(database, title="Friday", day="2019-05-03", track="nova")
    with database.unit_of_work(readonly=True) as uow:
        listing = sessions.list_sessions(uow, "denver", {"limit": 50, "cursor": None, "track": "nova"})
        assert listing.event.version == event_version(database)
        items, cursor = listing.page()
        assert [row.title for row in items] == ["Friday"] and cursor is None
        unknown = sessions.list_sessions(uow, "denver", {"limit": 50, "cursor": None, "room": "nowhere"})
        with pytest.raises(NotFound) as refused:
            unknown.page()
    assert "room" in refused.value.errors
