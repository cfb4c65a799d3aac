"""One-click links' queries: whether a link was used, using it (once), and a person's open work."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import status
from .models import Action, ActionOwner, Person, UsedLink


def link_used(session: Session, token_id: str) -> UsedLink | None:
    return session.get(UsedLink, token_id)


def use_link(session: Session, token_id: str, action_id: str | None, now: datetime) -> bool:
    """Record the link ``token_id`` as used; False when it was used already (by another request too)."""
    if session.get(UsedLink, token_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(UsedLink(token_id=token_id, action_id=action_id, used_at=now))
    except IntegrityError:
        return False
    return True


def get_person_by_id(session: Session, person_id: str, lock: bool = False) -> Person | None:
    return session.get(Person, person_id, with_for_update=True if lock else None)


def owns(action: Action, person_id: str) -> bool:
    return any(owner.person_id == person_id for owner in action.owners)


def active_actions_of(session: Session, person_id: str) -> list[Action]:
    """The open and in-progress actions ``person_id`` owns, locked, oldest first."""
    return list(session.scalars(
        sa.select(Action).join(ActionOwner, ActionOwner.action_id == Action.id)
        .where(ActionOwner.person_id == person_id, Action.status.in_(status.ACTIVE))
        .order_by(Action.created_at, Action.id).with_for_update(of=Action)))
