"""Planning reminders: after any change of an action, each owner's next reminder is planned again.

Every way an action changes calls :func:`reschedule`, so a done, dropped or snoozed action stops
being reminded at once: ``next_reminder_at`` is the moment the owner's next reminder is due (null:
none is planned), computed by :func:`..domain.reminders.next_reminder` from the action, the owner's
person (timezone; reminders on, an address), the policy (the event's, the action's own fields over
it) and the reasons already recorded for that owner. The sweep (:mod:`.reminders`) plans with the
same functions, so what it sends and what :func:`reschedule` planned never disagree: the sweep
plans again at the moment it runs, ``next_reminder_at`` only says when to look.
"""
from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from services.kit.db import UnitOfWork

from .. import store
from ..domain import policy as policies, reminders
from ..store import reminders as reminder_store


def recipient_zone(person: store.Person | None) -> ZoneInfo | None:
    """The timezone a person is reminded in; None when they are not reminded (no person known,
    reminders off, no address)."""
    if person is None or not person.reminders or not person.email:
        return None
    return reminders.zone(person.timezone)


def facts(action: store.Action) -> reminders.Facts:
    return reminders.Facts(action.status, action.due_date, action.snoozed_until, action.created_at)


def plan(action: store.Action, owner: store.ActionOwner, event_policies: Mapping[str, dict[str, Any]],
         sent: set[str], now: datetime) -> reminders.Next | None:
    """The owner's next reminder about ``action`` as of ``now``."""
    policy = _policy(json.dumps(event_policies.get(action.event) if action.event else None, sort_keys=True),
                     json.dumps(action.policy, sort_keys=True))
    return reminders.next_reminder(facts(action), recipient_zone(owner.person), policy, sent, now)


@lru_cache(maxsize=1024)
def _policy(event_policy: str, action_policy: str) -> policies.Policy:
    """The policy of an event's and an action's fields (as JSON text: a sweep plans thousands of
    owners under a handful of policies)."""
    return policies.for_planning(json.loads(event_policy), json.loads(action_policy))


def reschedule(uow: UnitOfWork, action: store.Action, now: datetime) -> None:
    """Plan each owner's next reminder about ``action`` (``next_reminder_at``; null: none)."""
    owners = list(action.owners)
    if not owners:
        return
    if not action.state.active:
        for owner in owners:
            owner.next_reminder_at = None
        return
    event_policies = reminder_store.policies_for(uow.session, [action.event])
    sent = reminder_store.sent_reasons(uow.session, [owner.id for owner in owners if owner.id is not None])
    for owner in owners:
        upcoming = plan(action, owner, event_policies, sent.get(owner.id, set()), now)
        owner.next_reminder_at = upcoming.at if upcoming else None


def reschedule_person(uow: UnitOfWork, person: store.Person, now: datetime) -> int:
    """Plan again every owner row of ``person`` on an open or in-progress action: after a change of
    the person that changes their reminders (reminders switched on or off, a timezone or an
    address set, owners just linked to them). Returns how many rows were planned."""
    owners = reminder_store.active_owners_of(uow.session, person.id)
    event_policies = reminder_store.policies_for(uow.session, (owner.action.event for owner in owners))
    sent = reminder_store.sent_reasons(uow.session, (owner.id for owner in owners))
    for owner in owners:
        upcoming = plan(owner.action, owner, event_policies, sent[owner.id], now)
        owner.next_reminder_at = upcoming.at if upcoming else None
    uow.session.flush()
    return len(owners)
