"""Notes persistence: the SQLAlchemy models and every query of the service.

- :mod:`.models`: the tables;
- :mod:`.copies`: the copies of the schedule's events, tracks and sessions;
- :mod:`.notes`: a session's and a track's notes, the span of an event's sessions;
- :mod:`.free_notes`: an event's free notes, and their list;
- :mod:`.revisions`: a note's revisions and their authors;
- :mod:`.items`: the items drawn out of a note's text;
- :mod:`.summaries`: the notes a summary covers, the published summaries;
- :mod:`.search`: the full-text columns, tables and triggers of each database, the indexer, the matches.

Everything is importable from here (``store.Note``, ``store.get_free_note``).
"""
from .copies import (copy_event, copy_session, event_tracks, find_event_copy, find_track_copy, follow_track,
                     get_track_copy, require_event_copy, session_note_copy)
from .free_notes import (FreeNoteEntry, add_free_note, event_free_notes, find_free_note, free_notes_page,
                         get_free_note)
from .items import add_item, get_item, items_by_note, note_items, remove_item, update_item
from .models import Base, Event, Note, NoteItem, NoteRevision, Summary, Track
from .notes import (add_note, event_span, event_track_notes, find_session_note, find_track_note, get_session_note,
                    new_track_note, track_session_notes)
from .revisions import get_revision, revision_authors, revisions_page, save_revision
from .search import (NOTE_VECTOR, SEARCH_DDL, SEARCH_WAKE, Hit, Match, event_known, find_matches, fts5_query, hits_of,
                     index_notes, postgres_query, unindexed_notes)
from .summaries import add_summary, get_summary, published_summaries, summary_notes

__all__ = [
    "copy_event", "copy_session", "event_tracks", "find_event_copy", "find_track_copy", "follow_track",
    "session_note_copy",
    "get_track_copy", "require_event_copy",
    "FreeNoteEntry", "add_free_note", "event_free_notes", "find_free_note", "free_notes_page", "get_free_note",
    "add_item", "get_item", "items_by_note", "note_items", "remove_item", "update_item",
    "Base", "Event", "Note", "NoteItem", "NoteRevision", "Summary", "Track",
    "add_note", "event_span", "event_track_notes", "find_session_note", "find_track_note", "get_session_note",
    "new_track_note", "track_session_notes",
    "get_revision", "revision_authors", "revisions_page", "save_revision",
    "NOTE_VECTOR", "SEARCH_DDL", "SEARCH_WAKE", "Hit", "Match", "event_known", "find_matches", "fts5_query", "hits_of",
    "index_notes", "postgres_query", "unindexed_notes",
    "add_summary", "get_summary", "published_summaries", "summary_notes",
]
