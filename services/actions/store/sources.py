"""Where actions come from in the notes: each note item seen, the announcement applied to it last.

``note_item_sources`` has one row per note item the notes service announced (an action item or not):
the note, the revision and publication time of the announcement last applied, and whether the item
is gone. The row outlives the action (a withdrawn action's item keeps it), so an announcement that
arrives late cannot bring a withdrawn action back. The action itself is found by its
``source_item_id`` (unique: one item, one action).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime, utcnow

from ..domain import history
from .models import Base, HistoryEntry


class NoteItemSource(Base):
    """A note item seen in ``ptghub.notes.note.items.changed``, and the announcement applied last."""

    __tablename__ = "note_item_sources"
    item_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True, comment="the notes service's item id")
    note_id: Mapped[str] = mapped_column(sa.String(64))
    revision: Mapped[int] = mapped_column(sa.Integer, comment="the note's revision the item was announced at")
    published_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="when the notes service published that announcement (orders a confirm after a save)")
    removed: Mapped[bool] = mapped_column(sa.Boolean, default=False, comment="the item is gone from its note")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def claim_source(session: Session, item_id: str) -> NoteItemSource | None:
    """The row of a note item, locked (None: the item was never seen). Two consumers announcing the
    same new item race on its primary key: the loser's event is retried and then finds the row."""
    return session.get(NoteItemSource, item_id, with_for_update=True)


def record_source(session: Session, source: NoteItemSource | None, item_id: str, note_id: str, revision: int,
                  published_at: datetime | None, removed: bool, now: datetime) -> NoteItemSource:
    """Remember the announcement just applied to an item (inserting its row the first time)."""
    if source is None:
        source = NoteItemSource(item_id=item_id)
        session.add(source)
    source.note_id, source.revision, source.published_at = note_id, revision, published_at
    source.removed, source.applied_at = removed, now
    session.flush()
    return source


def hand_edited_fields(session: Session, action_id: str, by: str) -> set[str]:
    """The fields of an action someone other than ``by`` changed (from its history's ``changed`` entries)."""
    entries = session.scalars(sa.select(HistoryEntry.changes).where(
        HistoryEntry.action_id == action_id, HistoryEntry.kind == history.CHANGED, HistoryEntry.actor != by))
    return {name for changes in entries for name in (changes or {})}
