"""Rules of webhook subscriptions, free of I/O: topic patterns, which filter patterns name known
event types, who may receive which event, which events an event/track filter lets through, and
where the webhook-disabled notice goes."""
from __future__ import annotations

import re
from typing import Any, Iterable

from services.kit.auth import ORGANISER
from services.kit.cloudevents import matches

from .event_types import MESSAGE_FAILED, MESSAGE_SENT, REMINDER_DUE, TOKEN_REVOKED, WEBHOOK_DISABLED

# -- topics -----------------------------------------------------------------------------------

_WORD = re.compile(r"^(?:[A-Za-z0-9_-]+|\*|#)$")


def is_topic_pattern(pattern: str) -> bool:
    """An AMQP topic pattern: dot-separated words, each a name, ``*`` (one word) or ``#`` (any)."""
    return bool(pattern) and len(pattern) <= 255 and all(_WORD.match(word) for word in pattern.split("."))


def matches_any(patterns: Iterable[str], event_type: str) -> bool:
    return any(matches(pattern, event_type) for pattern in patterns)


# -- who receives what ------------------------------------------------------------------------

# Events carrying personal data (mail recipients; a reminder digest's one-click links and unsubscribe
# URL, which act for their person): only organisers' webhooks receive them.
PERSONAL_EVENTS = frozenset({MESSAGE_SENT, MESSAGE_FAILED, REMINDER_DUE, "ptghub.actions.person.unsubscribed"})
# Events about one token's own things: the field of ``data`` naming that token's id. Another
# integration's webhooks never receive them.
OWNED_EVENTS = {WEBHOOK_DISABLED: "owner", TOKEN_REVOKED: "id"}


def may_receive(owner: str, owner_role: str, event_type: str, data: Any) -> bool:
    """Whether a webhook owned by token ``owner`` (of ``owner_role``) may receive an event.

    An organiser's webhook receives every event it subscribed to. An integration's does not
    receive events carrying personal data, nor events about another token's things (another
    integration's ``webhook.disabled``): only those about its own.
    """
    if owner_role == ORGANISER:
        return True
    if event_type in PERSONAL_EVENTS:
        return False
    field = OWNED_EVENTS.get(event_type)
    if field is not None:
        return isinstance(data, dict) and data.get(field) == owner
    return True

# -- filters ------------------------------------------------------------------------------------

def unknown_patterns(patterns: Iterable[str], known: Iterable[str]) -> list[str]:
    """The patterns that match none of the ``known`` event types (a typo: they would never fire)."""
    known = list(known)
    return [pattern for pattern in patterns if not any(matches_any([pattern], t) for t in known)]


def event_scope(event_type: str, data: Any) -> tuple[str | None, str | None]:
    """``(event slug, track slug)`` an event is about; ``(None, None)`` for one about no gathering
    (notify's own webhook events, the gateway's token events). The schedule's event events name
    their event in ``slug``, its track events their track; a note's items name their note's."""
    if not isinstance(data, dict):
        return None, None
    if event_type.startswith("ptghub.schedule.event."):
        return data.get("slug"), None
    if event_type.startswith("ptghub.schedule.track."):
        return data.get("event"), data.get("slug")
    if isinstance(data.get("note"), dict) and "event" not in data:
        data = data["note"]
    return data.get("event"), data.get("track")


def in_scope(event_filter: str | None, track_filter: str | None, event_type: str, data: Any) -> bool:
    """Whether a subscription filtered to ``event_filter`` (and ``track_filter``) receives an event.

    No filter: every event. An event about no gathering (a ``webhook.disabled``, a
    ``token.revoked``) passes any filter: it is about the integration, not a gathering. Otherwise
    the event must be about that event and, with a track filter, about that track (an event-wide
    change, a room say, names no track and does not pass a track filter)."""
    if event_filter is None and track_filter is None:
        return True
    event, track = event_scope(event_type, data)
    if event is None and track is None:
        return True
    if event_filter is not None and event != event_filter:
        return False
    return track_filter is None or track == track_filter


# -- where the webhook-disabled notice goes -------------------------------------------------------

def notice_recipient(contact: str | None, fallback: str | None) -> str | None:
    """The address of a disabled webhook's notice: its ``contact``, else ``PTGHUB_WEBHOOK_CONTACT``
    (``fallback``, the operators'; a token carries no address), else None (no mail: the owner
    learns of it from ``ptghub.notify.webhook.disabled`` and the webhook's ``disabled_reason``)."""
    return contact or fallback or None
