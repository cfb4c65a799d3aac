"""Keyset pages of the schedule's lists, with the client's cursor checked before it reaches SQL."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import Problem
from services.kit.schemas import paginate


def cursor_values(*kinds: type) -> Callable[[list], list]:
    """A parser for a list cursor of values of ``kinds`` (str, int, datetime): anything else is a 400."""

    def bad():
        return Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})

    def parse(values: list) -> list:
        parsed = []
        for kind, value in zip(kinds, values):
            if kind is datetime:
                if not isinstance(value, str):
                    raise bad()
                try:
                    value = datetime.fromisoformat(value)
                except ValueError:
                    raise bad() from None
                if value.tzinfo is None:
                    raise bad()
            elif kind is int:
                if isinstance(value, bool) or not isinstance(value, int) or not -2**31 < value < 2**31:
                    raise bad()
            elif not isinstance(value, str) or "\x00" in value or len(value) > 300:
                raise bad()
            parsed.append(value)
        return parsed

    return parse


def keyset_page(session: Session, statement: sa.Select, keys: list, key_of: Callable[[Any], list],
                kinds: tuple[type, ...], limit: int, cursor: str | None) -> tuple[list, str | None]:
    """A page of ``statement`` ordered by ``keys`` (unique together), whose values are of ``kinds``."""
    return paginate(session, statement, keys, key_of, limit, cursor, parse=cursor_values(*kinds))
