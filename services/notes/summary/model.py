"""What a summary is built from, and the summary itself (the same model for every format)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

# -- inputs -----------------------------------------------------------------------------------
OPEN, CONFIRMED, DISMISSED = "open", "confirmed", "dismissed"

# What to do with suggested items (drawn from prose) a chair has neither confirmed nor dismissed.
INCLUDE = "include"  # listed like any other item (the default: a chair may never get round to confirming)
MARK = "mark"        # listed, marked "suggested" (for a preview the chair reviews)
OMIT = "omit"        # left out of the sections (the prose they came from is still in the discussion)
SUGGESTED_POLICIES = (INCLUDE, MARK, OMIT)

FREE_NOTES_SLUG = ""  # the slug of an event summary's part holding its free notes


@dataclass(frozen=True)
class Event:
    name: str       # "OpenStack PTG Denver 2018": the summary is signed with it
    slug: str
    timezone: str   # IANA name; the sessions' times are shown in it


@dataclass(frozen=True)
class Track:
    slug: str
    name: str
    subject_tag: str | None = None   # "kolla" -> subject "[kolla] ..."; the slug when None
    notes_url: str | None = None     # where the notes are kept (the intro points at it)


@dataclass(frozen=True)
class NoteItem:
    """An extracted item with its review state (``open``, ``confirmed``, ``dismissed``).

    A bare :class:`~services.notes.extraction.items.Item` is accepted wherever a ``NoteItem`` is, as an
    open item; so is any object with the ``Item`` attributes and a ``state`` (a stored row)."""

    item: Any
    state: str = OPEN


@dataclass(frozen=True)
class Note:
    body: str = ""
    items: Sequence[Any] = ()  # Item | NoteItem, as extraction found them in ``body``


@dataclass(frozen=True)
class Session:
    """One session of the track, with its note; given in schedule order."""

    title: str
    start: datetime
    end: datetime
    room: str | None = None
    body: str = ""
    items: Sequence[Any] = ()


@dataclass(frozen=True)
class TrackNotes:
    """A track with its sessions (schedule order) and its own note (the team's pad for the week)."""

    track: Track
    sessions: Sequence[Session] = ()
    note: Note | None = None


@dataclass(frozen=True)
class FreeNote:
    """One of the event's free notes (not a track's: "hallway", "retro"), in an event summary after the
    tracks, under its title."""

    title: str
    body: str = ""
    items: Sequence[Any] = ()


# -- the summary ------------------------------------------------------------------------------
# Inline text is a tuple of segments (see inline.py): the same numbers [n] in every format.
@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    level: int          # 1 = the level of a session's heading, deeper levels below it
    inline: tuple


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    lines: tuple        # tuple of inline lines; each as the note had it (wrapped prose joined)


@dataclass(frozen=True)
class ListItem:
    marker: str         # as written: "-", "*", "1."
    lines: tuple        # inline lines: the item, then any paragraph it continues with
    children: tuple = ()  # nested BulletLists


@dataclass(frozen=True)
class BulletList:
    kind: ClassVar[str] = "list"
    items: tuple
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Preformatted:
    kind: ClassVar[str] = "pre"
    lines: tuple        # str lines, verbatim


@dataclass(frozen=True)
class Section:
    """A session (or the track note) in the discussion part."""

    title: str
    when: str | None    # "Wed 2018-09-12 09:00-10:45 America/Denver"; None for the track note
    room: str | None
    blocks: tuple
    empty: bool = False  # no notes were taken


@dataclass(frozen=True)
class Entry:
    """A line of the Decisions, Action items, Needs an owner or Help wanted sections."""

    inline: tuple
    context: str                  # the heading (or session) it was written under
    label: str | None = None      # "Accepted", "Rejected" (decisions)
    owner: str | None = None      # action items, by person: whose line this is
    others: tuple = ()            # the other owners of the same item
    due: date | None = None
    suggested: bool = False       # drawn from prose, not confirmed, and the caller asked to mark it

    @property
    def tail(self) -> str:
        """``Kayobe; with hrw; due 2027-06-01; suggested``: what follows the item in parentheses."""
        parts = [self.context] if self.context else []
        if self.others:
            parts.append("with " + _and(self.others))
        if self.due:
            parts.append(f"due {self.due.isoformat()}")
        if self.suggested:
            parts.append("suggested")
        return "; ".join(parts)


@dataclass(frozen=True)
class PersonActions:
    owner: str
    entries: tuple


@dataclass(frozen=True)
class TrackPart:
    """A track's part of the summary; in an event summary the free notes make the last part, with
    ``slug`` empty (:data:`FREE_NOTES_SLUG`)."""

    slug: str
    name: str
    sections: tuple
    decisions: tuple = ()
    actions: tuple = ()          # PersonActions, owners sorted
    needs_owner: tuple = ()
    help_wanted: tuple = ()
    intro: tuple = ()            # inline lines under the track's heading (where its notes are kept)

    @property
    def action_count(self) -> int:
        return sum(len(person.entries) for person in self.actions)


@dataclass(frozen=True)
class Summary:
    scope: str                   # "track" or "event"
    subject: str                 # the mail's subject: "[kolla] Virtual PTG summary"
    event_name: str
    event_slug: str
    intro: tuple                 # inline lines
    tracks: tuple                # TrackPart; one for a track summary
    references: tuple            # (n, url), n = 1, 2, ...
    signature: tuple             # lines after "-- "
    update: bool = False         # a new version of a summary already sent
    suggested: str = INCLUDE
    meta: dict = field(default_factory=dict, compare=False)


def _and(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
