"""ptgbot's JSON (``base.json`` / ``ptg.json``) imported into an event: plan, then apply.

:func:`..ptgbot.import_plan.plan_import` says what the document means; :func:`import_ptgbot`
compares that with the event and writes the difference, publishing what the matching REST change
would (``slot.changed`` with the whole grid, ``room.*``, ``track.*``, ``session.*``,
``status.changed``, ``event.updated``, ``link.changed``, ``motd.changed``). Nothing commits: the caller does.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from services.kit.cloudevents import event_type
from services.kit.problems import Conflict

from .. import SERVICE, domain, store
from ..domain import live as rules
from ..ptgbot.import_plan import plan_import
from ..schemas.gathering import EventSchema, LinkSchema, RoomSchema, SessionSchema, SlotSchema, TrackSchema
from ..schemas.live import StatusSchema
from ..store import live as live_queries
from .motd import MOTD_CHANGED, motd_list, motd_list_schema

room_schema, track_schema, session_schema = RoomSchema(), TrackSchema(), SessionSchema()
status_schema, event_schema, grid_slot_schema, link_schema = StatusSchema(), EventSchema(), SlotSchema(), LinkSchema()


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
    event = store.get_event(session, event_slug, lock=True)
    plan = plan_import(doc, event.start_date, event.end_date, event.timezone)
    result = {"event": event.slug, "slots": _counts(), "rooms": _counts(), "tracks": _counts(),
              "sessions": _counts(), "links": _counts(), "motd_changed": False, "event_changed": False,
              "statuses_changed": 0, "warnings": list(plan.warnings)}
    events: list[tuple[str, Any, str]] = []  # published after the final flush, in order

    slots = {s.code: s for s in store.event_slots(session, event)}
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

    rooms = {r.slug: r for r in live_queries.event_rooms(session, event)}
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

    tracks = {t.slug: t for t in live_queries.event_tracks(session, event)}
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
                                               next=[], colour=values.pop("colour", rules.default_colour(slug)),
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
        status = live_queries.track_status(track)
        new = rules.TrackStatus(plan.now.get(slug, status.now),
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
                                   description="", status=domain.SCHEDULED, kind="work_session", booked=False,
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

    rows = live_queries.event_motd(session, event)
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
        uow.publish(MOTD_CHANGED, motd_list_schema.dump(motd_list(event, rows)), subject=event.slug)
    return result
