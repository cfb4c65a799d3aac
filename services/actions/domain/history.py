"""What a change changed, as an action's history records it: ``{field: {"from": old, "to": new}}``."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

# Kinds of history entries.
CREATED, CHANGED, WITHDRAWN, SOURCE_CHANGED, SOURCE_REMOVED, REMINDED = (
    "created", "changed", "withdrawn", "source_changed", "source_removed", "reminded")


def plain(value: Any) -> Any:
    """A value as JSON keeps it (dates in ISO 8601)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def changed_fields(current: dict, changes: dict) -> dict:
    """The fields of ``changes`` whose value differs from ``current``."""
    return {name: value for name, value in changes.items() if current.get(name) != value}


def diff(current: dict, changes: dict) -> dict[str, dict[str, Any]]:
    """``{field: {"from", "to"}}`` for each field ``changes`` changes."""
    return {name: {"from": plain(current.get(name)), "to": plain(value)}
            for name, value in changed_fields(current, changes).items()}
