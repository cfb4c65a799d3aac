"""Reminder digests waiting to be sent, and the latest state notify has seen of each action."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import ActionState, ReminderDigest


def get_action_state(session: Session, action_id: str, lock: bool = False) -> ActionState | None:
    return session.get(ActionState, action_id, with_for_update=True if lock else None)


def action_states(session: Session, action_ids: list[str]) -> dict[str, ActionState]:
    if not action_ids:
        return {}
    return {row.action_id: row for row in session.scalars(
        sa.select(ActionState).where(ActionState.action_id.in_(action_ids)))}


def get_digest(session: Session, mail_id: str) -> ReminderDigest | None:
    return session.get(ReminderDigest, mail_id)
