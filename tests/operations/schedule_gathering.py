"""A small gathering for the schedule's operation tests: commands loaded with the service's own
schemas (so they carry its defaults), principals as the gateway signs them."""
from services.kit.db import Database

from .conftest import transaction
from services.schedule import store
from services.schedule.operations import events, grid, rooms, sessions, tracks
from services.schedule.schemas.gathering import (EventSchema, RoomSchema, SessionChanges, SessionSchema, SlotGridSchema,
                                                 TrackSchema)

ORGANISER = {"sub": "organiser-token", "name": "organiser", "role": "organiser", "tracks": []}
DENVER = {"slug": "denver", "name": "Denver PTG", "timezone": "America/Denver", "start_date": "2019-05-02",
          "end_date": "2019-05-04"}
GRID = {"slots": [{"code": "ThuA1", "day": "2019-05-02", "start": "09:00", "end": "10:45"},
                  {"code": "ThuA2", "day": "2019-05-02", "start": "10:45", "end": "12:30"},
                  {"code": "FriA1", "day": "2019-05-03", "start": "09:00", "end": "10:45"}]}


def chair(*pairs: tuple[str, str]) -> dict:
    return {"sub": "chair-token", "name": "chair", "role": "chair",
            "tracks": [{"event": event, "track": track} for event, track in pairs]}


def at(clock: str, day: str = "2019-05-02", offset: str = "-06:00") -> str:
    return f"{day}T{clock}:00{offset}"


def session_command(title: str = "Python 3 images", start: str = "09:00", end: str = "10:45", room: str = "aspen",
                    track: str = "kolla", day: str = "2019-05-02", offset: str = "-06:00", **fields) -> dict:
    """A loaded ``Session``: at ``start``-``end`` of ``day`` (Denver's offset), or in ``slots=[...]``."""
    body = {"track": track, "room": room, "title": title, **fields}
    if "slots" not in fields:
        body.update(start=at(start, day, offset), end=at(end, day, offset))
    return SessionSchema().load(body)


def changes(**fields) -> dict:
    return SessionChanges.load(fields)


def make_gathering(database: Database, event: dict = DENVER, grid_slots: bool = False) -> None:
    """``event`` with rooms aspen and boulder and tracks kolla and nova (and the slot grid ``GRID``)."""
    with transaction(database) as uow:
        events.create_event(uow, ORGANISER, EventSchema().load(event))
    slug = event["slug"]
    for room in ("aspen", "boulder"):
        with transaction(database) as uow:
            rooms.create_room(uow, ORGANISER, slug, RoomSchema().load({"slug": room, "name": room.title()}))
    for track in ("kolla", "nova"):
        with transaction(database) as uow:
            tracks.create_track(uow, ORGANISER, slug, TrackSchema().load({"slug": track, "name": track.title()}))
    if grid_slots:
        with transaction(database) as uow:
            grid.replace_slots(uow, ORGANISER, slug, SlotGridSchema().load(GRID))


def schedule(database: Database, who: dict = ORGANISER, event: str = "denver", **fields) -> store.SessionRow:
    """A session scheduled through the operation (``fields``: as :func:`session_command`)."""
    with transaction(database) as uow:
        return sessions.create_session(uow, who, event, session_command(**fields))
