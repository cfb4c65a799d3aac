"""The session clock: ``session.started`` / ``session.ended`` when a session's start / end time passes.

A chair's ``now`` announces its track's current session too (``operations.live.set_now``); either
way a session is announced once, by its ``started_published_at`` / ``ended_published_at`` stamp.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from services.kit.cloudevents import event_type

from .. import SERVICE, store
from ..schemas.gathering import SessionSchema

session_schema = SessionSchema()

VERBS = {"start": "started", "end": "ended"}


def announce_due(uow, which: str, now: datetime, late_limit: timedelta, limit: int) -> tuple[int, int]:
    """Claim up to ``limit`` sessions whose ``which`` (``start`` or ``end``) has passed and was not
    announced, and publish ``session.started`` / ``session.ended`` for each.

    Each session is claimed once (``UPDATE ... WHERE started_published_at IS NULL``), in the same
    transaction as its outbox row, so two workers never announce one session twice and a crash
    announces nothing half-way. Cancelled sessions are never claimed. One that passed longer ago
    than ``late_limit`` (the worker was down, or the session was entered after the fact) is stamped
    without being announced: "started" a week late is news to no one. Returns (claimed, announced).
    """
    rows = store.claim_due_sessions(uow.session, which, now, limit=limit)
    announced = 0
    for row in rows:
        instant = row.start if which == "start" else row.end
        if now - instant > late_limit:
            continue
        uow.publish(event_type(SERVICE, "session", VERBS[which]), session_schema.dump(row), subject=row.id)
        announced += 1
    return len(rows), announced
