"""Planning reminders (pure): each reason, the civil window in the owner's timezone across DST,
caps, snoozes, collapse after downtime, and who is never reminded."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from services.actions.domain import policy, reminders
from services.actions.domain.reminders import Facts, next_reminder

UTC = timezone.utc
DENVER = reminders.zone("America/Denver")
BERLIN = reminders.zone("Europe/Berlin")
TOKYO = reminders.zone("Asia/Tokyo")
LONDON = reminders.zone("Europe/London")
DEFAULT = policy.DEFAULT


def at(zone, *parts):
    """A civil time in ``zone``, as UTC."""
    return datetime(*parts, tzinfo=zone).astimezone(UTC)


def run(facts, zone, pol=DEFAULT, now=None, limit=30):
    """Every reminder the owner gets if each is sent the moment it is due: [(reason, local time)]."""
    now, sent, got = now or facts.created_at, set(), []
    for _ in range(limit):
        upcoming = next_reminder(facts, zone, pol, sent, now)
        if upcoming is None:
            return got
        got.append((upcoming.reason, upcoming.at.astimezone(zone).replace(tzinfo=None)))
        sent |= {upcoming.reason, *upcoming.skipped}
        now = upcoming.at
    raise AssertionError("no end to the reminders")


def test_every_reason_of_an_action_with_a_due_date_in_order_inside_the_window():
    facts = Facts("open", date(2026, 6, 20), None, at(DENVER, 2026, 6, 1, 10, 30))
    assert run(facts, DENVER) == [
        ("assigned", datetime(2026, 6, 1, 10, 30)),
        ("before_due:3@2026-06-20", datetime(2026, 6, 17, 9)),
        ("before_due:1@2026-06-20", datetime(2026, 6, 19, 9)),
        ("on_due@2026-06-20", datetime(2026, 6, 20, 9)),
        ("overdue:1@2026-06-20", datetime(2026, 6, 27, 9)),
        ("overdue:2@2026-06-20", datetime(2026, 7, 4, 9)),
        ("overdue:3@2026-06-20", datetime(2026, 7, 11, 9)),
        ("overdue:4@2026-06-20", datetime(2026, 7, 18, 9)),
    ]


def test_no_due_date_every_14_days_at_most_3_times():
    facts = Facts("in_progress", None, None, at(TOKYO, 2026, 6, 1, 12))
    assert run(facts, TOKYO) == [
        ("assigned", datetime(2026, 6, 1, 12)),
        ("no_due:1", datetime(2026, 6, 15, 9)),
        ("no_due:2", datetime(2026, 6, 29, 9)),
        ("no_due:3", datetime(2026, 7, 13, 9)),
    ]


def test_assigned_out_of_hours_waits_for_the_window():
    evening = Facts("open", None, None, at(BERLIN, 2026, 6, 1, 22, 15))
    early = Facts("open", None, None, at(BERLIN, 2026, 6, 1, 6, 0))
    at_end = Facts("open", None, None, at(BERLIN, 2026, 6, 1, 18, 0))  # the end is outside
    assert run(evening, BERLIN)[0] == ("assigned", datetime(2026, 6, 2, 9))
    assert run(early, BERLIN)[0] == ("assigned", datetime(2026, 6, 1, 9))
    assert run(at_end, BERLIN)[0] == ("assigned", datetime(2026, 6, 2, 9))


def test_the_window_is_the_owners_civil_day_across_dst():
    # Denver leaves MST for MDT on 2026-03-08: 09:00 is 16:00 UTC before, 15:00 UTC after.
    facts = Facts("open", date(2026, 3, 10), None, at(DENVER, 2026, 3, 1, 12))
    sent = {"assigned"}
    first = next_reminder(facts, DENVER, DEFAULT, sent, facts.created_at)
    assert first.reason == "before_due:3@2026-03-10" and first.at == datetime(2026, 3, 7, 16, tzinfo=UTC)
    second = next_reminder(facts, DENVER, DEFAULT, sent | {first.reason}, first.at)
    assert second.reason == "before_due:1@2026-03-10" and second.at == datetime(2026, 3, 9, 15, tzinfo=UTC)
    # London leaves BST on 2026-10-25: 09:00 is 08:00 UTC before, 09:00 UTC after.
    autumn = Facts("open", date(2026, 10, 26), None, at(LONDON, 2026, 10, 1, 12))
    times = dict(run(autumn, LONDON))
    assert times["before_due:3@2026-10-26"] == datetime(2026, 10, 23, 9)
    assert times["before_due:1@2026-10-26"] == datetime(2026, 10, 25, 9)
    assert reminders.window_start(date(2026, 10, 23), LONDON, DEFAULT) == datetime(2026, 10, 23, 8, tzinfo=UTC)
    assert reminders.window_start(date(2026, 10, 25), LONDON, DEFAULT) == datetime(2026, 10, 25, 9, tzinfo=UTC)


def test_a_window_start_in_the_dst_gap_lands_just_after_it():
    # Berlin skips 02:00-03:00 on 2026-03-29: a 02:30 start is 03:30 CEST (01:30 UTC).
    night = policy.effective({"window": {"start": "02:30", "end": "06:00"}})
    start = reminders.window_start(date(2026, 3, 29), BERLIN, night)
    assert start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert reminders.in_window(start, BERLIN, night)
    assert reminders.place(at(BERLIN, 2026, 3, 28, 23), BERLIN, night) == start


def test_the_same_civil_time_in_different_timezones():
    created = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    tokyo = next_reminder(Facts("open", date(2026, 6, 10), None, created), TOKYO, DEFAULT, {"assigned"}, created)
    utc = next_reminder(Facts("open", date(2026, 6, 10), None, created), reminders.zone("UTC"), DEFAULT,
                        {"assigned"}, created)
    assert tokyo.at == datetime(2026, 6, 7, 0, tzinfo=UTC)  # 09:00 JST
    assert utc.at == datetime(2026, 6, 7, 9, tzinfo=UTC)


def test_an_unknown_timezone_is_utc():
    assert reminders.zone("Mars/Olympus") == reminders.zone("UTC")
    assert reminders.zone(None) == reminders.zone("UTC")


def test_caps_and_switches():
    facts = Facts("open", date(2026, 6, 20), None, at(DENVER, 2026, 6, 1, 10))
    quiet = policy.effective({"on_assign": False, "before_due_days": [], "on_due": False, "overdue_max": 2,
                              "overdue_every_days": 2})
    assert [reason for reason, _ in run(facts, DENVER, quiet)] == ["overdue:1@2026-06-20", "overdue:2@2026-06-20"]
    never = policy.effective({"on_assign": False, "before_due_days": [], "on_due": False, "overdue_max": 0})
    assert run(facts, DENVER, never) == []
    no_due = policy.effective({"no_due_max": 0, "on_assign": False})
    assert run(Facts("open", None, None, facts.created_at), DENVER, no_due) == []


def test_settled_actions_and_unreachable_owners_get_nothing():
    created = at(DENVER, 2026, 6, 1, 10)
    for settled in ("done", "dropped"):
        assert next_reminder(Facts(settled, date(2026, 6, 20), None, created), DENVER, DEFAULT, set(), created) is None
    assert next_reminder(Facts("open", date(2026, 6, 20), None, created), None, DEFAULT, set(), created) is None


def test_a_snooze_holds_everything_until_that_days_window_and_the_passed_collapse():
    facts = Facts("open", date(2026, 6, 20), date(2026, 6, 22), at(DENVER, 2026, 6, 1, 10))
    upcoming = next_reminder(facts, DENVER, DEFAULT, set(), facts.created_at)
    assert upcoming.at == at(DENVER, 2026, 6, 22, 9)
    assert upcoming.reason == "on_due@2026-06-20"  # the latest passed by then
    assert upcoming.skipped == ("assigned", "before_due:3@2026-06-20", "before_due:1@2026-06-20")
    # A snooze already over changes nothing.
    awake = Facts("open", date(2026, 6, 20), date(2026, 6, 1), facts.created_at)
    assert next_reminder(awake, DENVER, DEFAULT, set(), facts.created_at).reason == "assigned"


def test_after_downtime_the_passed_reasons_collapse_into_the_latest():
    facts = Facts("open", date(2026, 6, 20), None, at(DENVER, 2026, 6, 1, 10))
    back = at(DENVER, 2026, 7, 5, 3, 0)  # the worker comes back at 03:00, outside the window
    upcoming = next_reminder(facts, DENVER, DEFAULT, {"assigned"}, back)
    assert upcoming.at == at(DENVER, 2026, 7, 5, 9)
    assert upcoming.reason == "overdue:2@2026-06-20"
    assert upcoming.skipped == ("before_due:3@2026-06-20", "before_due:1@2026-06-20", "on_due@2026-06-20",
                                "overdue:1@2026-06-20")
    rest = next_reminder(facts, DENVER, DEFAULT, {"assigned", upcoming.reason, *upcoming.skipped}, upcoming.at)
    assert rest.reason == "overdue:3@2026-06-20" and rest.skipped == ()


def test_inside_the_window_a_due_reminder_is_due_now():
    facts = Facts("open", date(2026, 6, 20), None, at(DENVER, 2026, 6, 1, 10))
    now = at(DENVER, 2026, 6, 17, 11, 42)
    upcoming = next_reminder(facts, DENVER, DEFAULT, {"assigned"}, now)
    assert upcoming.at == now and upcoming.reason == "before_due:3@2026-06-20"


def test_an_action_recorded_late_skips_the_days_before_it_existed():
    facts = Facts("open", date(2026, 6, 1), None, at(DENVER, 2026, 6, 16, 10))  # 15 days overdue already
    assert [reason for reason, _ in run(facts, DENVER)] == [
        "assigned", "overdue:3@2026-06-01", "overdue:4@2026-06-01"]
    # Recorded on the day before its due date: before_due:1 folds into the assignment.
    close = Facts("open", date(2026, 6, 2), None, at(DENVER, 2026, 6, 1, 10))
    first = next_reminder(close, DENVER, DEFAULT, set(), close.created_at)
    assert first.reason == "assigned" and first.skipped == ("before_due:1@2026-06-02",)


def test_a_new_due_date_earns_its_own_reminders():
    created = at(DENVER, 2026, 6, 1, 10)
    sent = {"assigned", "before_due:3@2026-06-20", "before_due:1@2026-06-20"}
    moved = next_reminder(Facts("open", date(2026, 7, 20), None, created), DENVER, DEFAULT, sent,
                          at(DENVER, 2026, 6, 19, 12))
    assert moved.reason == "before_due:3@2026-07-20" and moved.at == at(DENVER, 2026, 7, 17, 9)


def test_days_from_due_as_the_owners_calendar_counts():
    due = date(2026, 6, 20)
    assert reminders.days_from_due("before_due", due, at(TOKYO, 2026, 6, 17, 9), TOKYO) == 3
    assert reminders.days_from_due("on_due", due, at(TOKYO, 2026, 6, 20, 9), TOKYO) == 0
    assert reminders.days_from_due("overdue", due, at(TOKYO, 2026, 7, 4, 9), TOKYO) == 14
    assert reminders.days_from_due("assigned", due, at(TOKYO, 2026, 6, 1, 9), TOKYO) is None
    assert reminders.days_from_due("no_due", None, at(TOKYO, 2026, 6, 1, 9), TOKYO) is None


@pytest.mark.parametrize("reason, kind", [("assigned", "assigned"), ("before_due:3@2026-06-20", "before_due"),
                                          ("on_due@2026-06-20", "on_due"), ("overdue:2@2026-06-20", "overdue"),
                                          ("no_due:1", "no_due")])
def test_kind_of_a_reason(reason, kind):
    assert reminders.kind_of(reason) == kind


def test_place_moves_into_the_window():
    assert reminders.place(at(DENVER, 2026, 6, 1, 8, 59), DENVER, DEFAULT) == at(DENVER, 2026, 6, 1, 9)
    assert reminders.place(at(DENVER, 2026, 6, 1, 17, 59), DENVER, DEFAULT) == at(DENVER, 2026, 6, 1, 17, 59)
    assert reminders.place(at(DENVER, 2026, 6, 1, 23, 0), DENVER, DEFAULT) == at(DENVER, 2026, 6, 2, 9)
    assert DEFAULT.window_start == time(9)
    assert timedelta(0) == reminders.place(at(DENVER, 2026, 6, 1, 9), DENVER, DEFAULT) - at(DENVER, 2026, 6, 1, 9)
