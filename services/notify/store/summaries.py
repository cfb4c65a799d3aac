"""Summaries waiting for their track's route (an event's summary: its tracks' routes)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import EVENT_SUMMARY, MailRoute, PendingSummary


def pending_summary_exists(session: Session, source_event_id: str) -> bool:
    return session.get(PendingSummary, source_event_id) is not None


def pending_summaries_due(session: Session, now: datetime) -> bool:
    return session.scalar(sa.select(PendingSummary.source_event_id).where(PendingSummary.next_check_at <= now)
                          .limit(1)) is not None


def due_pending_summaries(session: Session, now: datetime, limit: int) -> list[PendingSummary]:
    """Summaries whose route is due to be looked for, locked (rows another worker holds are skipped)."""
    return list(session.scalars(
        sa.select(PendingSummary).where(PendingSummary.next_check_at <= now)
        .order_by(PendingSummary.next_check_at).limit(limit).with_for_update(skip_locked=True)))


def wake_pending_summaries(session: Session, route: MailRoute, now: datetime) -> int:
    """Make the summaries waiting for ``route``'s track due at once (its track event just arrived),
    and the event's summaries waiting for their tracks' routes."""
    names = [name for name in (route.track, route.track_id, EVENT_SUMMARY) if name is not None]
    return session.execute(
        sa.update(PendingSummary).where(PendingSummary.event == route.event, PendingSummary.track.in_(names))
        .values(next_check_at=now)).rowcount


def wake_event_summaries(session: Session, event: str, now: datetime) -> int:
    """Make the event's summaries waiting for their routes due at once (its event event arrived)."""
    return session.execute(
        sa.update(PendingSummary).where(PendingSummary.event == event, PendingSummary.track == EVENT_SUMMARY)
        .values(next_check_at=now)).rowcount
