"""Note extraction: due dates (ISO, month and day, weekdays on the event's calendar)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from services.notes.extraction import Calendar, Context, extract
from services.notes.extraction.dates import due_date

# A Monday-to-Friday gathering; the note was written on the Tuesday.
WEEK = Calendar(start=date(2027, 4, 5), end=date(2027, 4, 9), timezone="UTC", today=date(2027, 4, 6))


@pytest.mark.parametrize("text, expected", [
    ("due 2027-06-01", date(2027, 6, 1)),
    ("due: 2027-06-01", date(2027, 6, 1)),
    ("(due 2027-06-01)", date(2027, 6, 1)),
    ("by 2027-06-01", date(2027, 6, 1)),
    ("before 2027/06/10", date(2027, 6, 10)),
    ("by June 3", date(2027, 6, 3)),
    ("by 14 July 2027", date(2027, 7, 14)),
    ("by Jan 5th", date(2028, 1, 5)),      # the next such date after the note's
    ("by Friday", date(2027, 4, 9)),
    ("by next Friday", date(2027, 4, 9)),
    ("by Fri", date(2027, 4, 9)),
    ("by Tuesday", date(2027, 4, 13)),     # written on a Tuesday: next week's
    ("by tomorrow", date(2027, 4, 7)),
    ("by end of week", date(2027, 4, 9)),
    ("by the end of the PTG", date(2027, 4, 9)),
    ("no date here", None),
    ("by the way", None),
    ("due to the outage", None),
])
def test_due_forms(text, expected):
    assert due_date(text, WEEK) == expected


def test_a_weekday_without_the_note_date_counts_from_the_event_start():
    assert due_date("by Friday", Calendar(start=date(2027, 4, 5))) == date(2027, 4, 9)
    assert due_date("by Friday", Calendar()) is None


def test_the_note_date_is_on_the_event_calendar():
    calendar = Calendar(start=date(2027, 4, 5), timezone="America/Denver").on(
        datetime(2027, 4, 9, 3, 0, tzinfo=timezone.utc))   # still Thursday in Denver
    assert calendar.today == date(2027, 4, 8)
    assert due_date("by Friday", calendar) == date(2027, 4, 9)


def test_actions_carry_their_due_date():
    found = extract("#action bauzas send a mail by Friday\n- I will update the docs by 2027-06-01",
                    Context(author="bauzas", calendar=WEEK))
    assert [(i.owners, i.due) for i in found] == [(("bauzas",), date(2027, 4, 9)),
                                                  (("bauzas",), date(2027, 6, 1))]
