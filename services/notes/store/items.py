"""The items drawn out of a note's text, as kept."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.db import new_id
from services.kit.problems import NotFound

from .models import Note, NoteItem


def note_items(session: Session, note: Note) -> list[NoteItem]:
    """The note's items, in the order of their lines."""
    if not note.revision:
        return []
    return list(session.scalars(sa.select(NoteItem).where(NoteItem.note_id == note.id)
                                .order_by(NoteItem.line, NoteItem.id)))


def get_item(session: Session, note: Note, item_id: str, lock: bool = False) -> NoteItem:
    item = session.get(NoteItem, item_id, with_for_update=True if lock else None)
    if item is None or item.note_id != note.id:
        raise NotFound(f"the note has no item {item_id!r}", errors={"item": ["unknown item"]})
    return item


def add_item(session: Session, note: Note, values: dict[str, Any]) -> NoteItem:
    item = NoteItem(id=new_id(), note_id=note.id, **values)
    session.add(item)
    return item


def update_item(item: NoteItem, values: dict[str, Any]) -> NoteItem:
    for name, value in values.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
    return item


def remove_item(session: Session, item: NoteItem) -> None:
    session.delete(item)


def items_by_note(session: Session, notes: list[Note]) -> dict[str, list[NoteItem]]:
    """The stored items of each of ``notes`` (a query per 500 notes), by note id, in line order."""
    ids = [note.id for note in notes if note.revision]
    found: dict[str, list[NoteItem]] = {}
    for start in range(0, len(ids), 500):  # bound the IN list
        for item in session.scalars(sa.select(NoteItem).where(NoteItem.note_id.in_(ids[start:start + 500]))
                                    .order_by(NoteItem.note_id, NoteItem.line, NoteItem.id)):
            found.setdefault(item.note_id, []).append(item)
    return found
