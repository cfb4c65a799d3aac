"""Planning reminders: after any change of an action, each owner's next reminder is planned again.

The reminders feature (the policy, the sweep) fills this in; every way an action changes calls
:func:`reschedule`, so a done, dropped or snoozed action stops being reminded at once.
"""
from __future__ import annotations

from datetime import datetime

from services.kit.db import UnitOfWork

from .. import store


def reschedule(uow: UnitOfWork, action: store.Action, now: datetime) -> None:
    """Plan each owner's next reminder about ``action`` (``next_reminder_at``; null: none)."""
    for owner in action.owners:
        if not action.state.active:
            owner.next_reminder_at = None
