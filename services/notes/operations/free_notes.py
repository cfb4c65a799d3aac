"""An event's free notes as a collection: listing them, creating one (named by a slug, with a title),
retitling and deleting one. Everything else on a free note (its body, revisions, lines, items) is
:mod:`.notes`', written once for every kind of note.

Who: organisers and the chairs of any track of the event create free notes (and write them, in
:mod:`.notes`); retitling and deleting are the organisers'. The event must be one notes has a copy
of (404 naming ``event``); once the schedule deletes it, its free notes are read only (409). A deleted
free note is kept with its revisions and items, read only, out of the list, the event summary and
search; its slug stays taken. Nothing is committed here.
"""
from __future__ import annotations

from dataclasses import dataclass

from services.kit.auth import require_event_writer, require_organiser
from services.kit.cloudevents import event_type
from services.kit.db import UnitOfWork
from services.kit.problems import Conflict

from .. import SERVICE, domain, store
from ..domain import NoteKey
from ..schemas.notes import NoteSchema
from . import notes

note_data = NoteSchema()
NOTE_DELETED = event_type(SERVICE, "note", "deleted")


@dataclass(frozen=True)
class FreeNoteCreation:
    """A new free note ``slug`` of ``event`` titled ``title``; ``body``: its first revision's text
    (None: it starts empty, at revision 0)."""

    event: str
    slug: str
    title: str
    body: str | None = None


@dataclass(frozen=True)
class Retitle:
    key: NoteKey
    title: str


def list_free_notes(uow: UnitOfWork, event: str, limit: int, cursor: str | None
                    ) -> tuple[list[store.FreeNoteEntry], str | None]:
    """A page of the event's free notes by slug, each with the author of its current revision (404
    naming ``event`` for an event notes does not know)."""
    store.require_event_copy(uow.session, event)
    return store.free_notes_page(uow.session, event, limit, cursor)


def create_free_note(uow: UnitOfWork, principal: dict, creation: FreeNoteCreation) -> store.Note:
    """Create the free note: 422 naming ``slug`` (the schedule's slug rule) or ``title``, 404 naming
    ``event``, 403 for a chair of no track of the event, 409 naming ``slug`` when the event has a note
    of that slug (a deleted one too) or ``event`` when the schedule deleted it. A ``body`` is saved as
    revision 1 with every rule of a save (1 MiB, items); nothing is created if it is refused.
    Publishes ``note.updated``."""
    slug, title = domain.check_slug(creation.slug), domain.check_title(creation.title)
    require_event_writer(principal, creation.event)
    event = notes.require_live_event(store.require_event_copy(uow.session, creation.event, lock=True))
    existing = store.find_free_note(uow.session, event.slug, slug)
    if existing is not None:
        state = "a deleted note keeps it" if existing.status == domain.DELETED else "taken"
        raise Conflict(f"event {event.slug} has a free note {slug!r} already ({state})",
                       errors={"slug": [state]}, note=existing.id)
    note = store.add_free_note(uow.session, event, slug, title)
    if creation.body is None:
        uow.publish(notes.NOTE_UPDATED, note_data.dump(note), subject=notes.subject(note))
        return note
    key = NoteKey.of_event(event.slug, slug)
    return notes.edit_note(uow, principal, notes.NoteEdit(key, creation.body, 0))


def retitle_free_note(uow: UnitOfWork, principal: dict, retitle: Retitle) -> store.Note:
    """A free note's new title (organisers only; 422 naming ``title``); the body and its revision are
    unchanged. Publishes ``note.updated`` when the title changed."""
    require_organiser(principal, f"the title of a free note of event {retitle.key.event}", retitle.key.event)
    title = domain.check_title(retitle.title)
    note = notes.writable_free_note(uow, store.get_free_note(uow.session, retitle.key.event, retitle.key.slug,
                                                             lock=True))
    if note.title != title:
        note.title = title
        uow.session.flush()
        uow.publish(notes.NOTE_UPDATED, note_data.dump(note), subject=notes.subject(note))
    return note


def delete_free_note(uow: UnitOfWork, principal: dict, key: NoteKey) -> store.Note:
    """Delete a free note (organisers only): it is kept, marked deleted (``status``), with its
    revisions and items, read only; deleting it again is a 409 naming ``slug``. Publishes
    ``note.deleted``."""
    require_organiser(principal, f"the free notes of event {key.event}", key.event)
    note = notes.writable_free_note(uow, store.get_free_note(uow.session, key.event, key.slug, lock=True))
    note.status = domain.DELETED
    uow.session.flush()
    uow.publish(NOTE_DELETED, note_data.dump(note), subject=notes.subject(note))
    return note
