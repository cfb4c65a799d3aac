"""Queries of an event's slot grid."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

from .. import domain
from .models import Event, Slot
from .pages import keyset_page


def event_slots(session: Session, event: Event) -> list[Slot]:
    """The event's grid, in order (start, end, code)."""
    return list(session.scalars(sa.select(Slot).where(Slot.event_id == event.id)
                                .order_by(Slot.start, Slot.end, Slot.code)))


def slot_views(slots: list[Slot]) -> list[domain.SlotView]:
    return [domain.SlotView(s.code, s.start, s.end) for s in slots]


def get_slot(session: Session, event: Event, code: str) -> Slot:
    slot = session.scalar(sa.select(Slot).where(Slot.event_id == event.id, Slot.code == code))
    if slot is None:
        raise NotFound(f"no slot {code!r} in event {event.slug}", errors={"code": ["unknown slot"]})
    return slot


def slots_page(session: Session, event: Event, limit: int, cursor: str | None,
               between: tuple[datetime, datetime] | None = None) -> tuple[list[Slot], str | None]:
    """A page of the event's slots in time order; ``between``: only those starting in ``[first, last)``."""
    statement = sa.select(Slot).where(Slot.event_id == event.id)
    if between is not None:
        statement = statement.where(Slot.start >= between[0], Slot.start < between[1])
    return keyset_page(session, statement, [Slot.start, Slot.code], lambda s: [s.start.isoformat(), s.code],
                       (datetime, str), limit, cursor)
