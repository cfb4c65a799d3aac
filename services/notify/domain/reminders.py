"""Reminder digests: which reminded items are still due when the digest is sent, on the owner's date."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ACTIVE_ACTION_STATUSES = ("open", "in_progress")
WITHDRAWN = "withdrawn"


def still_due(item: dict[str, Any], state: Any, today: date) -> bool:
    """Whether a reminded item still belongs in its digest: notify has not seen it become done,
    dropped or withdrawn since, nor snoozed past ``today`` (the owner's date)."""
    if state is None:
        return item.get("status", "open") in ACTIVE_ACTION_STATUSES
    if state.status not in ACTIVE_ACTION_STATUSES:
        return False
    return state.snoozed_until is None or state.snoozed_until <= today


def owner_today(now: datetime, timezone_name: str | None) -> date:
    try:
        zone = ZoneInfo(timezone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()
