"""Which note items are action items, and what an action takes from its item: pure rules, no I/O.

The notes service announces what a save (or a chair's confirm or dismiss) changed in a note's items
(``ptghub.notes.note.items.changed``). An item is an action item when it is of kind ``action`` and
was written as one (a ``#action`` marker: not ``suggested``) or, drawn out of prose (``suggested``),
a chair confirmed it. A suggestion still open, or dismissed, is no action.

Events arrive more than once and out of order. Each item's announcements are ordered by the note's
revision, then by the time the notes service published them (a confirm or dismiss keeps the note's
revision): an announcement at or before the one last applied to an item is stale.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from services.kit.problems import Invalid

from . import owners as owner_names
from .owners import NICK

ACTION = "action"
OPEN, CONFIRMED, DISMISSED = "open", "confirmed", "dismissed"

TITLE_MAX = 300
# The words of an item's text that may be someone's nick: split at anything a nick cannot hold.
_WORD = re.compile(r"[A-Za-z0-9_\-\[\]\\^{}|`.]+")
MAX_WORDS = 200


@dataclass(frozen=True)
class NoteRef:
    """The note an item is in: a session's (``session_id``), a track's, or an event's (no track)."""

    id: str
    kind: str
    event: str | None = None
    track: str | None = None
    session_id: str | None = None


@dataclass(frozen=True)
class NoteItem:
    """An item as the notes service announces it."""

    id: str
    kind: str
    text: str
    owners: tuple[str, ...] = ()
    due: date | None = None
    suggested: bool = False
    state: str = CONFIRMED
    line: int | None = None
    source: str | None = None


@dataclass(frozen=True)
class ItemsChanged:
    """What a ``note.items.changed`` event says: the command :mod:`..operations.from_notes` applies."""

    note: NoteRef
    revision: int
    at: datetime | None = None  # when the notes service published it, if the event says
    added: tuple[NoteItem, ...] = field(default_factory=tuple)
    changed: tuple[NoteItem, ...] = field(default_factory=tuple)
    removed: tuple[NoteItem, ...] = field(default_factory=tuple)


def is_action(item: NoteItem) -> bool:
    """An action item: kind ``action``, written as one or confirmed by a chair."""
    return item.kind == ACTION and (not item.suggested or item.state == CONFIRMED)


def title(item: NoteItem) -> str:
    """The action's title: the item as a reader lists it (its sentence, when it has no text), at most 300."""
    text = " ".join((item.text or item.source or "").split()) or "(untitled note item)"
    return text if len(text) <= TITLE_MAX else text[:TITLE_MAX - 1].rstrip() + "…"


def written_owners(item: NoteItem) -> list[str]:
    """The item's owners that name an owner (a nick or an address); anything else is left out, not refused."""
    names = []
    for name in item.owners:
        try:
            names.append(owner_names.handle(name).text)
        except Invalid:  # the notes saw an owner this service cannot name: no owner rather than no action
            continue
    return names


def candidate_nicks(text: str) -> list[str]:
    """The words of ``text`` that could be a nick or an alias, as keys (lower case), in order, each once.

    Whole words only: a word ends at any character a nick cannot hold (space, comma, ``'``, ``@`` ...);
    a full stop or dash around a word (the end of a sentence) is not part of it.
    """
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text or ""):
        word = match.group(0).strip(".-")
        if word and NICK.match(word):
            seen.setdefault(word.lower(), None)
            if len(seen) >= MAX_WORDS:
                break
    return list(seen)


def is_stale(applied_revision: int | None, applied_at: datetime | None, revision: int, at: datetime | None) -> bool:
    """Whether an announcement (``revision``, published ``at``) comes at or before the one applied
    last to the item (``applied_revision`` None: none was).

    An older revision is stale, a newer one is not; at the same revision (a chair's confirm or
    dismiss) the later publication wins. Without both times it is applied again: applying an item's
    state twice changes nothing.
    """
    if applied_revision is None or revision > applied_revision:
        return False
    if revision < applied_revision:
        return True
    return at is not None and applied_at is not None and at <= applied_at
