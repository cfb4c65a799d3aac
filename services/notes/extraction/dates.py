"""Due dates written in an action: ``due 2027-06-01``, ``by 2027-06-01``, ``by Friday``, ``by June 1``.

Forms, any case, with ``due``/``due:``/``due by``/``by``/``before``/``until``/``no later than`` in front:

- ISO ``2027-06-01`` (also ``2027/06/01``);
- a month and day: ``June 1``, ``1 June``, ``Jun 1st``, with or without a year; without one, the first such
  date on or after the note's date;
- a weekday: ``by Friday``, ``by next Friday``, ``by Fri``: the first such weekday *after* the note's date
  (written on a Friday, "by Friday" is a week later; "next" changes nothing: people use it for the coming
  one); when the note's date is unknown, the first such weekday on or after the event's start, so "by
  Friday" in a pad written during a Monday-to-Friday gathering is that week's Friday;
- ``by tomorrow``, ``by end of day``/``by EOD`` (the note's date), ``by end of week`` (the week's Friday),
  ``by the end of the PTG``/``event``/``gathering``/``summit`` (the event's last day).

The note's date is :attr:`Calendar.today`, the day of the save on the event's calendar (its timezone).
Relative forms with neither the note's date nor the event's start known give no date.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from .context import Calendar

_WEEKDAYS = {name: i for i, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))) for name in names}
_MONTHS = {name: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), 1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_LEAD = r"\b(?:due(?:\s+(?:by|on|date))?\s*:?|by|before|until|till|no\s+later\s+than|deadline\s*:?)\s+(?:the\s+)?"

DUE = re.compile(
    _LEAD + r"(?:"
    r"(?P<iso>\d{4})[-/](?P<im>\d{1,2})[-/](?P<id>\d{1,2})\b"
    rf"|(?P<md_m>{_MONTH})\.?\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_y>\d{{4}}))?"
    rf"|(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_m>{_MONTH})\b\.?(?:,?\s+(?P<dm_y>\d{{4}}))?"
    rf"|(?:(?P<next>next|this|the\s+coming)\s+)?(?P<wd>{_WEEKDAY})\b\.?"
    r"|(?P<tomorrow>tomorrow)\b"
    r"|(?P<eod>(?:the\s+)?end\s+of\s+(?:the\s+)?day|eod)\b"
    r"|(?P<eow>(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week|eow)\b"
    r"|(?P<eoe>(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:ptg|event|gathering|summit|conference|week's\s+ptg))\b"
    r")", re.I)


def due_date(text: str, calendar: Calendar) -> date | None:
    """The first due date the text states, or None."""
    for match in DUE.finditer(text):
        found = _date(match, calendar)
        if found is not None:
            return found
    return None


def _date(match: re.Match, calendar: Calendar) -> date | None:
    groups = match.groupdict()
    try:
        if groups["iso"]:
            return date(int(groups["iso"]), int(groups["im"]), int(groups["id"]))
        if groups["md_m"] or groups["dm_m"]:
            month = _MONTHS[(groups["md_m"] or groups["dm_m"]).lower()]
            day = int(groups["md_d"] or groups["dm_d"])
            year = groups["md_y"] or groups["dm_y"]
            if year:
                return date(int(year), month, day)
            ref = calendar.today or calendar.start
            if ref is None:
                return None
            found = date(ref.year, month, day)
            return found if found >= ref else date(ref.year + 1, month, day)
    except ValueError:
        return None
    if groups["eoe"]:
        return calendar.end
    ref = calendar.today
    if groups["wd"]:
        weekday = _WEEKDAYS[groups["wd"].lower()]
        if ref is not None:
            return ref + timedelta(days=(weekday - ref.weekday() - 1) % 7 + 1)
        if calendar.start is not None:
            return calendar.start + timedelta(days=(weekday - calendar.start.weekday()) % 7)
        return None
    if ref is None:
        return None
    if groups["tomorrow"]:
        return ref + timedelta(days=1)
    if groups["eod"]:
        return ref
    if groups["eow"]:
        return ref + timedelta(days=(4 - ref.weekday()) % 7)
    return None
