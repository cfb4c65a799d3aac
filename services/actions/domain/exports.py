"""Action items as files other tools read, free of I/O: CSV rows for a spreadsheet and iCalendar
VTODOs (RFC 5545, the ``icalendar`` library) for a calendar or task app.

CSV is RFC 4180 (the ``csv`` module: CRLF line ends, fields with commas, quotes or line breaks
quoted, quotes doubled). A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula, so every such text cell is written with a ``'`` in front
(OWASP "CSV injection"): an action titled ``=HYPERLINK(...)`` stays text.

A VTODO's ``UID`` is ``<action id>@ptghub`` forever and its ``SEQUENCE`` the action's version, so a
client that subscribed updates its copy instead of adding one; ``DTSTAMP`` and ``LAST-MODIFIED``
are the action's last change, so the same actions always render the same bytes.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator

from icalendar import Calendar, Todo

from . import status

PRODID = "-//ptghub//actions export//EN"

CSV_COLUMNS = ("id", "title", "description", "status", "owners", "owner_emails", "event", "track", "session_id",
               "due_date", "snoozed_until", "created_at", "updated_at", "completed_at", "source_line", "source_text",
               "needs_owner", "url")
# Cells a spreadsheet would read as a formula start with one of these (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Rows encoded into one chunk of a streamed CSV.
CSV_CHUNK_ROWS = 200

TODO_STATUS = {status.OPEN: "NEEDS-ACTION", status.IN_PROGRESS: "IN-PROCESS", status.DONE: "COMPLETED",
               status.DROPPED: "CANCELLED"}

UrlOf = Callable[[str], str]


def cell(value) -> str:
    """One CSV cell: dates in ISO 8601, booleans ``true``/``false``, None empty, and text that a
    spreadsheet would run as a formula prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def owner_email(owner) -> str:
    """The address an owner is reached at: their person's (``email``), or the name itself when it is one."""
    if owner.email:
        return owner.email
    return owner.key if "@" in owner.key else ""


def csv_row(action, url: str) -> list[str]:
    """An action as the cells of :data:`CSV_COLUMNS`. Owners and their addresses are ``;``-joined in
    the same order (an owner with no known address leaves its place empty)."""
    values = {
        "id": action.id, "title": action.title, "description": action.description, "status": action.status,
        "owners": ";".join(owner.name for owner in action.owners),
        "owner_emails": ";".join(owner_email(owner) for owner in action.owners),
        "event": action.event, "track": action.track, "session_id": action.session_id,
        "due_date": action.due_date, "snoozed_until": action.snoozed_until, "created_at": action.created_at,
        "updated_at": action.updated_at, "completed_at": action.completed_at, "source_line": action.source_line,
        "source_text": action.source_text, "needs_owner": not action.owners, "url": url,
    }
    return [cell(values[column]) for column in CSV_COLUMNS]


def csv_chunks(actions: Iterable, url_of: UrlOf) -> Iterator[bytes]:
    """The CSV of ``actions`` (header row first) in UTF-8 chunks of :data:`CSV_CHUNK_ROWS` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for action in actions:
        writer.writerow(csv_row(action, url_of(action.id)))
        rows += 1
        if rows % CSV_CHUNK_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def description(action) -> str:
    """The VTODO's description: the action's own, where it came from, and who owns it."""
    parts = [action.description.strip()] if (action.description or "").strip() else []
    if action.source_text:
        where = f"From the notes (line {action.source_line})" if action.source_line else "From the notes"
        removed = " (no longer in the notes)" if action.source_removed else ""
        parts.append(f"{where}{removed}: {action.source_text.strip()}")
    names = [owner.name for owner in action.owners]
    parts.append("Owners: " + ", ".join(names) if names else "Needs an owner")
    return "\n\n".join(parts)


def vtodo(action, url: str) -> Todo:
    """One action as a VTODO (RFC 5545 3.6.2): UID and DTSTAMP always, DUE as a date when it has one,
    COMPLETED when done, CATEGORIES its event and track."""
    todo = Todo()
    todo.add("uid", f"{action.id}@ptghub")
    todo.add("dtstamp", _utc(action.updated_at))
    todo.add("created", _utc(action.created_at))
    todo.add("last-modified", _utc(action.updated_at))
    todo.add("sequence", action.version or 0)
    todo.add("summary", action.title)
    todo.add("description", description(action))
    todo.add("status", TODO_STATUS[action.status])
    if action.due_date is not None:
        todo.add("due", action.due_date)  # VALUE=DATE: a day, not a moment
    if action.status == status.DONE and action.completed_at is not None:
        todo.add("completed", _utc(action.completed_at))
        todo.add("percent-complete", 100)
    categories = [name for name in (action.event, action.track) if name]
    if categories:
        todo.add("categories", categories)
    todo.add("url", url)
    return todo


def calendar(name: str, actions: Iterable, url_of: UrlOf) -> bytes:
    """A calendar of VTODOs named ``name`` (``X-WR-CALNAME``, RFC 7986 ``NAME``)."""
    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", name)
    feed.add("name", name)
    feed.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT15M")
    for action in actions:
        feed.add_component(vtodo(action, url_of(action.id)))
    return feed.to_ical()
