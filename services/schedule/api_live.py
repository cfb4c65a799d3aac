"""Live board, status (now/next/location), booking, message of the day and ptgbot's commands.

The operations (``set_now``, ``book``, ``motd_add`` ...) take a unit of work and do one change and
its events; the REST handlers and the ptgbot command endpoint both call them, so a change made from
chat is written and published exactly as the same change made over HTTP. Authorisation stays with
the callers: REST by the principal the gateway vouches for, commands by the sender's nick
(``live.may_command_track`` / ``live.may_command_admin``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, Response, request
from sqlalchemy.exc import IntegrityError

from services.kit.auth import require_organiser, require_track_writer
from services.kit.cloudevents import event_type
from services.kit.db import utcnow
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound, Problem
from services.kit.schemas import decode_cursor, encode_cursor
from services.kit.web import json_response, load, load_query, principal, unit_of_work

from . import SERVICE, domain, live, store
from .schemas import live as ls

blueprint = Blueprint("live", __name__)

STATUS_CHANGED = event_type(SERVICE, "status", "changed")
MOTD_CHANGED = event_type(SERVICE, "motd", "changed")

status_schema = ls.StatusSchema()
session_schema = ls.SessionSchema()
track_schema = ls.TrackSchema()
room_schema = ls.RoomSchema()
event_schema = ls.EventSchema()
grid_slot_schema = ls.core.SlotSchema()
link_schema = ls.core.LinkSchema()
motd_list_schema = ls.MotdListSchema()
free_slot_schema = ls.FreeSlotSchema()
board_schema = ls.BoardSchema()
reply_schema = ls.PtgbotReplySchema()
import_result_schema = ls.PtgbotImportResultSchema()

NOT_CANCELLED = store.SessionRow.status != "cancelled"


# == queries ==========================================================================================

def lock_event(session, slug: str) -> store.Event:
    """The event with its row lock, taken first by every write (as the rest of the service does).

    One event's writes are serialised by it: a booking sees the booking made just before, a
    ``next`` appends to the list the previous one left, and locks are always taken in one order
    (event, then what it holds), so writes never deadlock.
    """
    return store.get_event(session, slug, lock=True)


def find_track(session, event: store.Event, slug: str) -> store.Track | None:
    return session.scalar(sa.select(store.Track).where(store.Track.event_id == event.id, store.Track.slug == slug)
                          .execution_options(populate_existing=True))


def get_track(session, event: store.Event, slug: str, field: str = "track") -> store.Track:
    track = find_track(session, event, slug)
    if track is None:
        raise NotFound(f"no track {slug!r} in event {event.slug}", errors={field: ["unknown track"]})
    return track


def event_tracks(session, event: store.Event) -> list[store.Track]:
    return list(session.scalars(sa.select(store.Track).where(store.Track.event_id == event.id)
                                .order_by(store.Track.slug).execution_options(populate_existing=True)))


def event_rooms(session, event: store.Event) -> list[store.Room]:
    return list(session.scalars(sa.select(store.Room).where(store.Room.event_id == event.id)
                                .order_by(store.Room.slug)))


def event_slots(session, event: store.Event) -> list[store.Slot]:
    return store.event_slots(session, event)


def get_slot(session, event: store.Event, code: str) -> store.Slot:
    slot = session.scalar(sa.select(store.Slot).where(store.Slot.event_id == event.id, store.Slot.code == code))
    if slot is None:
        raise Invalid("slot", f"unknown slot code {code!r} in event {event.slug}")
    return slot


def track_sessions_overlapping(session, track: store.Track, start: datetime, end: datetime) -> list[store.SessionRow]:
    return list(session.scalars(sa.select(store.SessionRow).where(
        store.SessionRow.track_id == track.id, NOT_CANCELLED,
        store.SessionRow.start < end, store.SessionRow.end > start).order_by(store.SessionRow.start)))


def current_session_of_track(session, track: store.Track, at: datetime) -> store.SessionRow | None:
    return session.scalar(sa.select(store.SessionRow).where(
        store.SessionRow.track_id == track.id, NOT_CANCELLED,
        store.SessionRow.start <= at, store.SessionRow.end > at)
        .order_by(store.SessionRow.start, store.SessionRow.id).limit(1))


def meets_today(session, event: store.Event, track: store.Track, at: datetime) -> bool:
    """Does the track have a room today (the event's local day)? ptgbot warns chairs when it does not."""
    start = live.local_midnight(at, event.timezone)
    end = datetime.combine(live.local_day(at, event.timezone) + timedelta(days=1), time.min,
                           ZoneInfo(event.timezone))
    return bool(track_sessions_overlapping(session, track, start, end))


def motd_rows(session, event: store.Event) -> list[store.Motd]:
    return list(session.scalars(sa.select(store.Motd).where(store.Motd.event_id == event.id)
                                .order_by(store.Motd.position, store.Motd.id)))


# == status ===========================================================================================

def status_of(track: store.Track) -> live.Status:
    return live.Status(track.now, tuple(track.next or ()), track.location)


def write_status(uow, track: store.Track, new: live.Status, at: datetime) -> bool:
    """Store ``new`` as the track's status; publish ``status.changed`` when it differs."""
    if status_of(track) == new:
        return False
    track.now, track.next, track.location = new.now, list(new.next), new.location
    track.status_updated_at = at
    uow.session.flush()
    uow.publish(STATUS_CHANGED, status_schema.dump(track), subject=f"{track.event.slug}/{track.slug}")
    return True


def set_now(uow, track: store.Track, text: str, at: datetime) -> store.SessionRow | None:
    """``now`` sets the topic and wipes ``next``; the track's current session is announced as started.

    ``session.started`` goes out once per session (``started_published_at``), whether a chair's
    ``now`` or the session's start time says so first. Returns the session announced, if any.
    """
    write_status(uow, track, live.set_now(status_of(track), text), at)
    current = current_session_of_track(uow.session, track, at)
    if current is not None and current.started_published_at is None:
        current.started_published_at = at
        uow.session.flush()
        uow.publish(event_type(SERVICE, "session", "started"), session_schema.dump(current), subject=current.id)
        return current
    return None


def add_next(uow, track: store.Track, text: str, at: datetime) -> None:
    write_status(uow, track, live.add_next(status_of(track), text), at)


def clean_status(uow, track: store.Track, at: datetime) -> bool:
    return write_status(uow, track, live.clean(status_of(track)), at)


def set_location(uow, track: store.Track, text: str | None, at: datetime) -> None:
    write_status(uow, track, live.set_location(status_of(track), text), at)


def new_day(uow, event: store.Event, at: datetime) -> list[store.Track]:
    """``~newday``: every track of the event starts the day with no now/next."""
    return [track for track in event_tracks(uow.session, event) if clean_status(uow, track, at)]


# == track settings and tracks ========================================================================

def update_track(uow, track: store.Track, **values: Any) -> bool:
    """Set ptgbot's per-track settings (colour, meeting URL, notes URL); ``track.updated`` on change."""
    if all(getattr(track, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(track, name, value)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "track", "updated"), track_schema.dump(track),
                subject=f"{track.event.slug}/{track.slug}")
    return True


def add_track(uow, event: store.Event, slug: str, name: str | None = None, colour: str | None = None) -> store.Track:
    track = store.Track(event_id=event.id, event=event, slug=slug, name=name or slug,
                        colour=colour or live.default_colour(slug), chairs=[], next=[])
    uow.session.add(track)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "track", "created"), track_schema.dump(track), subject=f"{event.slug}/{slug}")
    return track


def delete_track(uow, track: store.Track) -> None:
    count = uow.session.scalar(sa.select(sa.func.count()).select_from(store.SessionRow)
                               .where(store.SessionRow.track_id == track.id))
    if count:
        raise Conflict(f"track {track.slug} has {count} session(s); cancel or move them before deleting it",
                       errors={"track": ["has sessions"]})
    body = track_schema.dump(track)
    event = track.event
    uow.session.delete(track)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "track", "deleted"), body, subject=f"{event.slug}/{track.slug}")


def set_open_commands(uow, event: store.Event, open_commands: bool) -> bool:
    if bool(event.open_commands) == open_commands:
        return False
    event.open_commands = open_commands
    uow.session.flush()
    uow.publish(event_type(SERVICE, "event", "updated"), event_schema.dump(event), subject=event.slug)
    return True


# == booking ==========================================================================================

def room_slot(room: store.Room, slot: store.Slot) -> str:
    return f"{room.slug}-{slot.code}"


def check_bookable(uow, room: store.Room, slot: store.Slot, track: store.Track) -> None:
    """A chair may book a free slot the room offers, if the room is open for booking and the track free then."""
    name = room_slot(room, slot)
    if not room.bookable:
        raise Conflict(f"{name}: room {room.name} is not open for booking", room_slot=name,
                       errors={"room": ["not bookable"]})
    if not live.room_offers(room.offered_slots, slot.code):
        raise Conflict(f"{name}: room {room.name} does not offer slot {slot.code}", room_slot=name,
                       errors={"slot": ["not offered by this room"]})
    clashes = store.room_sessions_overlapping(uow.session, room, slot.start, slot.end)
    if clashes:
        other = clashes[0]
        raise Conflict(f"{name} is taken: session {other.id} ({other.title!r}) of track {other.track.slug}",
                       room_slot=name, conflicting_session=other.id, reason="room",
                       errors={"slot": [f"taken by session {other.id}"]})
    # the service's clash rules: a track is not in two rooms at once (unless an organiser allowed it)
    others = store.sessions_overlapping(uow.session, room.event, slot.start, slot.end)
    try:
        domain.check_clashes(domain.SessionView(id=None, title=f"{track.name} (booked)", track=track.slug,
                                                room=room.slug, start=slot.start, end=slot.end),
                             [store.session_view(other) for other in others])
    except Conflict as problem:
        problem.detail = f"{name}: {problem.detail}"
        problem.extra["room_slot"] = name
        raise


def book(uow, event: store.Event, track: store.Track, room_slug: str, slot_code: str) -> store.SessionRow:
    """ptgbot's ``book``: a booked work session of ``track`` in the room-slot (``event`` locked)."""
    room = store.get_room(uow.session, event, room_slug)
    slot = get_slot(uow.session, event, slot_code)
    check_bookable(uow, room, slot, track)
    row = store.SessionRow(event_id=event.id, track_id=track.id, room_id=room.id, event=event, track=track,
                           room=room, start=slot.start, end=slot.end, title=f"{track.name} (booked)"[:300],
                           description="", status="scheduled", kind="work_session", booked=True,
                           slot_codes=[slot.code], moderators=[], allow_conflict=False)
    uow.session.add(row)
    uow.session.flush()
    uow.publish(event_type(SERVICE, "session", "scheduled"), session_schema.dump(row), subject=row.id)
    return row


def find_booking(uow, event: store.Event, room_slug: str, slot_code: str) -> store.SessionRow:
    room = store.get_room(uow.session, event, room_slug)
    slot = get_slot(uow.session, event, slot_code)
    held = store.room_sessions_overlapping(uow.session, room, slot.start, slot.end)
    booked = [s for s in held if s.booked and slot.code in (s.slot_codes or [])]
    if booked:
        return booked[0]
    if held:
        raise Conflict(f"{room_slot(room, slot)} holds session {held[0].id} ({held[0].title!r}), which is "
                       "scheduled, not booked: an organiser cancels it through the sessions API",
                       room_slot=room_slot(room, slot), conflicting_session=held[0].id,
                       errors={"slot": ["not a booking"]})
    raise NotFound(f"{room_slot(room, slot)} is not booked", errors={"slot": ["not booked"]})


def unbook(uow, row: store.SessionRow) -> store.SessionRow:
    """ptgbot's ``unbook``: the booked session is cancelled and the room-slot free again."""
    row.status = "cancelled"
    uow.session.flush()
    uow.publish(event_type(SERVICE, "session", "cancelled"), session_schema.dump(row), subject=row.id)
    return row


def free_slots(session, event: store.Event, day: date | None = None, capacity: int | None = None,
               video: bool | None = None) -> list[dict]:
    """Every (bookable room, offered slot) with no session then, by start time and room."""
    zone = ZoneInfo(event.timezone)
    slots = [s for s in event_slots(session, event) if day is None or s.start.astimezone(zone).date() == day]
    rooms = [r for r in event_rooms(session, event) if r.bookable
             and (capacity is None or (r.capacity is not None and r.capacity >= capacity))
             and (video is None or live.room_has_video(r.video_url, r.cap_icon, r.cap_desc) == video)]
    if not slots or not rooms:
        return []
    busy: dict[str, list[tuple[datetime, datetime]]] = {}
    for room_id, start, end in session.execute(sa.select(
            store.SessionRow.room_id, store.SessionRow.start, store.SessionRow.end).where(
            store.SessionRow.event_id == event.id, NOT_CANCELLED,
            store.SessionRow.start < max(s.end for s in slots), store.SessionRow.end > min(s.start for s in slots))):
        busy.setdefault(room_id, []).append((start, end))
    found = []
    for slot in slots:
        for room in rooms:
            if not live.room_offers(room.offered_slots, slot.code):
                continue
            if any(start < slot.end and end > slot.start for start, end in busy.get(room.id, ())):
                continue
            found.append({"room": room.slug, "room_name": room.name, "slot": slot.code,
                          "start": slot.start.astimezone(zone), "end": slot.end.astimezone(zone),
                          "capacity": room.capacity,
                          "video": live.room_has_video(room.video_url, room.cap_icon, room.cap_desc)})
    return found


# == message of the day ===============================================================================

def motd_list(event: store.Event, rows: list[store.Motd]) -> dict:
    return motd_list_schema.dump({"event": event.slug, "items": ls.motd_items(rows)})


def publish_motd(uow, event: store.Event, rows: list[store.Motd]) -> dict:
    store.renumber(rows)
    uow.session.flush()
    body = motd_list(event, rows)
    uow.publish(MOTD_CHANGED, body, subject=event.slug)
    return body


def motd_add(uow, event: store.Event, level: str, message: str) -> dict:
    rows = motd_rows(uow.session, event)
    row = store.Motd(event_id=event.id, position=len(rows), level=level, message=message)
    uow.session.add(row)
    return publish_motd(uow, event, [*rows, row])


def motd_delete(uow, event: store.Event, row: store.Motd) -> dict:
    rows = [r for r in motd_rows(uow.session, event) if r.id != row.id]
    uow.session.delete(row)
    return publish_motd(uow, event, rows)


def motd_set(uow, event: store.Event, ordered: list[store.Motd]) -> dict:
    """Keep ``ordered`` in that order, delete the rest (ptgbot's reorder)."""
    keep = {r.id for r in ordered}
    for row in motd_rows(uow.session, event):
        if row.id not in keep:
            uow.session.delete(row)
    return publish_motd(uow, event, ordered)


def motd_body(session, event: store.Event) -> dict:
    return motd_list(event, motd_rows(session, event))


# == board ============================================================================================

def board(session, event: store.Event, at: datetime) -> dict:
    zone = ZoneInfo(event.timezone)
    base = sa.select(store.SessionRow).where(store.SessionRow.event_id == event.id, NOT_CANCELLED)
    current = list(session.scalars(base.where(store.SessionRow.start <= at, store.SessionRow.end > at)
                                   .order_by(store.SessionRow.start, store.SessionRow.id)))

    def upcoming(key):
        first = (sa.select(key.label("key"), sa.func.min(store.SessionRow.start).label("start"))
                 .where(store.SessionRow.event_id == event.id, NOT_CANCELLED, store.SessionRow.start > at)
                 .group_by(key).subquery())
        rows = session.scalars(base.join(first, sa.and_(key == first.c.key, store.SessionRow.start == first.c.start))
                               .order_by(store.SessionRow.start, store.SessionRow.id))
        found: dict[str, store.SessionRow] = {}
        for row in rows:
            found.setdefault(getattr(row, key.key), row)
        return found

    next_by_track, next_by_room = upcoming(store.SessionRow.track_id), upcoming(store.SessionRow.room_id)
    now_by_track: dict[str, store.SessionRow] = {}
    now_by_room: dict[str, store.SessionRow] = {}
    for row in current:
        now_by_track.setdefault(row.track_id, row)
        now_by_room.setdefault(row.room_id, row)
    return board_schema.dump({
        "event": event.slug, "timezone": event.timezone, "at": at.astimezone(zone),
        "tracks": [{"track": t.slug, "name": t.name, "colour": t.colour, "now": t.now, "next": list(t.next or []),
                    "location": t.location, "meeting_url": t.meeting_url, "notes_url": t.notes_url,
                    "current_session": now_by_track.get(t.id), "next_session": next_by_track.get(t.id)}
                   for t in event_tracks(session, event)],
        "rooms": [{"room": r.slug, "name": r.name, "current_session": now_by_room.get(r.id),
                   "next_session": next_by_room.get(r.id)} for r in event_rooms(session, event)],
        "motd": ls.motd_items(motd_rows(session, event)),
    })


# == ptgbot's commands ================================================================================

@dataclass
class Outcome:
    reply: str | None
    applied: bool
    nick: str
    command: str | None = None
    track: str | None = None


def run_command(uow, event: store.Event, nick: str, text: str, at: datetime) -> Outcome:
    """Understand one chat line from ``nick``, check the nick may do it, do it; ptgbot's answer.

    Nothing is committed here: the caller commits when ``applied`` (a refusal has written nothing).
    """
    line = live.read_line(text)
    if line is None:  # chatter, not a command: ptgbot says nothing
        return Outcome(None, False, nick)
    try:
        if line.kind == "help":
            return Outcome(live.with_nick(nick, live.help_reply()), True, nick, "help")
        if line.kind == "user":
            raise live.CommandError(live.not_supported_user_command(line.name))
        if line.kind == "track":
            return _track_command(uow, event, nick, line, at)
        return _admin_command(uow, event, nick, line, at)
    except live.CommandError as refusal:
        return Outcome(live.with_nick(nick, refusal.reply), False, nick,
                       None, line.name if line.kind == "track" else None)


def _track_command(uow, event: store.Event, nick: str, line: live.Line, at: datetime) -> Outcome:
    if not line.name:
        raise live.CommandError("'#' is not a valid command: use '#TRACK COMMAND [PARAMETERS]'")
    track = find_track(uow.session, event, line.name)
    if track is None:
        raise live.CommandError(live.unknown_track_reply(line.name))
    if not live.may_command_track(nick, event.organisers, track.chairs, event.open_commands):
        raise live.CommandError(live.not_allowed_track_reply(track.slug))
    command = live.parse_track_command(track.slug, line.params)
    reply = apply_track_command(uow, event, track, command, at)
    return Outcome(live.with_nick(nick, reply), True, nick, command.name, track.slug)


def apply_track_command(uow, event: store.Event, track: store.Track, command, at: datetime) -> str | None:
    """Carry out a parsed ``#TRACK`` command; returns ptgbot's reply (None: it says nothing)."""
    if isinstance(command, (live.Now, live.Next)):
        if isinstance(command, live.Now):
            set_now(uow, track, command.text, at)
        else:
            add_next(uow, track, command.text, at)
        return None if meets_today(uow.session, event, track, at) else live.not_scheduled_today_reply(track.slug)
    if isinstance(command, live.Clean):
        clean_status(uow, track, at)
    elif isinstance(command, live.Location):
        set_location(uow, track, command.text, at)
    elif isinstance(command, live.Url):
        update_track(uow, track, meeting_url=command.url)
    elif isinstance(command, live.Colour):
        update_track(uow, track, colour=command.colour)
    elif isinstance(command, live.Etherpad):
        update_track(uow, track, notes_url=command.url)
    elif isinstance(command, live.Book):
        return _book_command(uow, event, track, command)
    elif isinstance(command, live.Unbook):
        return _unbook_command(uow, event, track, command)
    return None


def _room_and_slot(uow, event: store.Event, command) -> tuple[store.Room | None, store.Slot | None]:
    room = live.match_room(command.room, event_rooms(uow.session, event))
    slot = live.match_slot(command.slot, event_slots(uow.session, event)) if command.slot else None
    return room, slot


def _book_command(uow, event: store.Event, track: store.Track, command: live.Book) -> str:
    room, slot = _room_and_slot(uow, event, command)
    if room is None or slot is None:
        raise live.CommandError(live.book_refused_reply(command.spec))
    try:
        book(uow, event, track, room.slug, slot.code)
    except Problem as problem:
        if problem.extra.get("reason") == "track":
            raise live.CommandError(f"{live.book_refused_reply(command.spec)}: track {track.slug} already "
                                    "meets in another room then") from problem
        raise live.CommandError(live.book_refused_reply(command.spec)) from problem
    return live.booked_reply(command.room, command.slot, track.slug)


def _unbook_command(uow, event: store.Event, track: store.Track, command: live.Unbook) -> str:
    room, slot = _room_and_slot(uow, event, command)
    refused = live.CommandError(live.unbook_refused_reply(command.spec, track.slug))
    if room is None or slot is None:
        raise refused
    try:
        row = find_booking(uow, event, room.slug, slot.code)
    except Problem as problem:
        raise refused from problem
    if row.track_id != track.id:
        raise refused
    unbook(uow, row)
    return live.unbooked_reply(command.room, command.slot, track.slug)


def _admin_command(uow, event: store.Event, nick: str, line: live.Line, at: datetime) -> Outcome:
    if not line.name:
        raise live.CommandError("'~' is not a valid command: use '~COMMAND [PARAMETERS]'")
    if not live.may_command_admin(nick, event.organisers):
        raise live.CommandError(live.not_allowed_admin_reply())
    command = live.parse_admin_command(line.name, line.params)
    reply = apply_admin_command(uow, event, command, at)
    return Outcome(live.with_nick(nick, reply), True, nick, command.name)


def apply_admin_command(uow, event: store.Event, command, at: datetime) -> str | None:
    if isinstance(command, live.NewDay):
        new_day(uow, event, at)
    elif isinstance(command, live.ListTracks):
        return live.track_list_reply([t.slug for t in event_tracks(uow.session, event)])
    elif isinstance(command, live.Voice):
        set_open_commands(uow, event, not command.required)
    elif isinstance(command, live.AddTracks):
        for slug in dict.fromkeys(command.tracks):
            if find_track(uow.session, event, slug) is None:
                add_track(uow, event, slug)
    elif isinstance(command, live.DelTracks):
        tracks = [t for t in (find_track(uow.session, event, s) for s in dict.fromkeys(command.tracks)) if t]
        for track in tracks:
            try:
                delete_track(uow, track)
            except Conflict as problem:
                raise live.CommandError(f"Track '{track.slug}' has sessions and cannot be deleted from chat: "
                                        "an organiser cancels them first") from problem
    elif isinstance(command, live.CleanTracks):
        for slug in dict.fromkeys(command.tracks):
            track = find_track(uow.session, event, slug)
            if track is not None:
                clean_status(uow, track, at)
    else:
        _motd_command(uow, event, command)
    return None


def _motd_command(uow, event: store.Event, command) -> None:
    if isinstance(command, live.MotdAdd):
        motd_add(uow, event, command.level, command.message)
        return
    rows = motd_rows(uow.session, event)
    if isinstance(command, live.MotdDel):
        motd_delete(uow, event, rows[live.motd_index(command.number, len(rows))])
    elif isinstance(command, live.MotdReorder):
        motd_set(uow, event, live.motd_reorder(rows, command.numbers))
    elif isinstance(command, live.MotdClean):
        motd_set(uow, event, [])


# == ptgbot's JSON ====================================================================================

def _counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


def _assign(row, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def import_ptgbot(uow, event_slug: str, doc: dict, at: datetime) -> dict:
    """Upsert ptgbot's grid, rooms, tracks, bookings, links, motd and statuses into the event.

    Idempotent: rooms and tracks by slug, slots by code, sessions by room and slot; what already
    matches is left alone (and publishes nothing). The event's lock, taken first, makes concurrent
    imports and bookings queue rather than clash.
    """
    session = uow.session
    event = lock_event(session, event_slug)
    plan = live.plan_import(doc, event.start_date, event.end_date, event.timezone)
    result = {"event": event.slug, "slots": _counts(), "rooms": _counts(), "tracks": _counts(),
              "sessions": _counts(), "links": _counts(), "motd_changed": False, "event_changed": False,
              "statuses_changed": 0, "warnings": list(plan.warnings)}
    events: list[tuple[str, Any, str]] = []  # published after the final flush, in order

    slots = {s.code: s for s in event_slots(session, event)}
    for planned in plan.slots:
        slot = slots.get(planned.code)
        if slot is None:
            slot = slots[planned.code] = store.Slot(event_id=event.id, event=event, code=planned.code,
                                                     start=planned.start, end=planned.end)
            session.add(slot)
            result["slots"]["created"] += 1
        elif _assign(slot, {"start": planned.start, "end": planned.end}):
            result["slots"]["updated"] += 1
        else:
            result["slots"]["unchanged"] += 1

    rooms = {r.slug: r for r in event_rooms(session, event)}
    for planned in plan.rooms:
        values = {"name": planned.name, "description": planned.description, "video_url": planned.video_url,
                  "cap_icon": planned.cap_icon, "cap_desc": planned.cap_desc, "bookable": planned.bookable,
                  "offered_slots": planned.offered_slots}
        room = rooms.get(planned.slug)
        if room is None:
            room = rooms[planned.slug] = store.Room(event_id=event.id, event=event, slug=planned.slug,
                                                     capacity=planned.capacity, **values)
            session.add(room)
            result["rooms"]["created"] += 1
            events.append(("room.created", room, room.slug))
        elif _assign(room, values):
            result["rooms"]["updated"] += 1
            events.append(("room.updated", room, room.slug))
        else:
            result["rooms"]["unchanged"] += 1

    tracks = {t.slug: t for t in event_tracks(session, event)}
    for slug in plan.tracks:
        values = {}
        if slug in plan.colours:
            values["colour"] = plan.colours[slug]
        if slug in plan.urls:
            values["meeting_url"] = plan.urls[slug]
        if slug in plan.etherpads:
            values["notes_url"] = plan.etherpads[slug]
        track = tracks.get(slug)
        if track is None:
            track = tracks[slug] = store.Track(event_id=event.id, event=event, slug=slug, name=slug, chairs=[],
                                               next=[], colour=values.pop("colour", live.default_colour(slug)),
                                               **values)
            session.add(track)
            result["tracks"]["created"] += 1
            events.append(("track.created", track, slug))
        elif _assign(track, values):
            result["tracks"]["updated"] += 1
            events.append(("track.updated", track, slug))
        else:
            result["tracks"]["unchanged"] += 1
    session.flush()

    for slug, track in tracks.items():
        status = status_of(track)
        new = live.Status(plan.now.get(slug, status.now),
                          tuple(plan.next[slug]) if slug in plan.next else status.next,
                          plan.locations.get(slug, status.location))
        if new != status:
            track.now, track.next, track.location = new.now, list(new.next), new.location
            track.status_updated_at = at
            result["statuses_changed"] += 1
            events.append(("status.changed", track, slug))

    # the event's sessions by room, read once (the event's lock keeps them as they are)
    by_room: dict[str, list[store.SessionRow]] = {}
    for row in store.event_sessions(session, event, scheduled_only=True):
        by_room.setdefault(row.room_id, []).append(row)
    for room_slug, code, slug in plan.bookings:
        room, slot, track = rooms[room_slug], slots[code], tracks[slug]
        held = [s for s in by_room.get(room.id, ()) if s.start < slot.end and s.end > slot.start]
        same = [s for s in held if s.start == slot.start and s.end == slot.end]
        if not held:
            row = store.SessionRow(event_id=event.id, track_id=track.id, room_id=room.id, event=event, track=track,
                                   room=room, start=slot.start, end=slot.end, title=track.name[:300],
                                   description="", status="scheduled", kind="work_session", booked=False,
                                   slot_codes=[code], moderators=[], allow_conflict=False, sequence=0)
            session.add(row)
            by_room.setdefault(room.id, []).append(row)
            result["sessions"]["created"] += 1
            events.append(("session.scheduled", row, None))
        elif len(held) == 1 and same and same[0].track_id == track.id:
            result["sessions"]["unchanged"] += 1
        elif len(held) == 1 and same and not same[0].booked:
            row = same[0]
            if row.title == row.track.name:  # the title the import gave it: it follows the track
                row.title = track.name[:300]
            row.track_id, row.track = track.id, track
            result["sessions"]["updated"] += 1
            events.append(("session.updated", row, None))
        else:
            other = held[0]
            raise Conflict(f"schedule.{room.name}.{code}: room {room.slug} already holds session {other.id} "
                           f"({other.title!r}) of track {other.track.slug} then; nothing was imported",
                           room_slot=f"{room.slug}-{code}", conflicting_session=other.id,
                           errors={f"schedule.{room.name}.{code}": [f"taken by session {other.id}"]})

    links = store.event_links(session, event)
    by_label = {link.label: link for link in links}
    planned_labels = [label for label, _url in plan.links]
    ordered = []
    for label, url in plan.links:
        link = by_label.get(label)
        if link is None:
            link = store.Link(event_id=event.id, position=len(links), label=label, url=url)
            session.add(link)
            result["links"]["created"] += 1
        elif _assign(link, {"url": url}):
            result["links"]["updated"] += 1
        else:
            result["links"]["unchanged"] += 1
        ordered.append(link)
    # ptgbot's links first, in its order; links added in ptghub keep their order after them
    ordered += [link for link in links if link.label not in planned_labels]
    links_changed = bool(result["links"]["created"] or result["links"]["updated"]
                         or [link.position for link in ordered] != list(range(len(ordered))))
    store.renumber(ordered)
    event_changed = plan.open_commands is not None and bool(event.open_commands) != plan.open_commands
    if event_changed:
        event.open_commands = plan.open_commands
    result["event_changed"] = event_changed
    slots_changed = bool(result["slots"]["created"] or result["slots"]["updated"])

    rows = motd_rows(session, event)
    if plan.motd is not None and [(r.level, r.message) for r in rows] != plan.motd:
        for row in rows:
            session.delete(row)
        rows = [store.Motd(event_id=event.id, position=i, level=level, message=message)
                for i, (level, message) in enumerate(plan.motd)]
        session.add_all(rows)
        result["motd_changed"] = True

    changed = bool(events or event_changed or result["motd_changed"] or slots_changed or links_changed)
    result["changed"] = changed
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("the event changed while importing; try again", errors={"event": ["changed concurrently"]}) from exc
    if slots_changed:  # as the grid API publishes it: the whole grid
        uow.publish(event_type(SERVICE, "slot", "changed"),
                    {"event": event.slug, "timezone": event.timezone,
                     "slots": grid_slot_schema.dump(store.event_slots(session, event), many=True)}, subject=event.slug)
    dumpers = {"room": room_schema, "track": track_schema, "session": session_schema, "status": status_schema}
    for kind, row, slug in events:
        entity = kind.split(".")[0]
        subject = row.id if entity == "session" else f"{event.slug}/{slug}"
        uow.publish(event_type(SERVICE, *kind.split(".")), dumpers[entity].dump(row), subject=subject)
    if event_changed:
        uow.publish(event_type(SERVICE, "event", "updated"), event_schema.dump(event), subject=event.slug)
    if links_changed:  # as the links API publishes it: every link, in order
        uow.publish(event_type(SERVICE, "link", "changed"),
                    {"event": event.slug, "links": link_schema.dump(ordered, many=True)}, subject=event.slug)
    if result["motd_changed"]:
        uow.publish(MOTD_CHANGED, motd_list(event, rows), subject=event.slug)
    return result


# == routes ===========================================================================================

@blueprint.get("/events/<event>/tracks/<track>/status")
def get_status(event: str, track: str):
    """A track's live status (public).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the status, content: {application/json: {schema: TrackStatus}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        return json_response(status_schema.dump(get_track(uow.session, parent, track)))


def _status_write(event: str, track: str, change) -> Any:
    who = principal()
    require_track_writer(who, event, track)
    at = utcnow()
    with unit_of_work() as uow:
        parent = lock_event(uow.session, event)
        row = get_track(uow.session, parent, track)
        try:
            change(uow, row, at)
        except live.CommandError as refusal:  # a rule of the status itself (too many next entries)
            raise Conflict(refusal.reply, errors={"next": [refusal.reply]}) from refusal
        body = status_schema.dump(row)
        uow.commit()
    return json_response(body)


@blueprint.post("/events/<event>/tracks/<track>/status/now")
def post_now(event: str, track: str):
    """Set what the track discusses now (ptgbot `#TRACK now`): clears `next`; announces the current session.
    ---
    post:
      description: Publishes `status.changed`, and `session.started` for the track's session under way
        (once per session). Chairs of the track and organisers.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: StatusText}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ls.StatusTextSchema())
    return _status_write(event, track, lambda uow, row, at: set_now(uow, row, data["text"], at))


@blueprint.post("/events/<event>/tracks/<track>/status/next")
def post_next(event: str, track: str):
    """Append an upcoming topic (ptgbot `#TRACK next`).
    ---
    post:
      description: Chairs of the track and organisers. Publishes `status.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: StatusText}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
        409: {description: too many next entries, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ls.StatusTextSchema())
    return _status_write(event, track, lambda uow, row, at: add_next(uow, row, data["text"], at))


@blueprint.post("/events/<event>/tracks/<track>/status/clean")
def post_clean(event: str, track: str):
    """Empty the track's now and next (ptgbot `#TRACK clean`).
    ---
    post:
      description: Chairs of the track and organisers. Publishes `status.changed` when there was anything.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    return _status_write(event, track, clean_status)


@blueprint.put("/events/<event>/tracks/<track>/location")
def put_location(event: str, track: str):
    """Say where the track meets (ptgbot `#TRACK location`); null clears it.
    ---
    put:
      description: Chairs of the track and organisers. Publishes `status.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: track, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: TrackLocation}}
      responses:
        200: {description: the new status, content: {application/json: {schema: TrackStatus}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or track, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ls.LocationSchema())
    return _status_write(event, track, lambda uow, row, at: set_location(uow, row, data["text"], at))


@blueprint.post("/events/<event>/newday")
def post_new_day(event: str):
    """Start a new day now (ptgbot `~newday`): every track's now and next are emptied.
    ---
    post:
      description: Organisers. The worker does the same at the event's local midnight.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the statuses of the tracks that changed, content: {application/json: {schema: {type: array, items: TrackStatus}}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    require_organiser(principal(), "the event's day")
    with unit_of_work() as uow:
        parent = lock_event(uow.session, event)
        cleared = new_day(uow, parent, utcnow())
        body = status_schema.dump(cleared, many=True)
        uow.commit()
    return json_response(body)


@blueprint.post("/events/<event>/bookings")
def post_booking(event: str):
    """Book a free room-slot for a track (ptgbot `#TRACK book ROOM-SLOT`).
    ---
    post:
      description: Chairs for their own tracks, organisers for any. The room must be bookable, offer the
        slot and be free then, and the track must not meet elsewhere then. Creates a booked work session
        and publishes `session.scheduled`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: Booking}}
      responses:
        201: {description: booked, content: {application/json: {schema: Session}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event, track or room', content: {application/problem+json: {schema: Problem}}}
        409: {description: the room-slot is not bookable or taken (`room_slot` names it), content: {application/problem+json: {schema: Problem}}}
        422: {description: unknown slot code, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ls.BookingSchema())
    require_track_writer(principal(), event, data["track"])
    with unit_of_work() as uow:
        parent = lock_event(uow.session, event)
        track = get_track(uow.session, parent, data["track"])
        row = book(uow, parent, track, data["room"], data["slot"])
        body = session_schema.dump(row)
        uow.commit()
    return json_response(body, 201, {"Location": f"/sessions/{row.id}"})


@blueprint.delete("/events/<event>/bookings/<room>/<slot>")
def delete_booking(event: str, room: str, slot: str):
    """Free a booked room-slot (ptgbot `#TRACK unbook ROOM-SLOT`).
    ---
    delete:
      description: Chairs of the booking's track and organisers; only booked sessions (scheduled ones are
        cancelled through the sessions API). The session is cancelled and `session.cancelled` published.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: room, required: true, schema: {type: string}}
      - {in: path, name: slot, required: true, schema: {type: string}}
      responses:
        200: {description: the cancelled session, content: {application/json: {schema: Session}}}
        403: {description: not your track, content: {application/problem+json: {schema: Problem}}}
        404: {description: 'unknown event or room, or the room-slot is not booked', content: {application/problem+json: {schema: Problem}}}
        409: {description: the room-slot holds a scheduled (not booked) session, content: {application/problem+json: {schema: Problem}}}
        422: {description: unknown slot code, content: {application/problem+json: {schema: Problem}}}
    """
    who = principal()
    with unit_of_work() as uow:
        parent = lock_event(uow.session, event)
        row = find_booking(uow, parent, room, slot)
        require_track_writer(who, event, row.track.slug)
        body = session_schema.dump(unbook(uow, row))
        uow.commit()
    return json_response(body)


def _free_slot_key(found: dict) -> list[str]:
    return [found["start"].astimezone(timezone.utc).isoformat(), found["slot"], found["room"]]


@blueprint.get("/events/<event>/free-slots")
def get_free_slots(event: str):
    """Room-slots free to book, by start time and room (public).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: FreeSlotQuery
      responses:
        200: {description: a page of free room-slots, content: {application/json: {schema: FreeSlotPage}}}
        400: {description: invalid filter, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(ls.FreeSlotQuery())
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        found = free_slots(uow.session, parent, query.get("day"), query.get("capacity"), query.get("video"))
    if query["cursor"]:
        after = decode_cursor(query["cursor"], 3)
        found = [f for f in found if _free_slot_key(f) > after]
    items = found[:query["limit"]]
    cursor = encode_cursor(_free_slot_key(items[-1])) if len(found) > query["limit"] else None
    return json_response({"items": free_slot_schema.dump(items, many=True), "next_cursor": cursor})


@blueprint.get("/events/<event>/motd")
def get_motd(event: str):
    """The message of the day, top first (public).
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the messages, content: {application/json: {schema: MotdList}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    with unit_of_work() as uow:
        return json_response(motd_body(uow.session, store.get_event(uow.session, event)))


def _motd_write(event: str, change, status: int = 200):
    require_organiser(principal(), "the message of the day")
    with unit_of_work() as uow:
        parent = lock_event(uow.session, event)
        body = change(uow, parent)
        uow.commit()
    return json_response(body, status)


@blueprint.post("/events/<event>/motd")
def post_motd(event: str):
    """Add a message at the bottom (ptgbot `~motd add LEVEL MESSAGE`).
    ---
    post:
      description: Organisers. Publishes `motd.changed` with the whole ordered list.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: MotdNew}}
      responses:
        201: {description: the messages after the change, content: {application/json: {schema: MotdList}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ls.MotdNewSchema())
    return _motd_write(event, lambda uow, parent: motd_add(uow, parent, data["level"], data["message"]), 201)


@blueprint.delete("/events/<event>/motd/<motd_id>")
def delete_motd(event: str, motd_id: str):
    """Remove one message (ptgbot `~motd del N`).
    ---
    delete:
      description: Organisers. Publishes `motd.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - {in: path, name: motd_id, required: true, schema: {type: string}}
      responses:
        200: {description: the messages after the change, content: {application/json: {schema: MotdList}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event or message, content: {application/problem+json: {schema: Problem}}}
    """
    def change(uow, parent):
        row = next((r for r in motd_rows(uow.session, parent) if r.id == motd_id), None)
        if row is None:
            raise NotFound(f"no message {motd_id!r} in event {parent.slug}", errors={"motd_id": ["unknown message"]})
        return motd_delete(uow, parent, row)

    return _motd_write(event, change)


@blueprint.put("/events/<event>/motd/order")
def put_motd_order(event: str):
    """Reorder the messages (ptgbot `~motd reorder X Y ...`); messages left out are removed.
    ---
    put:
      description: Organisers. Publishes `motd.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: MotdOrder}}
      responses:
        200: {description: the messages after the change, content: {application/json: {schema: MotdList}}}
        400: {description: invalid fields, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        422: {description: an unknown or repeated id, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ls.MotdOrderSchema())
    return _motd_write(event, lambda uow, parent: motd_set(
        uow, parent, live.motd_reorder_by_id(motd_rows(uow.session, parent), data["ids"])))


@blueprint.delete("/events/<event>/motd")
def delete_all_motd(event: str):
    """Remove every message (ptgbot `~motd clean`).
    ---
    delete:
      description: Organisers. Publishes `motd.changed`.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      responses:
        200: {description: the (empty) messages, content: {application/json: {schema: MotdList}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    return _motd_write(event, lambda uow, parent: motd_set(uow, parent, []))


@blueprint.get("/events/<event>/board")
def get_board(event: str):
    """The live board (public): every track's now, next, location, current and next session; every room's.
    ---
    get:
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      - in: query
        schema: BoardQuery
      responses:
        200: {description: 'the board; weak ETag, revalidate with If-None-Match', content: {application/json: {schema: Board}}}
        304: {description: the copy named by If-None-Match is current}
        400: {description: invalid `at`, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    query = load_query(ls.BoardQuery())
    at = query.get("at") or utcnow()
    with unit_of_work() as uow:
        parent = store.get_event(uow.session, event)
        # The board changes with the event (its version) and as sessions start and end: counting
        # those that have tells whether a client's copy is still current, without building it.
        started, ended = uow.session.execute(
            sa.select(sa.func.count().filter(store.SessionRow.start <= at),
                      sa.func.count().filter(store.SessionRow.end <= at))
            .where(store.SessionRow.event_id == parent.id, NOT_CANCELLED)).one()
        tag = f"{parent.id}-{parent.version}-board-{started}-{ended}"
        if request.if_none_match.contains_weak(tag):
            response = Response(status=304)
        else:
            response = json_response(board(uow.session, parent, at))
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "no-cache"  # time moves the board: always revalidate
    return response


@blueprint.post("/events/<event>/ptgbot/commands")
def post_ptgbot_command(event: str):
    """Apply one chat line as ptgbot would, for the nick that sent it.
    ---
    post:
      description: |
        For chat relays: the caller is an integration token allowed to relay (or an organiser); the
        sender's nick decides what the line may do — the event's organiser nicks everything, a track's
        chair nicks that track's commands, anyone the track commands when the event lets everyone speak
        (ptgbot's voice setting). Commands: `#TRACK now|next|clean|location|url|color|etherpad|book|unbook ...`,
        `~motd add|del|reorder|clean`, `~newday`, `~add|~del|~clean TRACK...`, `~list`,
        `~requirevoice`, `~alloweveryone`, `#help`. Refusals are answers, not errors: 200 with
        `applied: false` and the text to say in the channel.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: PtgbotCommand}}
      responses:
        200: {description: the bot's answer, content: {application/json: {schema: PtgbotReply}}}
        400: {description: malformed body, content: {application/problem+json: {schema: Problem}}}
        403: {description: the caller may not relay commands, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
    """
    data = load(ls.PtgbotCommandSchema())
    if not live.may_relay(principal()):
        raise Forbidden("only a relay (an integration token allowed to relay) or an organiser may forward "
                        "chat commands", errors={"principal": ["not a relay"]})
    with unit_of_work() as uow:
        parent = lock_event(uow.session, event)
        outcome = run_command(uow, parent, data["nick"], data["text"], utcnow())
        if outcome.applied:
            uow.commit()
    return json_response(reply_schema.dump(outcome))


@blueprint.post("/events/<event>/ptgbot/import")
def post_ptgbot_import(event: str):
    """Import ptgbot's JSON (base.json / ptg.json): grid, rooms, tracks, bookings, links, motd, statuses.
    ---
    post:
      description: |
        Organisers. Day names map onto the event's dates (the first ptgbot day onto the event's first
        date with that weekday; otherwise in order); slot times (`desc`, HH:MM-HH:MM) are local to the
        event's timezone. Rooms by slug of their name, tracks by name, slots by code, sessions by room
        and slot: running it twice changes nothing. A session in the way makes it 409 and writes nothing.
      parameters:
      - {in: path, name: event, required: true, schema: {type: string}}
      requestBody:
        required: true
        content: {application/json: {schema: PtgbotDocument}}
      responses:
        200: {description: what changed, content: {application/json: {schema: PtgbotImportResult}}}
        400: {description: not ptgbot's JSON, content: {application/problem+json: {schema: Problem}}}
        403: {description: not an organiser, content: {application/problem+json: {schema: Problem}}}
        404: {description: unknown event, content: {application/problem+json: {schema: Problem}}}
        409: {description: a session is in the way, content: {application/problem+json: {schema: Problem}}}
        422: {description: the grid does not fit the event, content: {application/problem+json: {schema: Problem}}}
    """
    require_organiser(principal(), "the event's schedule")
    doc = load(ls.PtgbotDocumentSchema())
    with unit_of_work() as uow:
        result = import_ptgbot(uow, event, doc, utcnow())
        uow.commit()
    return json_response(import_result_schema.dump(result))

