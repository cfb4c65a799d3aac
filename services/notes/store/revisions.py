"""A note's revisions: saved, read, paged, and who wrote them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate

from .models import Note, NoteRevision


def save_revision(session: Session, note: Note, revision: int, body: str, author: str, at: datetime) -> Note:
    """The note's new body as its revision ``revision``, kept with its author."""
    note.revision = revision
    note.body = body
    note.updated_at = at
    session.add(NoteRevision(note_id=note.id, revision=revision, body=body, author=author, created_at=at))
    session.flush()
    return note


def get_revision(session: Session, note: Note, revision: int, field: str = "revision") -> NoteRevision:
    """One revision of ``note``; 404 naming ``field`` when it has none of that number."""
    found = session.get(NoteRevision, (note.id, revision)) if note.revision else None
    if found is None:
        raise NotFound(f"the note has no revision {revision} (it is at revision {note.revision})",
                       errors={field: [f"unknown revision; the note has revisions 1 to {note.revision}"
                                       if note.revision else "unknown revision; the note has none yet"]})
    return found


def revisions_page(session: Session, note: Note, limit: int, cursor: str | None) -> tuple[list[NoteRevision], str | None]:
    """A page of a note's revisions, newest first.

    ``paginate`` walks keys in ascending order, so the key is the negated revision number.
    """
    statement = sa.select(NoteRevision).where(NoteRevision.note_id == note.id)
    return paginate(session, statement, [-NoteRevision.revision], lambda r: [-r.revision], limit, cursor,
                    parse=_parse_revision_cursor)


def _parse_revision_cursor(values: list) -> list[int]:
    if not isinstance(values[0], int) or isinstance(values[0], bool) or abs(values[0]) >= 2 ** 31:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return values


def revision_authors(session: Session, note: Note) -> list[str]:
    """Everyone who saved a revision of ``note`` (display names), in no particular order."""
    if not note.revision:
        return []
    return list(session.scalars(sa.select(NoteRevision.author).where(NoteRevision.note_id == note.id).distinct()))
