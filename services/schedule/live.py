"""Live rules, free of I/O: ptgbot's command language, status transitions, booking, motd, nicks.

Everything here is pure and unit tested: the api (``api_live``) loads rows, asks these functions what
is allowed and what the new state is, writes it and publishes the change. ptgbot's replies are kept
word for word where ptgbot had them (its ``trackcommands.py`` / ``admincommands.py``); ptghub's own
refusals (permissions, validation) say what is wrong and how to do it right.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from services.kit.problems import Invalid

# -- vocabulary ----------------------------------------------------------------------------------

LEVELS = ("info", "success", "warning", "danger")
DOC_URL = "https://opendev.org/openstack/ptgbot/src/branch/master/README.rst"
# ptgbot's palette for tracks without a colour (ptgbot picks at random; ptghub picks by the slug, so
# that an import run twice gives the same colour)
PALETTE = ("#596468", "#9ea8ad", "#b57506", "#f8ac29", "#5b731a", "#9dc62d",
           "#993399", "#27a3dd", "#2a6d3c", "#3fa45b", "#930a0a", "#dc0d0e")
# ptgbot's user commands (check-in, subscriptions): not part of ptghub
USER_COMMANDS = ("in", "out", "seen", "subscribe", "unsubscribe")
ROOM_META_KEYS = ("desc", "url", "cap_icon", "cap_desc")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MAX_TEXT = 1000        # a now/next sentence
MAX_LOCATION = 300     # tracks.location
MAX_URL = 2000         # tracks.meeting_url / notes_url
MAX_NEXT = 20          # next entries kept per track
MAX_MOTD = 2000

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
COLOUR_RE = re.compile(r"^#?[0-9A-Za-z]{1,31}$")  # as the track API takes it: a colour name or #rrggbb
SLOT_DESC_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


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


TRACK_COMMANDS = (Now, Next, Clean, Location, Url, Colour, Etherpad, Book, Unbook)
ADMIN_COMMANDS = (MotdAdd, MotdDel, MotdReorder, MotdClean, NewDay, AddTracks, DelTracks, CleanTracks,
                  ListTracks, Voice)


@dataclass(frozen=True)
class Line:
    """One chat line, split the way ptgbot splits it, before its command is understood."""

    kind: str  # "track" (#TRACK ...), "admin" (~...), "help", "user" (+in, #seen ...)
    name: str  # the track (lower-cased), the admin directive or the user command
    params: tuple[str, ...] = ()


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
        if params[1] not in LEVELS:
            raise CommandError(f"Incorrect message level '{params[1]}' (should be info, success, warning or danger)")
        message = " ".join(params[2:])
        if len(message) > MAX_MOTD:
            raise CommandError(f"Message too long (at most {MAX_MOTD} characters)")
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
        raise CommandError(not_supported_user_command(line.name))
    if line.kind == "track":
        if not line.name:
            raise CommandError("'#' is not a valid command: use '#TRACK COMMAND [PARAMETERS]'")
        return parse_track_command(line.name, line.params)
    if not line.name:
        raise CommandError("'~' is not a valid command: use '~COMMAND [PARAMETERS]'")
    return parse_admin_command(line.name, line.params)


def not_supported_user_command(name: str) -> str:
    return (f"'{name}' is not a valid command here: ptghub takes track commands "
            "('#TRACK now|next|clean|book|unbook|location|url|color|etherpad ...') and organisers' '~' commands")


# -- replies ptgbot gives ------------------------------------------------------------------------

def with_nick(nick: str, reply: str | None) -> str | None:
    """ptgbot answers in the channel as ``<nick>: <reply>``."""
    return None if reply is None else f"{nick}: {reply}"


def help_reply() -> str:
    return "See PTGbot documentation at: " + DOC_URL


def unknown_track_reply(track: str) -> str:
    return f"unknown track '{track}'"


def booked_reply(room: str, slot: str, track: str) -> str:
    return f"Room {room} is now booked on {slot} for {track}"


def book_refused_reply(spec: str) -> str:
    return f"Slot '{spec}' is invalid (or booked)"


def unbooked_reply(room: str, slot: str, track: str) -> str:
    return f"Room {room} (previously booked for {track}) is now free on {slot}"


def unbook_refused_reply(spec: str, track: str) -> str:
    return f"Slot '{spec}' is invalid (or not booked for {track})"


def not_scheduled_today_reply(track: str) -> str:
    return (f"Message added, but please note that track '{track}' does not appear to have a room "
            "scheduled today.")


def track_list_reply(tracks: list[str]) -> str:
    return "Available tracks: " + " ".join(sorted(tracks))


def not_allowed_track_reply(track: str) -> str:
    return (f"Need voice to issue commands: you are not allowed to change track '{track}' "
            "(only its chairs and the organisers may)")


def not_allowed_admin_reply() -> str:
    return "Need op for admin commands: you are not one of the event's organisers"


# -- validation of values ------------------------------------------------------------------------

def check_sentence(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise CommandError(f"Message too long (at most {MAX_TEXT} characters)")
    return text


def check_location(text: str) -> str | None:
    if len(text) > MAX_LOCATION:
        raise CommandError(f"Location too long (at most {MAX_LOCATION} characters)")
    return text or None


def check_url(url: str) -> str:
    if len(url) > MAX_URL or not URL_RE.match(url):
        raise CommandError(f"'{url[:100]}' is not an http(s) URL")
    return url


def check_colour(colour: str) -> str:
    if not COLOUR_RE.match(colour):
        raise CommandError(f"'{colour[:40]}' is not a CSS colour (e.g. red, #42f4c5)")
    return colour


def check_track_name(name: str) -> str:
    slug = name.lower()
    if not SLUG_RE.match(slug):
        raise CommandError(f"'{name[:70]}' is not a valid track name (lowercase letters, digits, - and _)")
    return slug


def split_room_slot(spec: str) -> tuple[str, str]:
    """``Aspen-FriP1`` → (``Aspen``, ``FriP1``). Split at the last ``-``: slot codes have none, slugs may."""
    room, _sep, slot = spec.rpartition("-")
    return room, slot


# -- status transitions --------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """A track's live status, as ptgbot keeps it: one ``now``, an ordered ``next`` list, a location."""

    now: str | None = None
    next: tuple[str, ...] = ()
    location: str | None = None

    @property
    def empty(self) -> bool:
        return self.now is None and not self.next


def set_now(status: Status, text: str) -> Status:
    """``now`` replaces the current topic and wipes ``next`` (so the board never shows stale plans)."""
    return Status(text, (), status.location)


def add_next(status: Status, text: str) -> Status:
    if len(status.next) >= MAX_NEXT:
        raise CommandError(f"Too many 'next' entries (at most {MAX_NEXT}): set 'now' or 'clean' first")
    return Status(status.now, (*status.next, text), status.location)


def clean(status: Status) -> Status:
    return Status(None, (), status.location)


def set_location(status: Status, text: str | None) -> Status:
    return Status(status.now, status.next, text or None)


def local_midnight(at: datetime, zone: str) -> datetime:
    """The start (UTC) of the local day, in ``zone``, that holds the instant ``at``."""
    tz = ZoneInfo(zone)
    local = at.astimezone(tz)
    return datetime.combine(local.date(), time.min, tz).astimezone(timezone.utc)


def local_day(at: datetime, zone: str) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


def status_is_stale(updated_at: datetime | None, at: datetime, zone: str) -> bool:
    """A status set before the event's last local midnight belongs to another day: the new day clears it."""
    return updated_at is not None and updated_at < local_midnight(at, zone)


# -- who may do what, by nick ---------------------------------------------------------------------

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


def may_relay(principal: dict) -> bool:
    """The command endpoint trusts relays (integration tokens allowed to relay) and organisers."""
    return bool(principal.get("relay")) or principal.get("role") == "organiser"


# -- message of the day ---------------------------------------------------------------------------

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


def motd_reorder_by_id(items: list, ids: list[str], key=lambda item: item.id) -> list:
    """The REST form of reorder: ids instead of numbers, same semantics (unlisted entries dropped)."""
    by_id = {key(item): item for item in items}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise Invalid("ids", f"no message {unknown[0]!r} in this event's message of the day")
    if len(set(ids)) != len(ids):
        raise Invalid("ids", "an id is listed twice")
    return [by_id[i] for i in ids]


# -- rooms, slots and booking ---------------------------------------------------------------------

def room_has_video(video_url: str | None, cap_icon: str | None, cap_desc: str | None) -> bool:
    """A room has video when it has a video room URL or ptgbot's capability says so (``facetime-video``)."""
    return bool(video_url) or "video" in (cap_icon or "").lower() or "video" in (cap_desc or "").lower()


def room_offers(offered_slots: list | None, slot_code: str) -> bool:
    """``offered_slots`` null means the room offers every slot of the grid."""
    return offered_slots is None or slot_code in offered_slots


def default_colour(slug: str) -> str:
    return PALETTE[zlib.crc32(slug.encode()) % len(PALETTE)]


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


# -- ptgbot's JSON ---------------------------------------------------------------------------------

def slugify(name: str) -> str:
    """``Ballroom A`` → ``ballroom-a``, ``Pike's Peak`` → ``pikes-peak``."""
    slug = re.sub(r"['’`]", "", name.strip().lower())
    slug = re.sub(r"[^a-z0-9_]+", "-", slug).strip("-")[:64].rstrip("-")
    return slug or "room"


def parse_slot_desc(desc: str) -> tuple[time, time]:
    match = SLOT_DESC_RE.match(desc or "")
    if not match:
        raise ValueError(f"{desc!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"{desc!r} is not a time of day")
    start = time(h1, m1)
    end = time.max if h2 == 24 else time(h2, m2)
    if end <= start:
        raise ValueError(f"{desc!r} ends before it starts")
    return start, end


def map_days(day_names: list[str], start_date: date, end_date: date) -> dict[str, date]:
    """ptgbot's day names onto the event's dates.

    Weekday names map to the first event date with that weekday, each later day after the one
    before; names that are no weekday, or weekdays the dates do not have, map in order instead.
    """
    dates = [start_date + timedelta(days=i) for i in range((end_date - start_date).days + 1)]
    mapping: dict[str, date] = {}
    cursor = 0
    for name in day_names:
        weekday = WEEKDAYS.index(name) if name in WEEKDAYS else None
        index = next((i for i in range(cursor, len(dates)) if dates[i].weekday() == weekday), None)
        if weekday is None or index is None:
            mapping = {}
            break
        mapping[name] = dates[index]
        cursor = index + 1
    if len(mapping) == len(day_names):
        return mapping
    if len(day_names) > len(dates):
        raise Invalid("slots", f"ptgbot's grid has {len(day_names)} days but the event has {len(dates)} "
                               f"({start_date} to {end_date})")
    return {name: dates[i] for i, name in enumerate(day_names)}


def capacity_hint(desc: str | None) -> int | None:
    """ptgbot keeps a room's size in prose ("Fits a team of 10", "10 person table")."""
    match = re.search(r"\b(\d{1,5})\b", desc or "")
    return int(match.group(1)) if match else None


@dataclass
class PlannedSlot:
    code: str
    start: datetime
    end: datetime


@dataclass
class PlannedRoom:
    slug: str
    name: str
    description: str
    video_url: str | None
    cap_icon: str | None
    cap_desc: str | None
    offered_slots: list[str]
    bookable: bool
    capacity: int | None


@dataclass
class ImportPlan:
    """What ptgbot's JSON says, in ptghub's terms; the api upserts it."""

    slots: list[PlannedSlot] = field(default_factory=list)
    rooms: list[PlannedRoom] = field(default_factory=list)
    tracks: list[str] = field(default_factory=list)
    bookings: list[tuple[str, str, str]] = field(default_factory=list)  # (room slug, slot code, track slug)
    links: list[tuple[str, str]] = field(default_factory=list)
    motd: list[tuple[str, str]] | None = None
    open_commands: bool | None = None
    colours: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    etherpads: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    now: dict[str, str] = field(default_factory=dict)
    next: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def track_slug(name: str) -> str:
    slug = name.strip().lower()
    return slug if SLUG_RE.match(slug) else slugify(slug)


def plan_import(doc: dict, start_date: date, end_date: date, zone: str) -> ImportPlan:
    """Translate ptgbot's JSON (``base.json`` / ``ptg.json``) into an :class:`ImportPlan`.

    Raises :class:`Invalid` naming the offending key when the grid cannot be placed in the event.
    """
    plan = ImportPlan()
    tz = ZoneInfo(zone)
    slots = doc.get("slots") or {}
    days = map_days(list(slots), start_date, end_date) if slots else {}
    codes: set[str] = set()
    for day_name, entries in slots.items():
        for entry in entries or []:
            code = str(entry.get("name") or "")
            if not code or len(code) > 32 or "-" in code or code in codes:
                raise Invalid(f"slots.{day_name}", f"slot name {code!r} is empty, too long, has a '-' or is repeated")
            try:
                start, end = parse_slot_desc(entry.get("desc", ""))
            except ValueError as exc:
                raise Invalid(f"slots.{day_name}.{code}", f"desc: {exc}") from exc
            day = days[day_name]
            end_day = day + timedelta(days=1) if end == time.max else day
            plan.slots.append(PlannedSlot(
                code,
                datetime.combine(day, start, tz).astimezone(timezone.utc),
                datetime.combine(end_day, time.min if end == time.max else end, tz).astimezone(timezone.utc)))
            codes.add(code)

    tracks: list[str] = []

    def want_track(name: str) -> str | None:
        if not isinstance(name, str) or not name.strip():
            return None
        slug = track_slug(name)
        if slug not in tracks:
            tracks.append(slug)
        return slug

    for name in doc.get("tracks") or []:
        want_track(name)

    slugs: dict[str, str] = {}
    for name, entry in (doc.get("schedule") or {}).items():
        slug = slugify(name)
        if slug in slugs.values():
            raise Invalid(f"schedule.{name}", f"two rooms would have the slug {slug!r}")
        slugs[name] = slug
        entry = entry or {}
        offered = [key for key in entry if key not in ROOM_META_KEYS and key in codes]
        for key in entry:
            if key not in ROOM_META_KEYS and key not in codes:
                plan.warnings.append(f"schedule.{name}.{key}: no such slot in 'slots'; ignored")
        plan.rooms.append(PlannedRoom(
            slug=slug, name=name[:200], description=str(entry.get("desc") or ""),
            video_url=entry.get("url") or None, cap_icon=entry.get("cap_icon") or None,
            cap_desc=entry.get("cap_desc") or None,
            offered_slots=sorted(offered, key=lambda c: next(i for i, s in enumerate(plan.slots) if s.code == c)),
            bookable=any(entry[key] in ("", None) for key in offered),
            capacity=capacity_hint(entry.get("desc"))))
        for code in offered:
            track = want_track(entry[code])
            if track:
                plan.bookings.append((slug, code, track))
    plan.tracks = tracks

    for label, url in (doc.get("links") or {}).items():
        plan.links.append((str(label)[:300], str(url)[:2000]))
    motd = doc.get("motd")
    if isinstance(motd, dict):  # ptgbot before 2020 kept one message
        motd = [motd] if motd.get("message") else []
    if isinstance(motd, list):
        plan.motd = []
        for entry in motd:
            level = entry.get("level") if entry.get("level") in LEVELS else "info"
            if entry.get("message"):
                plan.motd.append((level, str(entry["message"])[:MAX_MOTD]))
    if "voice" in doc:
        plan.open_commands = not bool(doc.get("voice"))
    for key, target in (("colors", plan.colours), ("urls", plan.urls), ("etherpads", plan.etherpads),
                        ("location", plan.locations), ("now", plan.now)):
        for name, value in (doc.get(key) or {}).items():
            if isinstance(value, str) and value and track_slug(name) in tracks:
                target[track_slug(name)] = value
    for name, values in (doc.get("next") or {}).items():
        if isinstance(values, list) and track_slug(name) in tracks:
            plan.next[track_slug(name)] = [str(v) for v in values if v][:MAX_NEXT]
    for key, values in (("colors", plan.colours), ("urls", plan.urls), ("etherpads", plan.etherpads)):
        for name, value in list(values.items()):
            checker = check_colour if key == "colors" else check_url
            try:
                checker(value)
            except CommandError as exc:
                plan.warnings.append(f"{key}.{name}: {exc.reply}; ignored")
                del values[name]
    return plan


# -- the worker's timers ---------------------------------------------------------------------------
