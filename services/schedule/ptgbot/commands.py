"""ptgbot's chat command language: a line as a typed command, or the refusal ptgbot would answer.

``#TRACK now|next|clean|location|url|color|etherpad|book|unbook ...`` (a track's commands),
``~motd add|del|reorder|clean``, ``~newday``, ``~add|~del|~clean TRACK...``, ``~list``,
``~requirevoice``, ``~alloweveryone`` (the organisers'), ``#help``. Parsing checks the words only;
whether the track exists and the nick may speak is for the operation that applies the command
(``operations.commands``). Also here: how a chat user names a room-slot, a message number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from ..domain import live as rules
from . import replies

# ptgbot's user commands (check-in, subscriptions): not part of ptghub
USER_COMMANDS = ("in", "out", "seen", "subscribe", "unsubscribe")
# MeetBot's markers, taken from a track's channel for its note (``#help`` stays ptgbot's help)
MEETBOT_MARKERS = ("action", "agreed", "agree", "accepted", "rejected", "info", "idea", "link", "topic")


class CommandError(Exception):
    """A command ptgbot would refuse; ``reply`` is the text (without the ``nick:`` prefix)."""

    def __init__(self, reply: str):
        super().__init__(reply)
        self.reply = reply


# -- typed commands -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Now:
    track: str
    text: str
    name = "now"


@dataclass(frozen=True)
class Next:
    track: str
    text: str
    name = "next"


@dataclass(frozen=True)
class Clean:
    track: str
    name = "clean"


@dataclass(frozen=True)
class Location:
    track: str
    text: str | None
    name = "location"


@dataclass(frozen=True)
class Url:
    track: str
    url: str | None  # None: `#TRACK url none` removes it
    name = "url"


@dataclass(frozen=True)
class Colour:
    track: str
    colour: str
    name = "color"


@dataclass(frozen=True)
class Etherpad:
    track: str
    url: str | None  # None: `#TRACK etherpad auto` goes back to the generated one
    name = "etherpad"


@dataclass(frozen=True)
class Book:
    track: str
    room: str
    slot: str
    spec: str  # as typed, e.g. "Aspen-FriP1"
    name = "book"


@dataclass(frozen=True)
class Unbook:
    track: str
    room: str
    slot: str
    spec: str
    name = "unbook"


@dataclass(frozen=True)
class MotdAdd:
    level: str
    message: str
    name = "motd add"


@dataclass(frozen=True)
class MotdDel:
    number: str  # checked against the list when applied (ptgbot: "Incorrect message number N")
    name = "motd del"


@dataclass(frozen=True)
class MotdReorder:
    numbers: tuple[str, ...]
    name = "motd reorder"


@dataclass(frozen=True)
class MotdClean:
    name = "motd clean"


@dataclass(frozen=True)
class NewDay:
    name = "newday"


@dataclass(frozen=True)
class AddTracks:
    tracks: tuple[str, ...]
    name = "add"


@dataclass(frozen=True)
class DelTracks:
    tracks: tuple[str, ...]
    name = "del"


@dataclass(frozen=True)
class CleanTracks:
    tracks: tuple[str, ...]
    name = "clean tracks"


@dataclass(frozen=True)
class ListTracks:
    name = "list"


@dataclass(frozen=True)
class Voice:
    required: bool  # ~requirevoice: True (only chairs and organisers); ~alloweveryone: False
    name = "voice"


@dataclass(frozen=True)
class Help:
    name = "help"


@dataclass(frozen=True)
class Line:
    """One chat line, split the way ptgbot splits it, before its command is understood."""

    kind: str  # "track" (#TRACK ...), "admin" (~...), "help", "user" (+in, #seen ...)
    name: str  # the track (lower-cased), the admin directive or the user command
    params: tuple[str, ...] = ()


def meetbot_marker(text: str) -> tuple[str, str] | None:
    """``("action", "mgoddard write the spec")`` for a MeetBot line (``#action ...``, ``#agreed: ...``),
    None for any other line."""
    words = text.split(None, 1)
    head = words[0].lower().rstrip(":") if words else ""
    if not head.startswith("#") or head[1:] not in MEETBOT_MARKERS:
        return None
    return head[1:], (words[1].strip() if len(words) > 1 else "")


def read_line(text: str) -> Line | None:
    """Classify a chat line; None when it is no command at all (ptgbot ignores those)."""
    words = text.split()
    if not words:
        return None
    head = words[0].lower()
    params = tuple(words[1:])
    if head[:1] not in ("#", "~", "+"):
        return None
    if head[1:] == "help":
        return Line("help", "help")
    if head.startswith("+") or (head.startswith("#") and head[1:] in USER_COMMANDS):
        return Line("user", head[1:], params)
    if head.startswith("#"):
        return Line("track", head[1:], params)
    return Line("admin", head[1:], params)


def parse_track_command(track: str, params: Iterable[str]):
    """``#TRACK <params>`` as a typed command, or :class:`CommandError` with ptgbot's reply."""
    params = tuple(params)
    if not params:
        raise CommandError("Missing track command (#TRACK [now|next|clean...] ...)")
    adverb = params[0].lower()
    sentence = " ".join(params[1:])
    if adverb in ("now", "next"):
        if len(params) < 2:
            raise CommandError(f"Missing sentence (#TRACK {adverb} ...)")
        check_sentence(sentence)
        return Now(track, sentence) if adverb == "now" else Next(track, sentence)
    if adverb == "clean":
        if len(params) > 1:
            raise CommandError("'#TRACK clean' does not take any parameter")
        return Clean(track)
    if adverb == "etherpad":
        if len(params) != 2:
            raise CommandError("'#TRACK etherpad' takes a single URL parameter")
        return Etherpad(track, None if params[1] == "auto" else check_url(params[1]))
    if adverb == "url":
        if len(params) != 2:
            raise CommandError("'#TRACK url' takes a single URL parameter")
        return Url(track, None if params[1] == "none" else check_url(params[1]))
    if adverb == "color":
        if len(params) != 2:
            raise CommandError("'#TRACK color' takes a single colorcode parameter")
        return Colour(track, check_colour(params[1]))
    if adverb == "location":
        return Location(track, check_location(sentence))
    if adverb in ("book", "unbook"):
        if len(params) != 2:
            raise CommandError(f"'#TRACK {adverb}' takes a single slotname parameter")
        room, slot = split_room_slot(params[1])
        return (Book if adverb == "book" else Unbook)(track, room, slot, params[1])
    raise CommandError(f"Unknown command '{adverb}'. Did you mean: {track} now {adverb}... ?")


def parse_admin_command(directive: str, params: Iterable[str]):
    """``~<directive> <params>`` as a typed command, or :class:`CommandError` with ptgbot's reply."""
    params = tuple(params)
    if directive in ("emptydb", "fetchdb"):
        raise CommandError(f"'~{directive}' is not supported by ptghub: an organiser imports ptgbot's JSON "
                           "with POST /api/v1/events/{event}/ptgbot/import")
    if directive == "newday":
        return NewDay()
    if directive == "motd":
        return _parse_motd(params)
    if directive == "requirevoice":
        return Voice(required=True)
    if directive == "alloweveryone":
        return Voice(required=False)
    if directive == "list":
        return ListTracks()
    if directive in ("clean", "clear", "add", "del"):
        if not params:
            raise CommandError("This command takes one or more arguments")
        if directive == "add":
            return AddTracks(tuple(check_track_name(p) for p in params))
        names = tuple(p.lower() for p in params)
        return DelTracks(names) if directive == "del" else CleanTracks(names)
    raise CommandError(f"Unknown command '{directive}'")


def _parse_motd(params: tuple[str, ...]):
    if not params:
        raise CommandError("Missing subcommand (~motd add|del|clean|reorder ...)")
    sub = params[0]
    if sub == "add":
        if len(params) < 3:
            raise CommandError("Missing parameters (~motd add LEVEL MSG)")
        if params[1] not in rules.LEVELS:
            raise CommandError(f"Incorrect message level '{params[1]}' (should be info, success, warning or danger)")
        message = " ".join(params[2:])
        if len(message) > rules.MAX_MOTD:
            raise CommandError(f"Message too long (at most {rules.MAX_MOTD} characters)")
        return MotdAdd(params[1], message)
    if sub == "del":
        if len(params) < 2:
            raise CommandError("Missing message number (~motd del NUM)")
        return MotdDel(params[1])
    if sub in ("clean", "clear"):
        if len(params) > 1:
            raise CommandError("'~motd clean' does not take parameters")
        return MotdClean()
    if sub == "reorder":
        if len(params) < 2:
            raise CommandError("Missing params (~motd reorder X Y...)")
        return MotdReorder(tuple(params[1:]))
    raise CommandError(f"Unknown motd subcommand {sub}")


def parse(text: str):
    """The whole line as a typed command (the track is not checked against the event here).

    Returns None for a line that is no command; raises :class:`CommandError` for one ptgbot refuses.
    """
    line = read_line(text)
    if line is None:
        return None
    if line.kind == "help":
        return Help()
    if line.kind == "user":
        raise CommandError(replies.not_supported_user_command(line.name))
    if line.kind == "track":
        if not line.name:
            raise CommandError("'#' is not a valid command: use '#TRACK COMMAND [PARAMETERS]'")
        return parse_track_command(line.name, line.params)
    if not line.name:
        raise CommandError("'~' is not a valid command: use '~COMMAND [PARAMETERS]'")
    return parse_admin_command(line.name, line.params)


# -- the values a command carries, checked by the live rules, refused in chat words ---------------

def check_sentence(text: str) -> str:
    if len(text) > rules.MAX_TEXT:
        raise CommandError(f"Message too long (at most {rules.MAX_TEXT} characters)")
    return text


def check_location(text: str) -> str | None:
    if len(text) > rules.MAX_LOCATION:
        raise CommandError(f"Location too long (at most {rules.MAX_LOCATION} characters)")
    return text or None


def check_url(url: str) -> str:
    if not rules.is_web_url(url):
        raise CommandError(f"'{url[:100]}' is not an http(s) URL")
    return url


def check_colour(colour: str) -> str:
    if not rules.is_colour(colour):
        raise CommandError(f"'{colour[:40]}' is not a CSS colour (e.g. red, #42f4c5)")
    return colour


def check_track_name(name: str) -> str:
    slug = name.lower()
    if not rules.is_slug(slug):
        raise CommandError(f"'{name[:70]}' is not a valid track name (lowercase letters, digits, - and _)")
    return slug


# -- room-slots and message numbers as a chat user writes them ----------------------------------

def split_room_slot(spec: str) -> tuple[str, str]:
    """``Aspen-FriP1`` → (``Aspen``, ``FriP1``). Split at the last ``-``: slot codes have none, slugs may."""
    room, _sep, slot = spec.rpartition("-")
    return room, slot


def match_room(spec: str, rooms: Iterable[Any]) -> Any | None:
    """The room a chat user means: its slug, its name, or its name without spaces (case-insensitive)."""
    wanted = spec.strip().lower()
    if not wanted:
        return None
    squeezed = re.sub(r"\s+", "", wanted)
    for room in rooms:
        if room.slug == wanted or room.name.lower() == wanted or re.sub(r"\s+", "", room.name.lower()) == squeezed:
            return room
    return None


def match_slot(spec: str, slots: Iterable[Any]) -> Any | None:
    """Slot codes as ptgbot writes them (``FriP1``); a chat user's case is forgiven."""
    for slot in slots:
        if slot.code == spec:
            return slot
    for slot in slots:
        if slot.code.lower() == spec.lower():
            return slot
    return None


def motd_index(number: str, count: int) -> int:
    """ptgbot numbers messages from 1 at the top; returns the 0-based index or refuses like ptgbot."""
    if not number.isdigit() or not 1 <= int(number) <= count:
        raise CommandError(f"Incorrect message number {number}")
    return int(number) - 1


def motd_reorder(items: list, numbers: Iterable[str]) -> list:
    """ptgbot's ``~motd reorder 2 1``: the listed messages in that order; unlisted ones are dropped."""
    order = [motd_index(n, len(items)) for n in numbers]
    seen = set()
    for number, index in zip(numbers, order):
        if index in seen:
            raise CommandError(f"Incorrect message number {number} (listed twice)")
        seen.add(index)
    return [items[i] for i in order]
