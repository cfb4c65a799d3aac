"""The schedule's events on the outbox: ``ptghub.schedule.<entity>.<verb>``, leaving only if the
unit of work commits (the schemas of their data: ``schemas.gathering.EVENTS``)."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema

from services.kit.cloudevents import event_type
from services.kit.db import UnitOfWork

from .. import SERVICE


def publish(uow: UnitOfWork, entity: str, verb: str, body: Any, subject: str) -> None:
    uow.publish(event_type(SERVICE, entity, verb), body, subject=subject)


def apply_changes(uow: UnitOfWork, row: Any, changed: dict[str, Any], schema: Schema, entity: str,
                   subject: str) -> Any:
    """Write ``changed`` onto ``row``; when anything changed, publish ``<entity>.updated`` with the
    row as it now is (nothing changed: nothing published). Returns the row; the caller commits."""
    if changed:
        for name, value in changed.items():
            setattr(row, name, value)
        uow.session.flush()
        publish(uow, entity, "updated", schema.dump(row), subject)
    return row
