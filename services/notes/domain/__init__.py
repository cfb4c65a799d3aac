"""Notes rules, free of I/O, one module a concern:

- :mod:`.notes`: which note (the three kinds, a session's statuses, the key a request names it by);
- :mod:`.free_notes`: a free note's slug and title;
- :mod:`.body`: the body's limit, an appended line, rendering and diffs;
- :mod:`.revisions`: ETags, ``If-Match`` and the revision an edit was made on, a revision's author;
- :mod:`.items`: the items drawn out of the text and their states;
- :mod:`.copies`: stale copies of sessions, the status copied;
- :mod:`.summaries`: which sessions a summary covers, an event summary's scope;
- :mod:`.search`: what a query may be, its words, the safe snippet.

The names are also importable from here (``domain.etag``, ``domain.NoteKey``), search's from
:mod:`.search`.
"""
from .body import ALLOWED_SCHEMES, MAX_BODY_BYTES, appended, check_body, diff, render_html
from .copies import copied_status, is_stale
from .free_notes import MAX_TITLE, SLUG_RE, SLUG_RULE, check_slug, check_title
from .items import CONFIRMED, DISMISSED, OPEN, STATES, as_item, context, extract_items, initial_state, item_values
from .notes import CANCELLED, DELETED, EVENT, KINDS, SCHEDULED, SESSION, TRACK, NoteKey
from .revisions import author, check_if_match, etag, next_revision
from .summaries import EVENT_SCOPE, NOT_SUMMARISED

__all__ = [
    "ALLOWED_SCHEMES", "MAX_BODY_BYTES", "appended", "check_body", "diff", "render_html",
    "copied_status", "is_stale",
    "MAX_TITLE", "SLUG_RE", "SLUG_RULE", "check_slug", "check_title",
    "CONFIRMED", "DISMISSED", "OPEN", "STATES", "as_item", "context", "extract_items", "initial_state", "item_values",
    "CANCELLED", "DELETED", "EVENT", "KINDS", "SCHEDULED", "SESSION", "TRACK", "NoteKey",
    "author", "check_if_match", "etag", "next_revision",
    "EVENT_SCOPE", "NOT_SUMMARISED",
]
