"""ptgbot's JSON database (``base.json`` / ``ptg.json``) as a plan of what an event should hold:
its slot grid, rooms (with the slots they offer for booking), tracks, scheduled sessions, links,
message of the day, voice setting and statuses.

Plan, then apply: :func:`plan_import` only says what the document means in ptghub's terms (pure,
unit tested); ``operations.importing`` compares the plan with the event and writes the difference.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from services.kit.problems import Invalid
from services.kit.schemas import URL_PATTERN

from ..domain import live as rules
from .commands import CommandError, check_colour, check_url
from .format import ROOM_META_KEYS, WEEKDAYS

LINK_URL = re.compile(URL_PATTERN)
SLOT_DESC_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def room_slug(name: str) -> str:
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
    """What ptgbot's JSON says, in ptghub's terms; ``operations.importing`` applies it."""

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
    return slug if rules.is_slug(slug) else room_slug(slug)


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
        slug = room_slug(name)
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
        if not LINK_URL.match(str(url)) or len(str(url)) > 2000:
            plan.warnings.append(f"links.{label}: not an http(s) URL; ignored")
            continue
        plan.links.append((str(label)[:300], str(url)))
    motd = doc.get("motd")
    if isinstance(motd, dict):  # ptgbot before 2020 kept one message
        motd = [motd] if motd.get("message") else []
    if isinstance(motd, list):
        plan.motd = []
        for entry in motd:
            level = entry.get("level") if entry.get("level") in rules.LEVELS else "info"
            if entry.get("message"):
                plan.motd.append((level, str(entry["message"])[:rules.MAX_MOTD]))
    if "voice" in doc:
        plan.open_commands = not bool(doc.get("voice"))
    for key, target in (("colors", plan.colours), ("urls", plan.urls), ("etherpads", plan.etherpads),
                        ("location", plan.locations), ("now", plan.now)):
        for name, value in (doc.get(key) or {}).items():
            if isinstance(value, str) and value and track_slug(name) in tracks:
                target[track_slug(name)] = value
    for name, values in (doc.get("next") or {}).items():
        if isinstance(values, list) and track_slug(name) in tracks:
            plan.next[track_slug(name)] = [str(v) for v in values if v][:rules.MAX_NEXT]
    for key, values in (("colors", plan.colours), ("urls", plan.urls), ("etherpads", plan.etherpads)):
        for name, value in list(values.items()):
            checker = check_colour if key == "colors" else check_url
            try:
                checker(value)
            except CommandError as exc:
                plan.warnings.append(f"{key}.{name}: {exc.reply}; ignored")
                del values[name]
    return plan
