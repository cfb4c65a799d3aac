"""Object-level authorisation from the principal the gateway vouches for (``X-Ptghub-Principal``).

Roles: ``organiser`` (everything), ``chair`` (its own tracks, listed in ``tracks``),
``integration`` (reads; its own webhooks), ``public`` (reads of the schedule and board).
"""
from __future__ import annotations

from .problems import Forbidden

ORGANISER = "organiser"
CHAIR = "chair"
INTEGRATION = "integration"


def is_organiser(principal: dict) -> bool:
    return principal.get("role") == ORGANISER


def require_organiser(principal: dict, what: str = "this") -> None:
    if not is_organiser(principal):
        raise Forbidden(f"only an organiser may change {what}")


def may_write_track(principal: dict, track_slug: str | None) -> bool:
    if is_organiser(principal):
        return True
    return principal.get("role") == CHAIR and track_slug is not None and track_slug in principal.get("tracks", [])


def require_track_writer(principal: dict, track_slug: str | None) -> None:
    """Organisers write every track; a chair writes only the tracks it chairs."""
    if not may_write_track(principal, track_slug):
        raise Forbidden(f"not allowed to change track {track_slug}", errors={"track": ["not one of your tracks"]})


def require_role(principal: dict, *roles: str) -> None:
    if principal.get("role") not in roles:
        raise Forbidden(f"needs one of the roles: {', '.join(roles)}")
