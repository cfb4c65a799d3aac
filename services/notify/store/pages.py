"""Keyset pages by creation, oldest first, with checked cursors."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from services.kit.problems import Problem


def by_creation(model) -> dict[str, Any]:
    """Keyset pagination by (created_at, id), oldest first."""
    return dict(keys=[model.created_at, model.id], key_of=lambda r: [r.created_at.isoformat(), r.id],
                parse=creation_cursor)


def creation_cursor(values: list) -> list:
    try:
        return [datetime.fromisoformat(values[0]), str(values[1])]
    except (TypeError, ValueError) as exc:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]}) from exc
