"""Summaries: the notes one covers, and the published ones, as sent."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

from .. import domain
from .models import Note, Summary


def summary_notes(session: Session, event: str, track: str | None = None) -> list[Note]:
    """The notes a summary covers: of one track (``track``) or of the whole event, sessions neither
    cancelled nor deleted, by track and then in schedule order (start, then id)."""
    statement = sa.select(Note).where(Note.kind == domain.SESSION, Note.event == event,
                                      Note.status.not_in(domain.NOT_SUMMARISED))
    if track is not None:
        statement = statement.where(Note.track == track)
    return list(session.scalars(statement.order_by(Note.track, Note.start, Note.id)))


def add_summary(session: Session, summary_id: str, event: str, track: str, track_name: str, title: str, text: str,
                sessions: list[dict[str, Any]]) -> Summary:
    """A published summary, as sent (``track`` :data:`domain.EVENT_SCOPE` for an event's summary)."""
    summary = Summary(id=summary_id, event=event, track=track, track_name=track_name, title=title, text=text,
                      sessions=sessions)
    session.add(summary)
    session.flush()
    return summary


def published_summaries(session: Session, event: str, track: str) -> tuple[Summary | None, Summary | None]:
    """The first and the last summary published for a track (or, ``track`` :data:`domain.EVENT_SCOPE`, for
    the event): None, None before the first publish."""
    scope = sa.select(Summary).where(Summary.event == event, Summary.track == track)
    first = session.scalar(scope.order_by(Summary.created_at, Summary.id).limit(1))
    if first is None:
        return None, None
    last = session.scalar(scope.order_by(Summary.created_at.desc(), Summary.id.desc()).limit(1))
    return first, last


def get_summary(session: Session, summary_id: str) -> Summary:
    summary = session.get(Summary, summary_id)
    if summary is None:
        raise NotFound(f"no summary {summary_id!r}", errors={"summary_id": ["unknown summary"]})
    return summary
