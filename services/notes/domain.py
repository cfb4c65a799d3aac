"""Notes rules, free of I/O: ETags and revisions, stale copies of sessions, which sessions a summary covers."""
from __future__ import annotations

from datetime import datetime

from werkzeug.http import parse_etags

from services.kit.problems import Conflict, PreconditionFailed

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
# What a summary says and how it is laid out is the renderer's (:mod:`.summary`); publishing's
# rules are in :mod:`.summary.publication`. A session cancelled or deleted is in no summary.
NOT_SUMMARISED = (CANCELLED, DELETED)

# The ``track`` a published event summary is kept under (the summaries table predates them).
EVENT_SCOPE = ""
