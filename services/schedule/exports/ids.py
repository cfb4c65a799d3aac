"""Identifiers the exports hand out, which never change: iCalendar ``UID`` ``<session id>@ptghub``,
frab ``guid`` (uuid5 of the session or room id in :data:`NAMESPACE`), frab ``id`` (a positive 31-bit
integer hashed from the session id); and the ETag of one rendering, built without rendering it.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timezone
from typing import Iterable

from .data import SessionData

# Bump when any renderer's output changes for the same data: it is part of every ETag, so caches
# holding the old rendering are invalidated by a deploy.
FORMAT_REVISION = 1
# Fixed forever: uuid5(NAMESPACE_URL, "urn:ptghub:schedule:exports"). Frab guids derive from it.
NAMESPACE = uuid.UUID("b2e48885-83c2-58df-8cba-ad17e15b2648")


def etag(event_id: str, version: int, kind: str, scope: tuple[str, str] | None = None) -> str:
    """The opaque tag (without ``W/`` and quotes) of one export of one version of an event.

    ``kind`` is ``ptg.json``, ``ics``, ``xml`` or ``json``; ``scope`` is ``("track", slug)`` or
    ``("room", slug)`` for the per-track and per-room calendars.
    """
    tag = f"{event_id}-{version}-{kind}"
    if scope:
        tag += f"-{scope[0]}-{scope[1]}"
    return f"{tag}-f{FORMAT_REVISION}"


def session_guid(session_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"session:{session_id}"))


def room_guid(room_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"room:{room_id}"))


def person_guid(name: str, email: str | None, nick: str | None) -> str:
    if email:  # as the C3VOC schema recommends: uuid5(NAMESPACE_URL, 'acct:user@domain.tld')
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"acct:{email.lower()}"))
    return str(uuid.uuid5(NAMESPACE, f"person:{(nick or name).lower()}"))


ID_SPACE = 2**31 - 1  # a Java int: some conference apps parse the id as one


def _hashed_id(session_id: str) -> int:
    return int.from_bytes(hashlib.sha256(session_id.encode()).digest()[:8], "big") % ID_SPACE + 1


def frab_ids(sessions: Iterable[SessionData]) -> dict[str, int]:
    """Session id -> frab integer id: hashed from the session id, unique within the event.

    On the (rare) collision the later-created session takes the next free number, so an id once
    given out keeps belonging to the same session.
    """
    ids: dict[str, int] = {}
    taken: set[int] = set()
    epoch = datetime.min.replace(tzinfo=timezone.utc)
    for session in sorted(sessions, key=lambda s: (s.created_at or epoch, s.id)):
        number = _hashed_id(session.id)
        while number in taken:
            number = number % ID_SPACE + 1
        taken.add(number)
        ids[session.id] = number
    return ids
