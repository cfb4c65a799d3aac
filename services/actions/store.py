"""Actions persistence: SQLAlchemy models and every query the operations need.

``Track`` is a copy of the schedule's tracks, kept from events: actions never calls the schedule.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.kit.copies import TrackChange, TrackCopy
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow
from services.kit.problems import Invalid, NotFound, Problem
from services.kit.schemas import paginate

from . import domain


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)


class Track(TrackCopy, Base):
    """A copy of a schedule track, from ``ptghub.schedule.track.*`` events, keyed by (event, slug);
    retired (kept, ``deleted_at`` set) when the schedule deletes it."""


class Action(Base):
    """An action item: someone's promise to do something, until it is done or dropped."""

    __tablename__ = "actions"
    __table_args__ = (sa.Index("ix_actions_created", "created_at", "id"),
                      sa.Index("ix_actions_owner_created", "owner_email", "created_at"),
                      sa.Index("ix_actions_event_track", "event", "track"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(sa.String(300))
    owner_email: Mapped[str] = mapped_column(sa.String(320))
    owner_nick: Mapped[str | None] = mapped_column(sa.String(64))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), default=domain.OPEN)
    snoozed_until: Mapped[date | None] = mapped_column(sa.Date)
    event: Mapped[str | None] = mapped_column(sa.String(64))
    track: Mapped[str | None] = mapped_column(sa.String(64))
    session_id: Mapped[str | None] = mapped_column(sa.String(64))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def state(self) -> domain.Status:
        return domain.Status(self.status, self.snoozed_until, self.completed_at)


# -- tracks ---------------------------------------------------------------------------------
def follow_track(session: Session, change: TrackChange) -> Track | None:
    """Apply a schedule track event to its copy (see :mod:`services.kit.copies`)."""
    return Track.follow(session, change)


def get_track_copy(session: Session, event: str, slug: str) -> Track:
    """The copy of the track an action names (retired ones too); an unknown one is a bad field (422),
    not a missing resource."""
    track = session.get(Track, (event, slug))
    if track is None:
        raise Invalid("track", f"no track {slug!r} in event {event!r}")
    return track


# -- actions --------------------------------------------------------------------------------
def add_action(session: Session, fields: dict[str, Any], now: datetime) -> Action:
    action = Action(**fields, created_at=now, updated_at=now)
    session.add(action)
    session.flush()
    return action


def get_action(session: Session, action_id: str, lock: bool = False) -> Action:
    action = session.get(Action, action_id, with_for_update=True if lock else None)
    if action is None:
        raise NotFound(f"no action {action_id!r}", errors={"id": ["unknown action"]})
    return action


def change_action(session: Session, action: Action, changes: dict[str, Any], now: datetime) -> Action:
    for name, value in changes.items():
        setattr(action, name, value)
    action.updated_at = now
    session.flush()
    return action


def actions_page(session: Session, limit: int, cursor: str | None, owner: str | None = None,
                 status: str | None = None, event: str | None = None,
                 track: str | None = None) -> tuple[list[Action], str | None]:
    """A page of action items, oldest first, and the next page's cursor.

    ``owner`` (in lower case) is an owner's nick, matched case-insensitively, or e-mail address.
    """
    statement = sa.select(Action)
    if owner is not None:
        statement = statement.where(sa.or_(Action.owner_email == owner, sa.func.lower(Action.owner_nick) == owner))
    if status is not None:
        statement = statement.where(Action.status == status)
    if event is not None:
        statement = statement.where(Action.event == event)
    if track is not None:
        statement = statement.where(Action.track == track)
    return paginate(session, statement, [Action.created_at, Action.id], lambda a: [a.created_at.isoformat(), a.id],
                    limit, cursor, parse=_parse_created_cursor)


def _parse_created_cursor(values: list) -> list:
    """A cursor of ``[created_at, id]`` as this API gave it out."""
    try:
        created_at = datetime.fromisoformat(values[0])
    except (TypeError, ValueError):
        created_at = None
    if created_at is None or created_at.tzinfo is None or not isinstance(values[1], str):
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return [created_at, values[1]]
