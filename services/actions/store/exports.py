"""The queries behind the action exports: which actions an export holds, read in batches, and a
cheap fingerprint of them (for the calendars' ETags) that needs no rendering.

The CSV takes the action list's own filters (:func:`.actions.filtered`: one definition);
:func:`of_person` and :func:`of_track` are the calendars'. :func:`stream` reads any such
statement's actions as plain rows, batch by batch.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

from .models import Action, ActionOwner, Person, Track
from .people import person_keys

# Rows read per query while streaming an export: memory stays bounded whatever the total.
BATCH = 500


def of_person(person: Person) -> sa.Select:
    """Every action ``person`` owns (linked to them, or written with one of their names)."""
    owned = sa.select(ActionOwner.action_id).where(
        sa.or_(ActionOwner.person_id == person.id, ActionOwner.key.in_(person_keys(person))))
    return sa.select(Action).where(Action.id.in_(owned))


def of_track(event: str, track: str) -> sa.Select:
    return sa.select(Action).where(Action.event == event, Action.track == track)


def get_track(session: Session, event: str, slug: str) -> Track:
    """The copy of a track an export names (retired ones too): 404 naming ``track`` when unknown."""
    track = session.get(Track, (event, slug))
    if track is None:
        raise NotFound(f"no track {slug!r} in event {event!r}", errors={"track": ["unknown track"]})
    return track


@dataclass(frozen=True)
class OwnerRow:
    """An owner as an export shows it: the name as written, its key, the address of its person (if any)."""

    name: str
    key: str
    email: str | None


@dataclass
class ActionRow:
    """An action as an export reads it: its columns and its owners in order (no ORM object: a plain row)."""

    id: str
    title: str
    description: str
    event: str | None
    track: str | None
    session_id: str | None
    status: str
    due_date: date | None
    snoozed_until: date | None
    source_text: str | None
    source_line: int | None
    source_removed: bool
    version: int
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    owners: list[OwnerRow] = field(default_factory=list)


COLUMNS = [getattr(Action, name) for name in ActionRow.__dataclass_fields__ if name != "owners"]


def stream(session: Session, statement: sa.Select, batch: int | None = None) -> Iterator[ActionRow]:
    """The actions of ``statement``, oldest first, read ``batch`` at a time (keyset on created, id).

    Two column queries a batch (the actions; their owners with their people's addresses), no ORM
    objects: 100,000 actions stream in seconds, and never sit in memory together.
    """
    batch = batch or BATCH
    rows_of = statement.with_only_columns(*COLUMNS).order_by(Action.created_at, Action.id).limit(batch)
    after: tuple | None = None
    while True:
        page = rows_of if after is None else rows_of.where(sa.tuple_(Action.created_at, Action.id) > sa.tuple_(*after))
        rows = [ActionRow(*row) for row in session.execute(page)]
        if not rows:
            return
        by_id = {row.id: row for row in rows}
        owners = (sa.select(ActionOwner.action_id, ActionOwner.name, ActionOwner.key, Person.email)
                  .outerjoin(Person, Person.id == ActionOwner.person_id)
                  .where(ActionOwner.action_id.in_(list(by_id)))
                  .order_by(ActionOwner.action_id, ActionOwner.position))
        for action_id, name, key, email in session.execute(owners):
            by_id[action_id].owners.append(OwnerRow(name, key, email))
        yield from rows
        if len(rows) < batch:
            return
        after = (rows[-1].created_at, rows[-1].id)


def fingerprint(session: Session, statement: sa.Select, *extra: Any) -> str:
    """A digest of the (id, version) of every action of ``statement`` and ``extra``: it changes with
    any change of any of them (the version grows) and with any action coming or going. Reads two
    narrow columns, renders nothing."""
    ids = statement.with_only_columns(Action.id, Action.version).order_by(Action.id)
    digest = hashlib.sha256(repr(extra).encode())
    for action_id, version in session.execute(ids):
        digest.update(f"{action_id}:{version};".encode())
    return digest.hexdigest()[:32]
