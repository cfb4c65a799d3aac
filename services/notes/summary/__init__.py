"""Track and event summaries of a gathering's notes: plain text for a mailing list, Markdown, HTML.

Pure, no I/O::

    summary = build_track_summary(event, track, sessions, track_note)   # the model
    render(summary, "text" | "markdown" | "html")                        # one rendering
    content_hash(summary)                                                # "unchanged since last publish?"
    build_event_summary(event, [TrackNotes(...), ...], free_notes=[FreeNote(title, body, items)])

Suggested items (drawn from prose) that a chair has not confirmed are listed by default
(``suggested="include"``): a chair may never get round to confirming, and the mail should still say who
took what. ``"mark"`` lists them with "suggested" after them (for the chair's preview), ``"omit"``
leaves them out of the sections. Dismissed items are never listed. See README.md beside this file.
"""
from .build import build_event_summary, build_track_summary, when
from .model import (CONFIRMED, DISMISSED, FREE_NOTES_SLUG, INCLUDE, MARK, OMIT, OPEN, Event, FreeNote, Note,
                    NoteItem, Session, Summary, Track, TrackNotes)
from .render import FORMATS, MEDIA_TYPES, WIDTH, content_hash, render

__all__ = [
    "build_track_summary", "build_event_summary", "render", "content_hash", "when",
    "Event", "Track", "Session", "Note", "NoteItem", "TrackNotes", "FreeNote", "Summary", "FREE_NOTES_SLUG",
    "OPEN", "CONFIRMED", "DISMISSED", "INCLUDE", "MARK", "OMIT", "FORMATS", "MEDIA_TYPES", "WIDTH",
]
