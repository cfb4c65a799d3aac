"""The suppression list's queries: addresses that get no personal mail (they unsubscribed,
hard-bounced, or an organiser put them there). Addresses are kept in lower case."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.db import utcnow
from services.kit.problems import NotFound
from services.kit.schemas import paginate

from .models import Suppression
from .pages import creation_cursor


def normal_address(address: str) -> str:
    return address.strip().lower()


def get_suppression(session: Session, address: str) -> Suppression | None:
    return session.get(Suppression, normal_address(address))


def require_suppression(session: Session, address: str) -> Suppression:
    row = get_suppression(session, address)
    if row is None:
        raise NotFound(f"{address!r} is not suppressed", errors={"address": ["not on the suppression list"]})
    return row


def suppressed_among(session: Session, addresses: set[str]) -> dict[str, Suppression]:
    """``{lower-case address: suppression}`` of those of ``addresses`` on the list."""
    wanted = {normal_address(address) for address in addresses}
    if not wanted:
        return {}
    return {row.address: row for row in session.scalars(
        sa.select(Suppression).where(Suppression.address.in_(wanted)))}


def add_suppression(session: Session, address: str, reason: str, note: str = "",
                    source: str | None = None) -> Suppression:
    row = Suppression(address=normal_address(address), reason=reason, note=note[:1000], source=source,
                      created_at=utcnow())
    session.add(row)
    session.flush()
    return row


def list_suppressions(session: Session, *, reason: str | None, address: str | None, limit: int,
                      cursor: str | None) -> tuple[list[Suppression], str | None]:
    """A page of the list, oldest first."""
    statement = sa.select(Suppression)
    if reason is not None:
        statement = statement.where(Suppression.reason == reason)
    if address is not None:
        statement = statement.where(Suppression.address == normal_address(address))
    return paginate(session, statement, keys=[Suppression.created_at, Suppression.address],
                    key_of=lambda r: [r.created_at.isoformat(), r.address], limit=limit, cursor=cursor,
                    parse=creation_cursor)
