"""The notes service layer: one function per use case (the summaries' are in :mod:`.summaries`).

Each takes a unit of work (and the principal, where who may do it depends on the note or track),
applies the domain's rules, queues its events in the outbox and returns the result. The caller owns
the transaction: a route commits the unit of work after the operation returns, the kit's event
router commits it together with the event's inbox row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.kit.auth import require_track_writer
from services.kit.cloudevents import event_type
from services.kit.copies import TrackChange
from services.kit.db import UnitOfWork

from . import SERVICE, domain, store
from .schemas import NoteSchema

note_data = NoteSchema()


@dataclass(frozen=True)
class NoteEdit:
    """A new body for a session's note, made on revision ``revision`` (and ``If-Match``, if sent)."""

    session_id: str
    body: str
    revision: int
    if_match: str | None = None


@dataclass(frozen=True)
class SessionChange:
    """What a ``ptghub.schedule.session.<verb>`` event says (``session``: its loaded data)."""

    verb: str
    session: dict[str, Any]


# -- notes ----------------------------------------------------------------------------------
def get_note(uow: UnitOfWork, session_id: str) -> store.Note:
    return store.get_note(uow.session, session_id)


def edit_note(uow: UnitOfWork, principal: dict, edit: NoteEdit) -> store.Note:
    """Save ``edit`` as the note's next revision, if it was made on the current one.

    A chair edits the notes of its own tracks only (403); ``If-Match`` other than the current
    ETag is 412 and an edit of an older revision is 409: nothing is written either way.
    """
    note = store.get_note(uow.session, edit.session_id, lock=True)
    require_track_writer(principal, note.event, note.track)
    domain.check_if_match(edit.if_match, note.revision)
    revision = domain.next_revision(edit.revision, note.revision)
    store.save_revision(uow.session, note, revision, edit.body, domain.author(principal))
    uow.publish(event_type(SERVICE, "note", "updated"), note_data.dump(note), subject=note.session_id)
    return note


def list_revisions(uow: UnitOfWork, session_id: str, limit: int, cursor: str | None):
    """A page of the note's revisions, newest first, and the next page's cursor."""
    return store.revisions_page(uow.session, store.get_note(uow.session, session_id), limit, cursor)


# -- copies of the schedule ------------------------------------------------------------------
def follow_track(uow: UnitOfWork, change: TrackChange) -> store.Track | None:
    """Keep the copy of a track a summary is published for; a deleted track is retired."""
    return store.follow_track(uow.session, change)


def follow_session(uow: UnitOfWork, change: SessionChange) -> store.Note | None:
    """Create the session's (empty) note, or bring its copy of the session up to date.

    An older version of the session than the copy (events reordered) changes nothing; a deleted
    session keeps its note, marked deleted (out of summaries).
    """
    data = change.session
    note = store.find_note(uow.session, data["id"], lock=True)
    if note is not None and domain.is_stale(data["updated_at"], note.session_updated_at):
        return note
    return store.copy_session(uow.session, note, data, domain.copied_status(change.verb, data["status"]))
