"""The copies of the schedule's sessions: a stale event, the status a session's note copies."""
from __future__ import annotations

from datetime import datetime

from .notes import CANCELLED, DELETED, SCHEDULED


def is_stale(incoming: datetime | None, copied: datetime | None) -> bool:
    """An event carrying an older version of a session than the copy (relays may reorder)."""
    return incoming is not None and copied is not None and incoming < copied


def copied_status(verb: str, status: str | None) -> str:
    """The session status to copy from a ``session.<verb>`` event."""
    if verb in (CANCELLED, DELETED):
        return verb
    return status or SCHEDULED
