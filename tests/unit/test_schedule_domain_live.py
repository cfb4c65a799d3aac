"""The live rules: a track's status (now, next, location), the new day, rooms for booking, the
message of the day (pure)."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from services.kit.problems import Conflict, Invalid
from services.schedule import domain
from services.schedule.domain import live

UTC = timezone.utc


# -- status transitions ------------------------------------------------------------------------------

def test_now_clears_next_next_appends_clean_empties_and_location_stays():
    status = live.TrackStatus(location="Vail")
    status = live.add_next(status, "cells v2")
    status = live.add_next(status, "python 3 jobs")
    assert status == live.TrackStatus(None, ("cells v2", "python 3 jobs"), "Vail")
    status = live.set_now(status, "placement")
    assert status == live.TrackStatus("placement", (), "Vail")
    status = live.add_next(status, "upgrades")
    assert status.next == ("upgrades",) and status.now == "placement"
    assert live.clean(status) == live.TrackStatus(None, (), "Vail")
    assert live.clean(status).empty and not status.empty
    assert live.set_location(status, "") == live.TrackStatus("placement", ("upgrades",), None)


def test_next_is_bounded():
    status = live.TrackStatus()
    for i in range(live.MAX_NEXT):
        status = live.add_next(status, f"topic {i}")
    with pytest.raises(Conflict, match="Too many") as refused:
        live.add_next(status, "one more")
    assert "next" in refused.value.errors


def test_a_status_is_stale_once_the_events_local_midnight_passed():
    zone = "America/Denver"  # UTC-6 in May
    set_at = datetime(2019, 5, 2, 23, 30, tzinfo=UTC)  # 17:30 local on the 2nd
    assert not live.status_is_stale(set_at, datetime(2019, 5, 3, 5, 59, tzinfo=UTC), zone)  # 23:59 local
    assert live.status_is_stale(set_at, datetime(2019, 5, 3, 6, 0, tzinfo=UTC), zone)  # local midnight
    assert not live.status_is_stale(None, datetime(2019, 5, 9, tzinfo=UTC), zone)
    assert live.local_midnight(datetime(2019, 5, 3, 3, 0, tzinfo=UTC), zone) == datetime(2019, 5, 2, 6, 0, tzinfo=UTC)
    assert domain.local_day(datetime(2019, 5, 3, 3, 0, tzinfo=UTC), zone) == date(2019, 5, 2)
    # Auckland's midnight is noon UTC the day before
    assert live.local_midnight(datetime(2019, 5, 3, 13, 0, tzinfo=UTC), "Pacific/Auckland") == \
        datetime(2019, 5, 3, 12, 0, tzinfo=UTC)


# -- rooms for booking ------------------------------------------------------------------------------

def test_video_capability_and_offered_slots():
    assert live.room_has_video("https://meet.jit.si/x", None, None)
    assert live.room_has_video(None, "facetime-video", "Videoprojection available")
    assert not live.room_has_video(None, None, "Fits a team of 10")
    assert live.room_offers(None, "MonA1")
    assert live.room_offers(["MonA1"], "MonA1") and not live.room_offers(["MonA1"], "MonA2")
    assert live.default_colour("nova") == live.default_colour("nova") and live.default_colour("nova") in live.PALETTE


# -- message of the day ------------------------------------------------------------------------------

def test_motd_reorder_by_id():
    rows = [SimpleNamespace(id=i) for i in ("a", "b", "c")]
    assert [r.id for r in live.motd_reorder_by_id(rows, ["c", "a"])] == ["c", "a"]
    with pytest.raises(Invalid):
        live.motd_reorder_by_id(rows, ["z"])
    with pytest.raises(Invalid):
        live.motd_reorder_by_id(rows, ["a", "a"])
