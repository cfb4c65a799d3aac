"""Rules for operating a webhook subscription, free of I/O: which filter patterns name known event
types, which events an event/track filter lets through, which secrets sign a delivery while a
secret rotates, the ping a subscriber can ask for, and where the webhook-disabled notice goes
(the excerpt of an answer the log keeps is :func:`.domain.response_excerpt`)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable

from . import domain

WEBHOOK_PING = "ptghub.notify.webhook.ping"
ROTATION_GRACE = timedelta(hours=24)  # PTGHUB_WEBHOOK_ROTATION_GRACE's default


# -- filters ------------------------------------------------------------------------------------

def unknown_patterns(patterns: Iterable[str], known: Iterable[str]) -> list[str]:
    """The patterns that match none of the ``known`` event types (a typo: they would never fire)."""
    known = list(known)
    return [pattern for pattern in patterns if not any(domain.matches_any([pattern], t) for t in known)]


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


# -- secret rotation ------------------------------------------------------------------------------

def signing_secrets(secret: str, previous: str | None, previous_until: datetime | None,
                    now: datetime) -> tuple[str, ...]:
    """The secrets a delivery is signed with: the current one, and the previous one while its grace
    period lasts (two ``v1,`` signatures; a receiver holding either verifies)."""
    if previous and previous_until is not None and now < previous_until:
        return (secret, previous)
    return (secret,)


# -- what the delivery log keeps of an answer -----------------------------------------------------

# -- where the webhook-disabled notice goes -------------------------------------------------------

def notice_recipient(contact: str | None, fallback: str | None) -> str | None:
    """The address of a disabled webhook's notice: its ``contact``, else ``PTGHUB_WEBHOOK_CONTACT``
    (``fallback``, the operators'; a token carries no address), else None (no mail: the owner
    learns of it from ``ptghub.notify.webhook.disabled`` and the webhook's ``disabled_reason``)."""
    return contact or fallback or None
