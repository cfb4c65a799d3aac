"""Action items from the notes: ``note.items.changed`` creates, updates or withdraws them.

One note item, one action (``Action.source_item_id`` is unique), however often and in whatever
order the announcements arrive: each item's last applied announcement is kept
(:mod:`..store.sources`) and an older one is ignored (:func:`..domain.note_items.is_stale`).

- An item that is an action item (:func:`..domain.note_items.is_action`) is created, or updated:
  title (the item's text), owners, due date, and its sentence and line. Fields a person changed by
  hand (the API, a link) are theirs: the notes still update the sentence and line, never those.
- An item removed from its note, dismissed, or no longer an action item withdraws its action when
  that is still open and never changed by hand; otherwise the action stays, flagged
  ``source_removed`` (history ``source_removed``). An item that comes back clears the flag.
- Owners: the item's owners as the notes found them (``@nick``, e-mail, MeetBot's first word, an
  alias ...); with none, every known person whose nick or alias is a whole word of the item's text
  (case-insensitive, in the order they appear). Otherwise none: the action "needs an owner".
  An owner is never invented: a word no person has is nobody.
- The action is in the note's event and track (an event's note: no track) and, for a session's
  note, its session. The track copy is not required: the notes announce what was written, and the
  schedule's track event may come later.

Every change is the notes' (actor :data:`.lifecycle.NOTES`, not by hand), through :mod:`.lifecycle`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from services.kit.db import UnitOfWork

from .. import store
from ..domain import history, note_items, status
from ..domain.note_items import ItemsChanged, NoteItem
from . import lifecycle

# What the notes set on an action; a person's change by hand of one of these keeps it theirs.
FROM_ITEM = ("title", "due_date", "owners")


def apply_items_changed(uow: UnitOfWork, command: ItemsChanged, now: datetime) -> list[str]:
    """Apply what a note's items did to their actions; returns the action ids created, changed or
    withdrawn (for the log and the tests)."""
    touched: list[str] = []
    for item in (*command.added, *command.changed):
        touched += _follow(uow, command, item, gone=not note_items.is_action(item), now=now)
    for item in command.removed:
        touched += _follow(uow, command, item, gone=True, now=now)
    return touched


def _follow(uow: UnitOfWork, command: ItemsChanged, item: NoteItem, gone: bool, now: datetime) -> list[str]:
    source = store.claim_source(uow.session, item.id)
    if source is not None and note_items.is_stale(source.revision, source.published_at, command.revision,
                                                  command.at):
        return []
    action = store.find_by_source_item(uow.session, item.id, lock=True)
    store.record_source(uow.session, source, item.id, command.note.id, command.revision, command.at, gone, now)
    if gone:
        return _remove(uow, action, now) if action is not None else []
    if action is None:
        return [_create(uow, command, item, now).id]
    return [action.id] if _update(uow, action, item, now) else []


def _create(uow: UnitOfWork, command: ItemsChanged, item: NoteItem, now: datetime) -> store.Action:
    note = command.note
    fields: dict[str, Any] = {
        "title": note_items.title(item), "due_date": item.due, "event": note.event,
        "track": note.track if note.event else None, "session_id": note.session_id,
        "source_note_id": note.id, "source_item_id": item.id, "source_text": item.source,
        "source_line": item.line,
    }
    return lifecycle.create(uow, fields, _owners(uow, item), lifecycle.NOTES, now)


def _update(uow: UnitOfWork, action: store.Action, item: NoteItem, now: datetime) -> bool:
    """The item's fields on its action, except those a person changed by hand; whether anything changed."""
    mine = store.hand_edited_fields(uow.session, action.id, lifecycle.NOTES) if action.edited else set()
    changes: dict[str, Any] = {"source_text": item.source, "source_line": item.line, "source_removed": False}
    if "title" not in mine:
        changes["title"] = note_items.title(item)
    if "due_date" not in mine:
        changes["due_date"] = item.due
    owners = _owners(uow, item) if "owners" not in mine else None
    return lifecycle.change(uow, action, changes, lifecycle.NOTES, now, owners=owners,
                            kind=history.SOURCE_CHANGED, by_hand=False)


def _remove(uow: UnitOfWork, action: store.Action, now: datetime) -> list[str]:
    """Withdraw an action nobody touched and still open; keep any other, flagged ``source_removed``."""
    if action.status == status.OPEN and not action.edited:
        lifecycle.withdraw(uow, action)
        return [action.id]
    changed = lifecycle.change(uow, action, {"source_removed": True}, lifecycle.NOTES, now,
                               kind=history.SOURCE_REMOVED, by_hand=False)
    return [action.id] if changed else []


def _owners(uow: UnitOfWork, item: NoteItem) -> list[str]:
    """The item's owners as written; with none, the known people its text names by a whole word."""
    written = note_items.written_owners(item)
    if written:
        return written
    people = store.resolve(uow.session, note_items.candidate_nicks(item.text))
    named: dict[str, str] = {}
    for person in people.values():
        if person is not None:
            named.setdefault(person.id, person.nick)
    # in the order the text names them (``resolve`` answers in the order of the keys asked)
    return list(named.values())
