"""A small live gathering for the schedule's live, booking, command and import tests, written straight
through the store (no operation, so no outbox row): Denver, Thursday 2 and Friday 3 May 2019, four slots a day."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from services.kit.db import Database
from services.schedule import store

ZONE = ZoneInfo("America/Denver")
THURSDAY = date(2019, 5, 2)
FRIDAY = THURSDAY + timedelta(days=1)
UTC = timezone.utc


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


GRID = {"A1": (9, 0, 10, 45), "A2": (10, 45, 12, 30), "P1": (13, 30, 15, 15), "P2": (15, 15, 17, 0)}


def build(database: Database) -> None:
    """Rooms aspen (bookable, every slot, video), vail (bookable, ThuA1 and FriA1 only) and
    ballroom (not bookable); tracks nova (chair gibi, meets in the ballroom ThuA1), swift (chair
    notmyname) and kolla; organiser nick ttx; only voiced nicks speak."""
    with database.unit_of_work() as uow:
        session = uow.session
        event = store.Event(slug="denver", name="Denver PTG", timezone="America/Denver", start_date=THURSDAY,
                            end_date=FRIDAY, organisers=["ttx"], open_commands=False)
        session.add(event)
        session.flush()
        for day, prefix in ((THURSDAY, "Thu"), (FRIDAY, "Fri")):
            for code, (h1, m1, h2, m2) in GRID.items():
                session.add(store.Slot(event_id=event.id, code=prefix + code, start=local(day, h1, m1),
                                       end=local(day, h2, m2)))
        rooms = {
            "aspen": store.Room(event_id=event.id, slug="aspen", name="Aspen", capacity=10, bookable=True,
                                cap_icon="facetime-video", cap_desc="Videoprojection available"),
            "vail": store.Room(event_id=event.id, slug="vail", name="Vail", capacity=40, bookable=True,
                               offered_slots=["ThuA1", "FriA1"]),
            "ballroom": store.Room(event_id=event.id, slug="ballroom", name="Ballroom A", capacity=100,
                                   bookable=False),
        }
        tracks = {
            "nova": store.Track(event_id=event.id, slug="nova", name="Nova", chairs=[{"nick": "gibi"}], next=[]),
            "swift": store.Track(event_id=event.id, slug="swift", name="Swift", chairs=[{"nick": "notmyname"}],
                                 next=[]),
            "kolla": store.Track(event_id=event.id, slug="kolla", name="Kolla", chairs=[], next=[]),
        }
        session.add_all([*rooms.values(), *tracks.values()])
        session.flush()
        session.add(store.SessionRow(event_id=event.id, track_id=tracks["nova"].id, room_id=rooms["ballroom"].id,
                                     start=local(THURSDAY, 9), end=local(THURSDAY, 10, 45), title="Cells v2",
                                     slot_codes=["ThuA1"], moderators=[]))
        uow.commit()


def outbox(database: Database, kind: str | None = None) -> list[dict]:
    """The CloudEvents an operation queued (``kind``: those whose type ends so), in order."""
    with database.engine.connect() as connection:
        rows = connection.execute(sa.select(database.outbox.c.event_type, database.outbox.c.payload)
                                  .order_by(database.outbox.c.seq)).all()
    return [json.loads(payload) for event_type, payload in rows if kind is None or event_type.endswith(kind)]


def version(database: Database, slug: str = "denver") -> int:
    with database.engine.connect() as connection:
        return connection.execute(sa.select(store.Event.version).where(store.Event.slug == slug)).scalar_one()
