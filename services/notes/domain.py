"""Notes rules, free of I/O: ETags and revisions, stale copies of sessions, the track summary."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from werkzeug.http import parse_etags

from services.kit.problems import Conflict, Invalid, PreconditionFailed

SCHEDULED = "scheduled"
CANCELLED = "cancelled"
DELETED = "deleted"  # the schedule deleted the session; its note is kept, out of summaries


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
@dataclass(frozen=True)
class Section:
    """One session's part of a summary."""

    session_id: str
    title: str
    start: datetime
    end: datetime
    timezone: str
    body: str
    status: str = SCHEDULED


def default_summary_title(track_name: str) -> str:
    return f"{track_name} PTG summary"


def summary_sections(sections: list[Section], track: str) -> list[Section]:
    """The sessions a track's summary covers: not cancelled or deleted, in start order."""
    chosen = sorted((s for s in sections if s.status not in (CANCELLED, DELETED)), key=lambda s: (s.start, s.session_id))
    if not chosen:
        raise Invalid("track", f"track {track} has no sessions to summarise")
    return chosen


def when(section: Section) -> str:
    """``Thu 2019-05-02 09:00-10:45 America/Denver``: a session's time in its event's timezone."""
    zone = ZoneInfo(section.timezone)
    start, end = section.start.astimezone(zone), section.end.astimezone(zone)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %Y-%m-%d %H:%M}"
    return f"{start:%a %Y-%m-%d %H:%M}-{until} {section.timezone}"


def render_summary(title: str, sections: list[Section]) -> str:
    """Plain text: the title, then each session's note under a heading with its title and time."""
    lines = [title, "=" * len(title), ""]
    for section in sections:
        heading = f"{section.title} ({when(section)})"
        lines += [heading, "-" * len(heading), section.body.strip() or "(no notes were taken)", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
