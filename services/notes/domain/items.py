"""The items drawn out of a note's text: what extraction is told, the items found, their states as kept."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from services.kit.problems import Invalid

from .. import extraction
from ..extraction import Calendar, Context, Item, People

OPEN, CONFIRMED, DISMISSED = "open", "confirmed", "dismissed"
STATES = (OPEN, CONFIRMED, DISMISSED)


def context(author: str | None, chairs: Iterable[Mapping[str, Any]], authors: Iterable[str],
            span: tuple[datetime | None, datetime | None, str | None], at: datetime) -> Context:
    """What extraction knows besides the text.

    ``author`` is who "I" is (the saver's token name, or the relay's nick). The people are the
    track's chairs (their nicks, with their names and addresses as aliases, from the schedule's
    track data) and everyone who saved a revision of the note. The calendar is the event's, from the
    first and last session notes has a copy of (none known: no calendar, "by Friday" has no date).
    """
    entries: dict[str, list[str]] = {}
    for chair in chairs:
        nick = chair.get("nick")
        if nick:
            entries[nick] = [alias for alias in (chair.get("name"), chair.get("email")) if alias]
    for name in authors:
        if name and " " not in name.strip():
            entries.setdefault(name, [])
    start, end, zone = span
    calendar = Calendar()
    if start is not None and end is not None:
        tz = ZoneInfo(zone or "UTC")
        calendar = Calendar(start.astimezone(tz).date(), end.astimezone(tz).date(), zone or "UTC").on(at)
    return Context(author=author, people=People(entries), calendar=calendar)


def extract_items(body: str, ctx: Context) -> tuple[Item, ...]:
    """The items of a note's text; a marker with no text is a 422 naming its line (nothing is saved)."""
    result = extraction.analyse(body, ctx)
    if result.invalid:
        lines = [f"line {problem.line}: {problem.message}" for problem in result.invalid]
        raise Invalid("body", "; ".join(lines), lines=[problem.line for problem in result.invalid])
    return result.items


def initial_state(item: Item) -> str:
    """A marker item (``#action``, ``AGREED:``, a URL line) is confirmed as written; a suggestion
    drawn out of prose is open until a chair confirms or dismisses it."""
    return OPEN if item.suggested else CONFIRMED


def item_values(item: Item) -> dict[str, Any]:
    """An extracted item as the store keeps it."""
    return {"kind": item.kind, "text": item.text, "source": item.source, "line": item.line,
            "owners": list(item.owners), "due": item.due, "suggested": item.suggested, "url": item.url,
            "urls": list(item.urls)}


def as_item(stored: Any) -> Item:
    """A stored item (anything with :func:`item_values`' attributes) as extraction sees it, for
    :func:`extraction.reconcile`."""
    due = stored.due
    return Item(stored.kind, stored.text, stored.line, stored.source, tuple(stored.owners or ()),
                due if isinstance(due, date) or due is None else date.fromisoformat(due),
                bool(stored.suggested), stored.url, tuple(stored.urls or ()))
