"""Events the schedule service consumes: none — it is the source of truth for what it owns."""
from __future__ import annotations

from services.kit.consuming import Subscription
from services.kit.db import Database


def subscriptions(_database: Database) -> list[Subscription]:
    return []
