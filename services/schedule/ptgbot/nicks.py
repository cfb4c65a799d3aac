"""Who may say what to the bot, by chat nick (the relay that forwards the line is vouched for by
its token; the nick it names decides what the line may do)."""
from __future__ import annotations

from typing import Any, Iterable

from services.kit.auth import is_organiser


def same_nick(a: str, b: str) -> bool:
    """IRC nicks compare case-insensitively (RFC 1459 casemapping: ``[]\\~`` are ``{}|^`` in lower case)."""
    table = str.maketrans("[]\\~", "{}|^")
    return a.lower().translate(table) == b.lower().translate(table)


def _nicks(people: Iterable[Any]) -> list[str]:
    nicks = []
    for person in people or ():
        nick = person.get("nick") if isinstance(person, dict) else person
        if isinstance(nick, str) and nick:
            nicks.append(nick)
    return nicks


def is_organiser_nick(nick: str, organisers: Iterable[Any]) -> bool:
    return any(same_nick(nick, other) for other in _nicks(organisers))


def is_chair_nick(nick: str, chairs: Iterable[Any]) -> bool:
    return any(same_nick(nick, other) for other in _nicks(chairs))


def may_command_track(nick: str, organisers: Iterable[Any], chairs: Iterable[Any], open_commands: bool) -> bool:
    """Track commands: the organisers, the track's chairs, or anyone when the event lets everyone speak."""
    return open_commands or is_organiser_nick(nick, organisers) or is_chair_nick(nick, chairs)


def may_command_admin(nick: str, organisers: Iterable[Any]) -> bool:
    """``~`` commands (motd, newday, tracks): the organisers only, whatever the voice setting."""
    return is_organiser_nick(nick, organisers)


def may_relay(principal: dict, event_slug: str) -> bool:
    """The command endpoint trusts relays (integration tokens allowed to relay) and the organisers
    of ``event_slug``."""
    return bool(principal.get("relay")) or is_organiser(principal, event_slug)
