"""Booking: a chair takes a free room-slot for its track (ptgbot's ``book``), gives it back
(``unbook``), and looks for free ones.

A booking is a session like any other (``booked`` set, the slot's times, ``session.scheduled``),
so the service's clash rules hold for it; a room must be open for booking (``bookable``) and offer
the slot. Each write locks the event first, so two chairs booking one room-slot at once get one
booking and one refusal. Nothing commits: the caller does.
"""
from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from services.kit.auth import require_track_writer
from services.kit.cloudevents import event_type
from services.kit.problems import Conflict, Invalid, NotFound
from services.kit.schemas import decode_cursor, encode_cursor

from .. import SERVICE, domain, store
from ..domain import live as rules
from ..schemas.gathering import SessionSchema
from ..store import live as live_queries

SESSION_SCHEDULED = event_type(SERVICE, "session", "scheduled")
SESSION_CANCELLED = event_type(SERVICE, "session", "cancelled")

session_schema = SessionSchema()


def room_slot(room: store.Room, slot: store.Slot) -> str:
    """How ptgbot names a room-slot: ``aspen-FriP1``."""
    return f"{room.slug}-{slot.code}"


def _slot(session, event: store.Event, code: str) -> store.Slot:
    """The grid's slot a booking names: an unknown code is a bad value (422 naming ``slot``), not a 404."""
    try:
        return store.get_slot(session, event, code)
    except NotFound:
        raise Invalid("slot", f"unknown slot code {code!r} in event {event.slug}") from None


def check_bookable(session, room: store.Room, slot: store.Slot, track: store.Track) -> None:
    """A chair may book a free slot the room offers, if the room is open for booking and the track free then.

    Refusals are 409s naming the ``room_slot``; a taken one names the ``conflicting_session``.
    """
    name = room_slot(room, slot)
    if not room.bookable:
        raise Conflict(f"{name}: room {room.name} is not open for booking", room_slot=name,
                       errors={"room": ["not bookable"]})
    if not rules.room_offers(room.offered_slots, slot.code):
        raise Conflict(f"{name}: room {room.name} does not offer slot {slot.code}", room_slot=name,
                       errors={"slot": ["not offered by this room"]})
    clashes = store.room_sessions_overlapping(session, room, slot.start, slot.end)
    if clashes:
        other = clashes[0]
        raise Conflict(f"{name} is taken: session {other.id} ({other.title!r}) of track {other.track.slug}",
                       room_slot=name, conflicting_session=other.id, reason="room",
                       errors={"slot": [f"taken by session {other.id}"]})
    # the service's clash rules: a track is not in two rooms at once (unless an organiser allowed it)
    others = store.views_overlapping(session, room.event, slot.start, slot.end)
    try:
        domain.check_clashes(domain.SessionView(id=None, title=f"{track.name} (booked)", track=track.slug,
                                                room=room.slug, start=slot.start, end=slot.end),
                             others)
    except Conflict as problem:
        problem.detail = f"{name}: {problem.detail}"
        problem.extra["room_slot"] = name
        raise


def book(uow, event_slug: str, track_slug: str, room_slug: str, slot_code: str) -> store.SessionRow:
    """ptgbot's ``book``: a booked work session of the track in the room-slot; ``session.scheduled``."""
    event = store.get_event(uow.session, event_slug, lock=True)
    track = store.get_track(uow.session, event, track_slug)
    room = store.get_room(uow.session, event, room_slug)
    slot = _slot(uow.session, event, slot_code)
    check_bookable(uow.session, room, slot, track)
    row = store.SessionRow(event_id=event.id, track_id=track.id, room_id=room.id, event=event, track=track,
                           room=room, start=slot.start, end=slot.end, title=f"{track.name} (booked)"[:300],
                           description="", status=domain.SCHEDULED, kind="work_session", booked=True,
                           slot_codes=[slot.code], moderators=[], allow_conflict=False)
    uow.session.add(row)
    uow.session.flush()
    uow.publish(SESSION_SCHEDULED, session_schema.dump(row), subject=row.id)
    return row


def find_booking(session, event: store.Event, room_slug: str, slot_code: str) -> store.SessionRow:
    """The booked session holding the room-slot: 404 when it is free, 409 when a scheduled
    (not booked) session holds it."""
    room = store.get_room(session, event, room_slug)
    slot = _slot(session, event, slot_code)
    held = store.room_sessions_overlapping(session, room, slot.start, slot.end)
    booked = [s for s in held if s.booked and slot.code in (s.slot_codes or [])]
    if booked:
        return booked[0]
    if held:
        raise Conflict(f"{room_slot(room, slot)} holds session {held[0].id} ({held[0].title!r}), which is "
                       "scheduled, not booked: an organiser cancels it through the sessions API",
                       room_slot=room_slot(room, slot), conflicting_session=held[0].id,
                       errors={"slot": ["not a booking"]})
    raise NotFound(f"{room_slot(room, slot)} is not booked", errors={"slot": ["not booked"]})


def unbook(uow, event_slug: str, room_slug: str, slot_code: str, *, principal: dict | None = None,
           track_slug: str | None = None) -> store.SessionRow:
    """ptgbot's ``unbook``: the booked session is cancelled (``session.cancelled``), the room-slot free again.

    Who may: ``principal`` (a REST caller) must write the booking's track (403 otherwise);
    ``track_slug`` (a chat line, its nick already allowed on that track) must be the booking's
    track (404 otherwise: that track has no booking there).
    """
    event = store.get_event(uow.session, event_slug, lock=True)
    row = find_booking(uow.session, event, room_slug, slot_code)
    if principal is not None:
        require_track_writer(principal, event.slug, row.track.slug)
    if track_slug is not None and row.track.slug != track_slug:
        raise NotFound(f"{room_slug}-{slot_code} is not booked for track {track_slug}",
                       errors={"slot": [f"not booked for {track_slug}"]})
    row.status = domain.CANCELLED
    uow.session.flush()
    uow.publish(SESSION_CANCELLED, session_schema.dump(row), subject=row.id)
    return row


def _free_slot_key(found: dict) -> list[str]:
    return [found["start"].astimezone(timezone.utc).isoformat(), found["slot"], found["room"]]


def free_slots(uow, event_slug: str, query: dict) -> dict:
    """A page of the room-slots free to book: every (bookable room, offered slot) with no session
    then, by start time and room. ``query``: ``day``, ``capacity``, ``video`` (filters), ``limit``
    and ``cursor`` (paging), as ``schemas.live.FreeSlotQuery`` loads them."""
    session = uow.session
    event = store.get_event(session, event_slug)
    zone = ZoneInfo(event.timezone)
    day, capacity, video = query.get("day"), query.get("capacity"), query.get("video")
    slots = [s for s in store.event_slots(session, event) if day is None or s.start.astimezone(zone).date() == day]
    rooms = [r for r in live_queries.event_rooms(session, event) if r.bookable
             and (capacity is None or (r.capacity is not None and r.capacity >= capacity))
             and (video is None or rules.room_has_video(r.video_url, r.cap_icon, r.cap_desc) == video)]
    found = []
    if slots and rooms:
        busy = live_queries.busy_intervals(session, event, min(s.start for s in slots), max(s.end for s in slots))
        for slot in slots:
            for room in rooms:
                if not rules.room_offers(room.offered_slots, slot.code):
                    continue
                if any(start < slot.end and end > slot.start for start, end in busy.get(room.id, ())):
                    continue
                found.append({"room": room.slug, "room_name": room.name, "slot": slot.code,
                              "start": slot.start.astimezone(zone), "end": slot.end.astimezone(zone),
                              "capacity": room.capacity,
                              "video": rules.room_has_video(room.video_url, room.cap_icon, room.cap_desc)})
    if query.get("cursor"):
        after = decode_cursor(query["cursor"], 3)
        found = [f for f in found if _free_slot_key(f) > after]
    items = found[:query["limit"]]
    cursor = encode_cursor(_free_slot_key(items[-1])) if len(found) > query["limit"] else None
    return {"items": items, "next_cursor": cursor}
