"""An event's free notes: found, made, listed (with who saved each last)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.db import new_id, utcnow
from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate

from .. import domain
from .copies import require_event_copy
from .models import Event, Note, NoteRevision


def find_free_note(session: Session, event: str, slug: str, lock: bool = False) -> Note | None:
    statement = sa.select(Note).where(Note.kind == domain.EVENT, Note.event == event, Note.slug == slug)
    return session.scalar(statement.with_for_update() if lock else statement)


def get_free_note(session: Session, event: str, slug: str, lock: bool = False) -> Note:
    """An event's free note (a deleted one too); 404 naming ``event`` for an event notes does not know,
    ``slug`` for a note the event has none of."""
    note = find_free_note(session, event, slug, lock)
    if note is None:
        require_event_copy(session, event)
        raise NotFound(f"event {event!r} has no free note {slug!r}", errors={"slug": ["unknown note"]})
    return note


def add_free_note(session: Session, event: Event, slug: str, title: str) -> Note:
    """A new free note of ``event``: empty, at revision 0, shown in the event's timezone."""
    note = Note(id=new_id(), kind=domain.EVENT, event=event.slug, track=domain.EVENT_SCOPE, slug=slug, title=title,
                body="", revision=0, status=None, timezone=event.timezone, updated_at=utcnow(), created_at=utcnow())
    session.add(note)
    session.flush()
    return note


class FreeNoteEntry:
    """A free note as the event's list shows it: the note and who saved its current revision."""

    __slots__ = ("note", "author")

    def __init__(self, note: Note, author: str | None):
        self.note, self.author = note, author


def free_notes_page(session: Session, event: str, limit: int, cursor: str | None
                    ) -> tuple[list[FreeNoteEntry], str | None]:
    """A page of the event's free notes (deleted ones left out), by slug, each with its last author."""
    statement = sa.select(Note).where(Note.kind == domain.EVENT, Note.event == event, _not_deleted())
    notes, next_cursor = paginate(session, statement, [Note.slug], lambda note: [note.slug], limit, cursor,
                                  parse=_parse_slug_cursor)
    current = [(note.id, note.revision) for note in notes if note.revision]
    authors = {(row.note_id, row.revision): row.author for row in session.execute(
        sa.select(NoteRevision.note_id, NoteRevision.revision, NoteRevision.author)
        .where(sa.tuple_(NoteRevision.note_id, NoteRevision.revision).in_(current)))} if current else {}
    return [FreeNoteEntry(note, authors.get((note.id, note.revision))) for note in notes], next_cursor


def _parse_slug_cursor(values: list) -> list[str]:
    if not isinstance(values[0], str):
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return values


def event_free_notes(session: Session, event: str) -> list[Note]:
    """The free notes an event summary covers: not deleted, ever saved, by slug."""
    return list(session.scalars(sa.select(Note).where(Note.kind == domain.EVENT, Note.event == event,
                                                      Note.revision > 0, _not_deleted()).order_by(Note.slug)))


def _not_deleted():
    return sa.or_(Note.status.is_(None), Note.status != domain.DELETED)
