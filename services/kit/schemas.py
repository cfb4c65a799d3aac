"""Marshmallow building blocks shared by every service's schemas."""
from __future__ import annotations

import base64
import json
from typing import Any

import sqlalchemy as sa
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from .problems import Problem


NUL_MESSAGE = "must not contain NUL characters"
# A character that is not white space, written out so that Python's ``re`` and the documents' (ECMA)
# patterns agree on it: ``\S`` differs between them (Python counts \x1c-\x1f and \x85 as space).
NOT_SPACE = "[^\\x00-\\x20\\x7f\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"
# An http(s) URL with a host name, as ``fields.Url(require_tld=False)`` accepts it (a subset): the
# pattern the generated documents give every URL field (:mod:`services.kit.openapi`).
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
URL_PATTERN = (rf"^https?://(?:{LABEL}|(?:{LABEL}\.)+[A-Za-z0-9-]{{2,63}}|[0-9]{{1,3}}(?:\.[0-9]{{1,3}}){{3}})(?::[0-9]{{1,5}})?"
               r"(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]+)?"
               r"(?:#[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$")


class StrictSchema(Schema):
    """Unknown fields are refused (and the generated OpenAPI says ``additionalProperties: false``).

    So are strings holding NUL, which PostgreSQL text cannot store: a 400 naming the field, not a 500.
    """

    class Meta:
        unknown = RAISE
        ordered = True

    @pre_load
    def _refuse_nul(self, data, **_kwargs):
        if isinstance(data, dict):
            bad = {key: [NUL_MESSAGE] for key, value in data.items() if isinstance(value, str) and "\x00" in value}
            if bad:
                raise ValidationError(bad)
        return data


class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "next_cursor": fields.String(allow_none=True, metadata={"description": "pass as `cursor` for the next page"}),
    })


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as exc:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]}) from exc
    if not isinstance(values, list) or len(values) != width:
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return values


def paginate(session, statement: sa.Select, keys: list[sa.ColumnElement], key_of, limit: int,
             cursor: str | None, parse=None) -> tuple[list[Any], str | None]:
    """Keyset pagination over ``keys`` (ascending, unique together): returns items and the next cursor."""
    if cursor:
        values = decode_cursor(cursor, len(keys))
        if parse:
            values = parse(values)
        statement = statement.where(sa.tuple_(*keys) > sa.tuple_(*values))
    rows = session.scalars(statement.order_by(*keys).limit(limit + 1)).all()
    next_cursor = encode_cursor(key_of(rows[limit - 1])) if len(rows) > limit else None
    return rows[:limit], next_cursor
