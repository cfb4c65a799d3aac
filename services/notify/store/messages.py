"""The outgoing mail queue and its log, and the claim condition of the mail delivery loop."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound
from services.kit.schemas import paginate

from .. import domain
from ..domain import mail_kinds
from .models import OutgoingMail
from .pages import by_creation


def mail_exists(session: Session, source_event_id: str, recipient: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(
        OutgoingMail.source_event_id == source_event_id, OutgoingMail.recipient == recipient)) > 0


def get_mail(session: Session, mail_id: str, lock: bool = False) -> OutgoingMail:
    row = session.get(OutgoingMail, mail_id, with_for_update=True if lock else None, populate_existing=lock)
    if row is None:
        raise NotFound(f"no message {mail_id!r}", errors={"id": ["unknown message"]})
    return row


def list_mail(session: Session, *, status: str | None, recipient: str | None, limit: int,
              cursor: str | None, kind: str | None = None, since: datetime | None = None
              ) -> tuple[list[OutgoingMail], str | None]:
    """A page of the mail log, oldest first; ``recipient`` matches in any case, ``kind`` by
    :mod:`.domain.mail_kinds`, ``since``: queued at or after."""
    statement = sa.select(OutgoingMail)
    if status is not None:
        statement = statement.where(OutgoingMail.status == status)
    if recipient is not None:
        statement = statement.where(sa.func.lower(OutgoingMail.recipient) == recipient.strip().lower())
    if kind is not None:
        statement = statement.where(kind_condition(OutgoingMail.source_event_type, kind))
    if since is not None:
        statement = statement.where(OutgoingMail.created_at >= since)
    return paginate(session, statement, limit=limit, cursor=cursor, **by_creation(OutgoingMail))


def claimed_mail(session: Session, mail_id: str, claim: str) -> OutgoingMail | None:
    """The mail, locked, if ``claim`` still holds it."""
    mail = session.get(OutgoingMail, mail_id, with_for_update=True, populate_existing=True)
    return mail if mail is not None and mail.claim == claim else None


def due_mail(table: sa.Table, now: datetime) -> sa.ColumnElement:
    """The claim condition of the mail loop: queued mail whose next attempt is due."""
    return sa.and_(table.c.status == domain.QUEUED, table.c.next_attempt_at <= now)


def _condition(column: sa.ColumnElement, source: str) -> sa.ColumnElement:
    return column.startswith(source, autoescape=True) if source.endswith(".") else column == source


def kind_condition(column: sa.ColumnElement, kind: str) -> sa.ColumnElement:
    """A WHERE clause on a ``source_event_type`` column: the mail of ``kind`` (:mod:`..domain.mail_kinds`)."""
    if kind == mail_kinds.OTHER:
        return sa.not_(sa.or_(*(_condition(column, s) for sources in mail_kinds.SOURCES.values() for s in sources)))
    return sa.or_(*(_condition(column, source) for source in mail_kinds.SOURCES[kind]))
