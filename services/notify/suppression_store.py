"""The suppression list's table and queries: addresses that get no personal mail (they
unsubscribed, hard-bounced, or an organiser put them there). Addresses are kept in lower case.
The table is part of :data:`services.notify.store.Base`'s metadata (migration 0004)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from services.kit.db import UTCDateTime, utcnow
from services.kit.problems import NotFound, Problem
from services.kit.schemas import paginate

from .store import Base

UNSUBSCRIBED, BOUNCED, MANUAL = "unsubscribed", "bounced", "manual"
REASONS = (UNSUBSCRIBED, BOUNCED, MANUAL)


class Suppression(Base):
    """An address no personal mail goes to, why, and since when."""

    __tablename__ = "mail_suppressions"
    __table_args__ = (sa.Index("ix_mail_suppressions_log", "created_at", "address"),)
    address: Mapped[str] = mapped_column(sa.String(320), primary_key=True, comment="in lower case")
    reason: Mapped[str] = mapped_column(sa.String(20), comment="unsubscribed, bounced or manual")
    note: Mapped[str] = mapped_column(sa.String(1000), default="",
                                      comment="the bounce reply, the person unsubscribed, or the organiser's note")
    source: Mapped[str | None] = mapped_column(sa.String(200), comment="the bounced message's id, the person's "
                                               "id, or the organiser token's id")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def normal(address: str) -> str:
    return address.strip().lower()


def get(session: Session, address: str) -> Suppression | None:
    return session.get(Suppression, normal(address))


def require(session: Session, address: str) -> Suppression:
    row = get(session, address)
    if row is None:
        raise NotFound(f"{address!r} is not suppressed", errors={"address": ["not on the suppression list"]})
    return row


def suppressed_among(session: Session, addresses: set[str]) -> dict[str, Suppression]:
    """``{lower-case address: suppression}`` of those of ``addresses`` on the list."""
    wanted = {normal(address) for address in addresses}
    if not wanted:
        return {}
    return {row.address: row for row in session.scalars(
        sa.select(Suppression).where(Suppression.address.in_(wanted)))}


def add(session: Session, address: str, reason: str, note: str = "", source: str | None = None) -> Suppression:
    row = Suppression(address=normal(address), reason=reason, note=note[:1000], source=source, created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def listed(session: Session, *, reason: str | None, address: str | None, limit: int,
           cursor: str | None) -> tuple[list[Suppression], str | None]:
    """A page of the list, oldest first."""
    statement = sa.select(Suppression)
    if reason is not None:
        statement = statement.where(Suppression.reason == reason)
    if address is not None:
        statement = statement.where(Suppression.address == normal(address))
    return paginate(session, statement, keys=[Suppression.created_at, Suppression.address],
                    key_of=lambda r: [r.created_at.isoformat(), r.address], limit=limit, cursor=cursor,
                    parse=_cursor)


def _cursor(values: list) -> list:
    try:
        return [datetime.fromisoformat(values[0]), str(values[1])]
    except (TypeError, ValueError) as exc:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]}) from exc
