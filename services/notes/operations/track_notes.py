"""A track's notes at a glance: each session note's link and item counts, the track note's, and the
latest summary published for the track (what the gateway's track overview shows of notes)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from services.kit.db import UnitOfWork

from .. import domain, store


@dataclass(frozen=True)
class NoteGlance:
    note: store.Note
    item_counts: dict[str, int]  # kind -> items not dismissed


@dataclass(frozen=True)
class TrackNotes:
    event: str
    track: str
    sessions: list[NoteGlance]  # in schedule order; cancelled and deleted sessions' too (their status says)
    track_note: NoteGlance | None
    latest_summary: store.Summary | None


def track_notes(uow: UnitOfWork, event: str, track: str) -> TrackNotes:
    """404 naming ``track`` when the schedule never announced it."""
    session = uow.session
    store.get_track_copy(session, event, track)
    notes = store.track_session_notes(session, event, track)
    track_note = store.find_track_note(session, event, track)
    items = store.items_by_note(session, [*notes, *([track_note] if track_note else [])])
    _first, last = store.published_summaries(session, event, track)

    def glance(note: store.Note) -> NoteGlance:
        counts = Counter(item.kind for item in items.get(note.id, []) if item.state != domain.DISMISSED)
        return NoteGlance(note, dict(sorted(counts.items())))

    return TrackNotes(event, track, [glance(note) for note in notes],
                      glance(track_note) if track_note else None, last)
