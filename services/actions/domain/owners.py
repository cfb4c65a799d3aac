"""What names an owner, and how names are matched.

An owner is written as a nick (``mgoddard``, ``@mgoddard``), an alias of a person, or an e-mail
address. Every name is matched case-insensitively through its *key* (lower case, no ``@`` in front
of a nick). A person's nick and aliases share one key space: no key names two people. An owner
whose key names no person yet is kept as written ("an owner unknown yet") and linked when such a
person is recorded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from services.kit.problems import Invalid

NICK = re.compile(r"^[A-Za-z_\[\]\\^{}|`][A-Za-z0-9_\-\[\]\\^{}|`.]{0,63}$")
# The characters an address part may not hold, named outright where regex dialects disagree on ``\s``
# (the pattern is also the document's, which other engines read).
_NOT_IN_ADDRESS = r"[^@\s\x1c-\x1f\x85\ufeff<>(),;:\"]"
EMAIL = re.compile(rf"^{_NOT_IN_ADDRESS}+@{_NOT_IN_ADDRESS}+\.{_NOT_IN_ADDRESS}+$")


@dataclass(frozen=True)
class Handle:
    """An owner as written, and the key it is matched by."""

    text: str  # as written, without a leading @ on a nick
    key: str  # lower case
    email: bool  # an e-mail address rather than a nick or alias


def key(name: str) -> str:
    """The key a nick, alias or address is matched by."""
    name = name.strip()
    if name.startswith("@") and "@" not in name[1:]:
        name = name[1:]
    return name.lower()


def handle(name: str, field: str = "owners") -> Handle:
    """Parse one owner as written (422 naming ``field`` for something that is neither a nick nor an address)."""
    text = name.strip()
    if text.startswith("@") and "@" not in text[1:]:
        text = text[1:]
    if "@" in text:
        if not EMAIL.match(text) or len(text) > 320:
            raise Invalid(field, f"{name!r} is not an e-mail address")
        return Handle(text, text.lower(), True)
    if not NICK.match(text):
        raise Invalid(field, f"{name!r} is not a nick (letters, digits, - _ . [ ] \\ ^ {{ }} | `, at most 64)")
    return Handle(text, text.lower(), False)


def handles(names: list[str], field: str = "owners") -> list[Handle]:
    """Several owners, each once (by key), in the order given."""
    seen: dict[str, Handle] = {}
    for name in names:
        parsed = handle(name, field)
        seen.setdefault(parsed.key, parsed)
    return list(seen.values())
