"""Exports of action items: a CSV of the list's filters, and iCalendar to-do feeds of one person's or
one track's actions.

The CSV is streamed: rows are read in batches and handed out in chunks as they are written, so a
100,000-row export never sits in memory whole. A feed is looked up first (404 for an unknown person
or track, before any byte is sent), fingerprinted by the (id, version) of its actions (its ETag:
an ``If-None-Match`` that still matches costs one narrow query and renders nothing), then rendered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import sqlalchemy as sa

from services.kit import config
from services.kit.db import UnitOfWork, utcnow

from .. import store
from ..domain import exports as render, owners
from ..store import exports as queries

# Part of every ETag: bump when a feed's bytes change for the same actions.
FORMAT_REVISION = 1


def action_urls() -> Callable[[str], str]:
    """Where each action is read over the public API (``PTGHUB_PUBLIC_URL``, read once an export)."""
    base = f"{config.public_url()}/api/v1/actions/"
    return lambda action_id: base + action_id


def csv_export(uow: UnitOfWork, query: dict[str, Any]) -> Iterator[bytes]:
    """The CSV of every action the list's filters name, oldest first, in UTF-8 chunks."""
    statement = store.filtered({**query, "today": utcnow().date()})
    return render.csv_chunks(queries.stream(uow.session, statement), action_urls())


def csv_filename(query: dict[str, Any]) -> str:
    """``actions[-event][-track][-status].csv``: the filters that narrow it, in safe characters only."""
    parts = ["actions", *(query[name] for name in ("event", "track") if query.get(name)),
             *(["_".join(query["status"])] if query.get("status") else [])]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(parts)) + ".csv"


@dataclass(frozen=True)
class Feed:
    """A to-do feed: its name, the actions it holds, the file it downloads as, and what its ETag covers."""

    name: str
    statement: sa.Select
    filename: str
    scope: tuple


@dataclass(frozen=True)
class Rendering:
    """A feed as answered: its ETag (without quotes), file name, and bytes (None: the client's copy is current)."""

    tag: str
    filename: str
    body: bytes | None


def person_calendar(uow: UnitOfWork, nick: str, current: Callable[[str], bool]) -> Rendering:
    """The to-dos a person (named by nick, alias or address) owns: 404 naming ``nick`` when no one
    has the name. ``current(tag)`` says whether the client holds that ETag already."""
    person = store.get_person(uow.session, owners.key(nick))
    feed = Feed(f"Action items of {person.name or person.nick}", queries.of_person(person),
                f"actions-{_safe(person.nick)}.ics", ("person", person.id, person.version, person.nick, person.name))
    return _render(uow, feed, current)


def track_calendar(uow: UnitOfWork, event: str, track: str, current: Callable[[str], bool]) -> Rendering:
    """A track's to-dos (a retired track's too): 404 naming ``track`` when the event has no such track."""
    copy = queries.get_track(uow.session, event, track)
    feed = Feed(f"{copy.name} action items ({event})", queries.of_track(event, track),
                f"actions-{_safe(event)}-{_safe(track)}.ics", ("track", event, track, copy.name))
    return _render(uow, feed, current)


def _render(uow: UnitOfWork, feed: Feed, current: Callable[[str], bool]) -> Rendering:
    """ETag from the actions' ids and versions (one narrow query); the calendar only when the client lacks it."""
    tag = queries.fingerprint(uow.session, feed.statement, FORMAT_REVISION, config.public_url(), feed.scope)
    if current(tag):
        return Rendering(tag, feed.filename, None)
    body = render.calendar(feed.name, queries.stream(uow.session, feed.statement), action_urls())
    return Rendering(tag, feed.filename, body)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
