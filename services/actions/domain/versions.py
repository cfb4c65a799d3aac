"""Optimistic concurrency: an action's ETag is its version; ``If-Match`` names the one a change was made on."""
from __future__ import annotations

from werkzeug.http import parse_etags

from services.kit.problems import PreconditionFailed


def etag(version: int) -> str:
    """The ETag of a version, quoted (a strong validator)."""
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    """RFC 9110 ``If-Match`` against the current version; ``None`` (no header) asks nothing.

    Strong comparison: a weak tag (``W/"3"``) never matches; ``*`` matches (the action exists). 412 otherwise.
    """
    if if_match is None:
        return
    if not parse_etags(if_match).contains(str(version)):
        raise PreconditionFailed(f"If-Match {if_match!r} does not match the action's current ETag {etag(version)}",
                                 errors={"If-Match": [f"the action is at {etag(version)}"]},
                                 current_version=version)
