"""What extraction needs to know besides the text: who wrote it, whom ptghub knows, the event's dates."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo


class People:
    """The people ptghub knows: nicks and their aliases (names, e-mail addresses), looked up lower-case.

    ``People({"mgoddard": ["Mark Goddard", "mark@stackhpc.com"], "hrw": []})`` or
    ``People(["mgoddard", "hrw"])``. :meth:`lookup` answers the nick as ptghub spells it.
    """

    __slots__ = ("_index", "_nicks", "_longest", "_hash")

    def __init__(self, entries: Mapping[str, Iterable[str]] | Iterable[str] = ()):
        index: dict[str, str] = {}
        nicks: list[str] = []
        items = entries.items() if isinstance(entries, Mapping) else ((nick, ()) for nick in entries)
        for nick, aliases in items:
            nicks.append(nick)
            index[nick.lower()] = nick
            for alias in aliases:
                key = " ".join(alias.lower().split())
                if key:
                    index.setdefault(key, nick)
                    if "@" in key:  # the mailing-list archives spell an address "mark at stackhpc.com"
                        index.setdefault(key.replace("@", " at "), nick)
        self._index = index
        self._nicks = tuple(nicks)
        self._longest = max((len(key.split()) for key in index), default=1)
        self._hash = None

    def __eq__(self, other: object) -> bool:
        # Compared by a fingerprint of the entries (a 64-bit hash, worked out once), so that the memo
        # of extraction's steps (keyed by the directory too) does not compare whole directories.
        return self is other or (isinstance(other, People) and len(self._index) == len(other._index)
                                 and hash(self) == hash(other))

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._index.items()))
        return self._hash

    def lookup(self, name: str) -> str | None:
        """The nick for a nick, alias or address (case-insensitive, an ``@`` in front ignored)."""
        key = " ".join(name.lower().lstrip("@").split())
        return self._index.get(key)

    def aliases_of(self, nick: str) -> tuple[str, ...]:
        return tuple(key for key, value in self._index.items() if value == nick)

    @property
    def longest_alias(self) -> int:
        """How many words the longest alias has ("Mark Goddard": 2)."""
        return self._longest

    @property
    def nicks(self) -> tuple[str, ...]:
        return self._nicks

    def with_person(self, nick: str | None) -> "People":
        if not nick or nick.lower() in self._index:
            return self
        other = People(())
        other._index = {**self._index, nick.lower(): nick}
        other._nicks = self._nicks + (nick,)
        other._longest = self._longest
        other._hash = None
        return other

    def __contains__(self, name: str) -> bool:
        return self.lookup(name) is not None

    def __len__(self) -> int:
        return len(self._nicks)

    def __repr__(self) -> str:
        return f"People({list(self._nicks)!r})"


@dataclass(frozen=True)
class Calendar:
    """The event's dates, for due dates written as a weekday ("by Friday").

    ``today`` is the date the note was written, on the event's calendar (its timezone): build it with
    :meth:`on` from the moment of the save. Without it, the event's start stands in for it.
    """

    start: date | None = None
    end: date | None = None
    timezone: str = "UTC"
    today: date | None = None

    def on(self, moment: datetime) -> "Calendar":
        """This calendar as seen at ``moment`` (an aware datetime): ``today`` in the event's timezone."""
        local = moment.astimezone(ZoneInfo(self.timezone)) if moment.tzinfo else moment
        return replace(self, today=local.date())


@dataclass(frozen=True)
class Context:
    """Who wrote the text (``author``: the nick "I", "me" and "myself" stand for), whom ptghub knows
    (``people``), and the event's calendar (for "by Friday")."""

    author: str | None = None
    people: People = field(default_factory=People)
    calendar: Calendar = field(default_factory=Calendar)
