"""A person's fields, checked: an IANA timezone, aliases that are nicks, no alias twice or equal to the nick."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.kit.problems import Invalid

from .owners import NICK, key


def check_timezone(name: str) -> str:
    """An IANA timezone name as zoneinfo knows it (422 naming ``timezone``)."""
    try:
        if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid("timezone", f"{name!r} is not an IANA timezone name (like Europe/Berlin or UTC)") from None
    return name


def check_nick(nick: str, field: str = "nick") -> str:
    if not NICK.match(nick):
        raise Invalid(field, f"{nick!r} is not a nick (letters, digits, - _ . [ ] \\ ^ {{ }} | `, at most 64)")
    return nick


def alias_keys(nick: str, aliases: list[str]) -> dict[str, str]:
    """``{key: alias}`` for a person's aliases in order: each a nick (422), none twice nor the nick
    itself (422 naming ``aliases``)."""
    keys: dict[str, str] = {}
    for alias in aliases:
        alias = alias.strip()
        check_nick(alias, "aliases")
        alias_key = key(alias)
        if alias_key == key(nick):
            raise Invalid("aliases", f"{alias!r} is the person's nick")
        if alias_key in keys:
            raise Invalid("aliases", f"{alias!r} is given twice")
        keys[alias_key] = alias
    return keys
