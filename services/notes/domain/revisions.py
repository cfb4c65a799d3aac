"""Revisions: the ETag, ``If-Match`` and the revision an edit was made on (optimistic concurrency), a revision's author."""
from __future__ import annotations

from werkzeug.http import parse_etags

from services.kit.problems import Conflict, PreconditionFailed


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
