"""A track's live status, the new day and the session clock, as operations on a SQLite database."""
from datetime import timedelta

import pytest

from services.kit.problems import Conflict, NotFound
from services.schedule import store, timers
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.domain.live import MAX_NEXT
from services.schedule.operations import clock, live

from .conftest import outbox_types
from .schedule_live_gathering import FRIDAY, THURSDAY, build, local, outbox

DURING_CELLS = local(THURSDAY, 10)  # nova's session in the ballroom is under way


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    build(database)
    return database


def status(database, track="nova"):
    with database.unit_of_work(readonly=True) as uow:
        row = live.read(uow, "denver", track)
        return row.now, list(row.next), row.location, row.status_updated_at


def test_now_sets_the_topic_wipes_next_and_announces_the_current_session_once(database):
    with database.unit_of_work() as uow:
        live.add_next(uow, "denver", "nova", "placement", DURING_CELLS)
        live.set_now(uow, "denver", "nova", "cells v2", DURING_CELLS)
        uow.commit()
    assert status(database)[:2] == ("cells v2", [])
    with database.unit_of_work() as uow:
        live.set_now(uow, "denver", "nova", "cells v2, part two", DURING_CELLS)
        uow.commit()
    assert outbox_types(database) == ["ptghub.schedule.status.changed", "ptghub.schedule.status.changed",
                                      "ptghub.schedule.session.started", "ptghub.schedule.status.changed"]
    assert outbox(database, "session.started")[0]["data"]["title"] == "Cells v2"


def test_a_change_to_the_same_status_publishes_nothing(database):
    with database.unit_of_work() as uow:
        live.clean(uow, "denver", "kolla", DURING_CELLS)
        live.set_location(uow, "denver", "kolla", "", DURING_CELLS)
        assert uow.events == []


def test_next_is_refused_past_its_limit_naming_next_and_writes_nothing(database):
    with database.unit_of_work() as uow:
        for i in range(MAX_NEXT):
            live.add_next(uow, "denver", "swift", f"topic {i}", DURING_CELLS)
        uow.commit()
    with database.unit_of_work() as uow:
        with pytest.raises(Conflict) as refused:
            live.add_next(uow, "denver", "swift", "one more", DURING_CELLS)
        assert "next" in refused.value.errors and uow.events == []
    assert len(status(database, "swift")[1]) == MAX_NEXT


def test_unknown_track_or_event(database):
    with database.unit_of_work() as uow:
        with pytest.raises(NotFound) as refused:
            live.set_now(uow, "denver", "ghost", "x", DURING_CELLS)
        assert "track" in refused.value.errors
        with pytest.raises(NotFound) as refused:
            live.new_day(uow, "nowhere", DURING_CELLS)
        assert "event" in refused.value.errors


def test_the_new_day_clears_now_and_next_and_keeps_the_location(database):
    with database.unit_of_work() as uow:
        live.set_location(uow, "denver", "nova", "Ballroom A", DURING_CELLS)
        live.set_now(uow, "denver", "nova", "cells", DURING_CELLS)
        live.add_next(uow, "denver", "swift", "rings", DURING_CELLS)
        uow.commit()
    with database.unit_of_work() as uow:
        cleared = live.new_day(uow, "denver", DURING_CELLS)
        uow.commit()
    assert sorted(t.slug for t in cleared) == ["nova", "swift"]
    assert status(database)[:3] == (None, [], "Ballroom A")
    with database.unit_of_work() as uow:
        assert live.new_day(uow, "denver", DURING_CELLS) == [] and uow.events == []


def test_the_new_day_timer_clears_only_yesterdays_statuses_once(database):
    with database.unit_of_work() as uow:
        live.set_now(uow, "denver", "nova", "set on Thursday", local(THURSDAY, 16))
        live.set_now(uow, "denver", "swift", "set on Friday", local(FRIDAY, 8))
        uow.commit()
    friday = local(FRIDAY, 9)
    assert timers.clear_stale_statuses(database, friday) == 1
    assert status(database, "nova")[0] is None and status(database, "swift")[0] == "set on Friday"
    assert timers.clear_stale_statuses(database, friday) == 0  # cleared today: fresh now
    assert [e["data"]["track"] for e in outbox(database, "status.changed")] == ["nova", "swift", "nova"]


def test_the_compare_and_set_leaves_a_status_set_anew_meanwhile(database):
    with database.unit_of_work() as uow:
        live.set_now(uow, "denver", "nova", "old", local(THURSDAY, 16))
        track_id = store.get_track(uow.session, store.get_event(uow.session, "denver"), "nova").id
        uow.commit()
    with database.unit_of_work() as uow:  # a chair spoke after midnight, before the timer ran
        live.set_now(uow, "denver", "nova", "new", local(FRIDAY, 8))
        uow.commit()
    with database.unit_of_work() as uow:
        assert live.clear_stale_statuses(uow, "denver", [track_id], local(FRIDAY, 9)) == 0
        assert live.clear_stale_statuses(uow, "gone", [track_id], local(FRIDAY, 9)) == 0  # event deleted
    assert status(database)[0] == "new"


def test_the_session_clock_announces_each_start_and_end_once_and_skips_late_ones(database):
    with database.unit_of_work() as uow:
        assert clock.announce_due(uow, "start", DURING_CELLS, timedelta(hours=1), 200) == (1, 1)
        assert clock.announce_due(uow, "end", DURING_CELLS, timedelta(hours=1), 200) == (0, 0)
        uow.commit()
    with database.unit_of_work() as uow:
        assert clock.announce_due(uow, "start", DURING_CELLS, timedelta(hours=1), 200) == (0, 0)
        # the end passed hours ago when the worker comes back: stamped, not announced
        assert clock.announce_due(uow, "end", local(THURSDAY, 15), timedelta(hours=1), 200) == (1, 0)
        uow.commit()
    assert outbox_types(database) == ["ptghub.schedule.session.started"]
    assert timers.announce_due(database, local(FRIDAY, 9)) == 0
