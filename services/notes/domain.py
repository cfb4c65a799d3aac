"""Notes rules, free of I/O: which note (a free note's slug and title too), ETags and revisions, the
body's limits, rendering and diffs, the items drawn out of the text, stale copies of sessions, which
sessions a summary covers."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

import nh3
from markdown_it import MarkdownIt
from werkzeug.http import parse_etags

from services.kit.problems import Conflict, Invalid, PreconditionFailed, Problem

from . import extraction
from .extraction import Calendar, Context, Item, People

# The three kinds of note: a session's, a track's (the pad a team keeps for the whole week), and an
# event's free notes (many per event, each named by a slug: "hallway", "retro", "cross-project").
SESSION = "session"
TRACK = "track"
EVENT = "event"
KINDS = (SESSION, TRACK, EVENT)

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
DELETED = "deleted"  # the schedule deleted the session; its note is kept, out of summaries


@dataclass(frozen=True)
class NoteKey:
    """Which note a request means: a session's (``session_id``), a track's (``event``, ``track``) or
    one of an event's free notes (``event``, ``slug``)."""

    kind: str
    session_id: str | None = None
    event: str | None = None
    track: str | None = None
    slug: str | None = None

    @classmethod
    def of_session(cls, session_id: str) -> "NoteKey":
        return cls(SESSION, session_id=session_id)

    @classmethod
    def of_track(cls, event: str, track: str) -> "NoteKey":
        return cls(TRACK, event=event, track=track)

    @classmethod
    def of_event(cls, event: str, slug: str) -> "NoteKey":
        return cls(EVENT, event=event, slug=slug)


# -- free notes -------------------------------------------------------------------------------
# A free note's slug follows the schedule's rule for the slugs of tracks and rooms.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SLUG_RULE = "lowercase letters, digits, - and _ only, starting with a letter or digit (at most 64)"
MAX_TITLE = 300


def check_slug(slug: str) -> str:
    """A free note's slug: the schedule's slug rule; anything else is a 422 naming ``slug``."""
    if not SLUG_RE.match(slug):
        raise Invalid("slug", SLUG_RULE)
    return slug


def check_title(title: str) -> str:
    """A free note's title: some text, at most :data:`MAX_TITLE` characters (422 naming ``title``)."""
    title = " ".join(title.split())
    if not title:
        raise Invalid("title", "give the note a title")
    if len(title) > MAX_TITLE:
        raise Invalid("title", f"at most {MAX_TITLE} characters")
    return title


# -- the body ---------------------------------------------------------------------------------
MAX_BODY_BYTES = 1_048_576  # 1 MiB of UTF-8


def check_body(body: str) -> str:
    """A note's body is at most :data:`MAX_BODY_BYTES` of UTF-8: larger is a 413 naming the limit."""
    if len(body) * 4 > MAX_BODY_BYTES and len(body.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        raise Problem(f"body: a note holds at most {MAX_BODY_BYTES} bytes of UTF-8 (1 MiB)", status=413,
                      title="Content Too Large", errors={"body": [f"at most {MAX_BODY_BYTES} bytes"]},
                      limit=MAX_BODY_BYTES)
    return body


def appended(body: str, text: str) -> str:
    """``body`` with ``text`` as new line(s) at its end (a relay's or a bot's line)."""
    text = text.strip("\n")
    if not body:
        return text + "\n"
    return body + ("" if body.endswith("\n") else "\n") + text + "\n"


_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table").enable("strikethrough")
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_html(body: str) -> str:
    """The body's markdown as HTML, sanitised: no script or style, no event handlers, links only to
    http(s) and mailto (never ``javascript:``), and every link ``rel="noopener noreferrer nofollow"``."""
    return nh3.clean(_MARKDOWN.render(body), url_schemes=ALLOWED_SCHEMES, link_rel="noopener noreferrer nofollow")


def diff(old: str, new: str, old_revision: int, new_revision: int) -> str:
    """A unified diff from one revision's body to another's (``difflib``)."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"revision {old_revision}", tofile=f"revision {new_revision}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


# -- optimistic concurrency -----------------------------------------------------------------
def etag(revision: int) -> str:
    """A note's ETag: its revision, quoted (a strong validator)."""
    return f'"{revision}"'


def check_if_match(if_match: str | None, revision: int) -> None:
    """RFC 9110 ``If-Match`` against the note's current ETag; ``None`` (no header) asks nothing.

    Strong comparison: a weak tag (``W/"3"``) never matches; ``*`` matches (the note exists).
    """
    if if_match is None:
        return
    if not parse_etags(if_match).contains(str(revision)):
        raise PreconditionFailed(
            f"If-Match {if_match!r} does not match the note's current ETag {etag(revision)}",
            errors={"If-Match": [f"the note is at {etag(revision)}"]}, current_revision=revision,
        )


def next_revision(based_on: int, current: int) -> int:
    """An edit names the revision it was made on; any other than the current one lost a race."""
    if based_on != current:
        raise Conflict(
            f"the note changed since revision {based_on}: it is at revision {current}; "
            "merge with the current text and send that revision",
            errors={"revision": [f"stale: the note is at revision {current}"]}, current_revision=current,
        )
    return current + 1


def author(principal: dict) -> str:
    """A revision's author as people read it: the token's display name (ownership is by ``sub``)."""
    return str(principal.get("name") or principal.get("sub") or "anonymous")


# -- items ----------------------------------------------------------------------------------
OPEN, CONFIRMED, DISMISSED = "open", "confirmed", "dismissed"
STATES = (OPEN, CONFIRMED, DISMISSED)


def context(author: str | None, chairs: Iterable[Mapping[str, Any]], authors: Iterable[str],
            span: tuple[datetime | None, datetime | None, str | None], at: datetime) -> Context:
    """What extraction knows besides the text.

    ``author`` is who "I" is (the saver's token name, or the relay's nick). The people are the
    track's chairs (their nicks, with their names and addresses as aliases, from the schedule's
    track data) and everyone who saved a revision of the note. The calendar is the event's, from the
    first and last session notes has a copy of (none known: no calendar, "by Friday" has no date).
    """
    entries: dict[str, list[str]] = {}
    for chair in chairs:
        nick = chair.get("nick")
        if nick:
            entries[nick] = [alias for alias in (chair.get("name"), chair.get("email")) if alias]
    for name in authors:
        if name and " " not in name.strip():
            entries.setdefault(name, [])
    start, end, zone = span
    calendar = Calendar()
    if start is not None and end is not None:
        tz = ZoneInfo(zone or "UTC")
        calendar = Calendar(start.astimezone(tz).date(), end.astimezone(tz).date(), zone or "UTC").on(at)
    return Context(author=author, people=People(entries), calendar=calendar)


def extract_items(body: str, ctx: Context) -> tuple[Item, ...]:
    """The items of a note's text; a marker with no text is a 422 naming its line (nothing is saved)."""
    result = extraction.analyse(body, ctx)
    if result.invalid:
        lines = [f"line {problem.line}: {problem.message}" for problem in result.invalid]
        raise Invalid("body", "; ".join(lines), lines=[problem.line for problem in result.invalid])
    return result.items


def initial_state(item: Item) -> str:
    """A marker item (``#action``, ``AGREED:``, a URL line) is confirmed as written; a suggestion
    drawn out of prose is open until a chair confirms or dismisses it."""
    return OPEN if item.suggested else CONFIRMED


def item_values(item: Item) -> dict[str, Any]:
    """An extracted item as the store keeps it."""
    return {"kind": item.kind, "text": item.text, "source": item.source, "line": item.line,
            "owners": list(item.owners), "due": item.due, "suggested": item.suggested, "url": item.url,
            "urls": list(item.urls)}


def as_item(stored: Any) -> Item:
    """A stored item (anything with :func:`item_values`' attributes) as extraction sees it, for
    :func:`extraction.reconcile`."""
    due = stored.due
    return Item(stored.kind, stored.text, stored.line, stored.source, tuple(stored.owners or ()),
                due if isinstance(due, date) or due is None else date.fromisoformat(due),
                bool(stored.suggested), stored.url, tuple(stored.urls or ()))


# -- copies of the schedule's sessions ------------------------------------------------------
def is_stale(incoming: datetime | None, copied: datetime | None) -> bool:
    """An event carrying an older version of a session than the copy (relays may reorder)."""
    return incoming is not None and copied is not None and incoming < copied


def copied_status(verb: str, status: str | None) -> str:
    """The session status to copy from a ``session.<verb>`` event."""
    if verb in (CANCELLED, DELETED):
        return verb
    return status or SCHEDULED


# -- summaries ------------------------------------------------------------------------------
# What a summary says and how it is laid out is the renderer's (:mod:`.summary`); publishing's
# rules are in :mod:`.summary.publication`. A session cancelled or deleted is in no summary.
NOT_SUMMARISED = (CANCELLED, DELETED)

# The ``track`` a published event summary is kept under (the summaries table predates them).
EVENT_SCOPE = ""
