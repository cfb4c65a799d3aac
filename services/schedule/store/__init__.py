"""Schedule persistence: SQLAlchemy models and the queries the api needs."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, object_session, relationship

from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow
from services.kit.problems import NotFound

from .. import domain


class Base(DeclarativeBase):
    pass




add_kit_tables(Base.metadata)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    location: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    virtual: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # ptgbot's "voice" setting: when true anyone may speak to the bot, not only chairs and organisers
    open_commands: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    organisers: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")  # ptgbot nicks
    # grows with every change to anything of the event: exports derive their ETag from it
    version: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Slot(Base):
    """A named time slot of the event's grid (ptgbot's ``MonA1`` = Monday 09:00-10:45)."""

    __tablename__ = "slots"
    __table_args__ = (sa.UniqueConstraint("event_id", "code"), sa.Index("ix_slots_event_start", "event_id", "start"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(32))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)


class Motd(Base):
    """A message of the day entry (ptgbot ``~motd``), shown in ``position`` order."""

    __tablename__ = "motd"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    level: Mapped[str] = mapped_column(sa.String(10), default="info")
    message: Mapped[str] = mapped_column(sa.Text)


class Link(Base):
    """A useful link of the event (venue map, etherpad index ...)."""

    __tablename__ = "links"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    label: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str] = mapped_column(sa.String(2000))


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (sa.UniqueConstraint("event_id", "slug"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    video_url: Mapped[str | None] = mapped_column(sa.String(2000))
    cap_icon: Mapped[str | None] = mapped_column(sa.String(100))
    cap_desc: Mapped[str | None] = mapped_column(sa.String(300))
    bookable: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # the slot codes this room offers (ptgbot's schedule keys); null means every slot of the grid
    offered_slots: Mapped[list | None] = mapped_column(sa.JSON)
    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (sa.UniqueConstraint("event_id", "slug"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    mailing_list: Mapped[str | None] = mapped_column(sa.String(320))
    subject_tag: Mapped[str | None] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    chairs: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")  # [{nick, name, email}]
    colour: Mapped[str | None] = mapped_column(sa.String(32))
    meeting_url: Mapped[str | None] = mapped_column(sa.String(2000))
    notes_url: Mapped[str | None] = mapped_column(sa.String(2000))
    # live status, as ptgbot keeps it
    now: Mapped[str | None] = mapped_column(sa.Text)
    next: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    location: Mapped[str | None] = mapped_column(sa.String(300))
    status_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)


class SessionRow(Base):
    """A session of a track in a room (named ``SessionRow`` to keep clear of SQLAlchemy's Session)."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.Index("ix_sessions_room_start", "room_id", "start"),
        sa.Index("ix_sessions_event_start", "event_id", "start", "id"),
        # what the worker's clock scans every second: sessions whose start/end is not yet announced
        sa.Index("ix_sessions_unstarted", "start", postgresql_where=sa.text("started_published_at IS NULL"),
                 sqlite_where=sa.text("started_published_at IS NULL")),
        sa.Index("ix_sessions_unended", "end", postgresql_where=sa.text("ended_published_at IS NULL"),
                 sqlite_where=sa.text("ended_published_at IS NULL")),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(sa.ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[str] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    kind: Mapped[str] = mapped_column(sa.String(20), default="work_session", server_default="work_session")
    moderators: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    video_url: Mapped[str | None] = mapped_column(sa.String(2000))
    slot_codes: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    allow_conflict: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    booked: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())  # by a chair (ptgbot book)
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")  # iCalendar SEQUENCE
    started_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)
    track: Mapped[Track] = relationship(lazy="joined", innerjoin=True)
    room: Mapped[Room] = relationship(lazy="joined", innerjoin=True)


EVENT_BOOKKEEPING = frozenset({"version", "updated_at"})


def touch(event: Event) -> None:
    """Record that something of ``event`` changed (its exports' ETags change with it).

    Writes through the ORM never call this: :func:`_versions_follow_changes` does it at flush
    for every event whose rows changed. Only a bulk statement that bypasses the ORM (``UPDATE``
    or ``DELETE`` of many rows at once) must call it. The increment runs in SQL (``version =
    version + 1``), so two transactions never both write the same version; the event's
    ``updated_at`` becomes now (exports answer ``If-Modified-Since`` with it). Once per
    transaction is enough: later calls in the same transaction do nothing.
    """
    session = object_session(event)
    if session is None or event in session.new:
        event.version = (event.version or 0) + 1
        event.updated_at = utcnow()
        return
    touched = session.info.setdefault(_TOUCHED, set())
    if event.id in touched:
        return
    touched.add(event.id)
    event.version = Event.version + 1
    event.updated_at = utcnow()


_TOUCHED = "ptghub.schedule.touched_events"
_RESEQUENCED = "ptghub.schedule.resequenced_sessions"
# A session's columns behind domain.SEQUENCED_FIELDS ("room" is the room's id).
_SEQUENCED_COLUMNS = {"start": "start", "end": "end", "room": "room_id", "status": "status", "title": "title"}


def _before_after(state, key: str) -> tuple[object, object] | None:
    """``(old, new)`` of an attribute changed in this flush, or None when it did not change."""
    history = state.attrs[key].history
    if not history.has_changes():
        return None
    return (history.deleted[0] if history.deleted else None, history.added[0] if history.added else None)


def _reschedule(session: Session, row: "SessionRow") -> None:
    """The rule of a changed session, written once: a change of its time, room, status or title
    grows its iCalendar ``sequence`` (once per transaction), and a start or end moved into the
    future is announced again by the worker's clock."""
    state = sa.inspect(row)
    before, after = {}, {}
    for name, column in _SEQUENCED_COLUMNS.items():
        change = _before_after(state, column)
        if name == "room" and change is None:
            moved = _before_after(state, "room")  # assigned as a relationship: room_id follows at flush
            change = None if moved is None else tuple(r.id if r is not None else None for r in moved)
        if change is not None:
            before[name], after[name] = change
    if not after:
        return
    resequenced = session.info.setdefault(_RESEQUENCED, set())
    if domain.sequence_changes(before, after) and row.id not in resequenced:
        resequenced.add(row.id)
        row.sequence = (row.sequence or 0) + 1
    now = utcnow()
    if "start" in after and row.start is not None and row.start > now:
        row.started_published_at = None
    if "end" in after and row.end is not None and row.end > now:
        row.ended_published_at = None


def _changed(session: Session, row: Base) -> bool:
    if row in session.new or row in session.deleted:
        return True
    state = sa.inspect(row)
    names = [a.key for a in state.attrs if a.history.has_changes()]
    if isinstance(row, Event):
        names = [n for n in names if n not in EVENT_BOOKKEEPING]
    return bool(names)


def _event_of(session: Session, row: Base) -> Event | None:
    if isinstance(row, Event):
        return row
    loaded = row.__dict__.get("event")
    if loaded is not None:
        return loaded
    event_id = getattr(row, "event_id", None)
    return session.get(Event, event_id) if event_id is not None else None


@sa.event.listens_for(Session, "before_flush")
def _versions_follow_changes(session: Session, _context, _instances) -> None:
    """A flush that adds, changes or deletes anything of an event (the event itself, its slots,
    rooms, tracks, sessions, motd and links) touches that event: one rule, one place. A new
    event starts at version 0, whatever it was created with."""
    rows = [row for row in (*session.new, *session.dirty, *session.deleted) if isinstance(row, Base)]
    if not rows:
        return
    with session.no_autoflush:
        events = {}
        for row in rows:
            if isinstance(row, SessionRow) and row in session.dirty and row not in session.deleted:
                _reschedule(session, row)
            if _changed(session, row):
                event = _event_of(session, row)
                if event is not None:
                    events[id(event)] = event
        for event in events.values():
            if event not in session.deleted and event not in session.new:  # a new event is at version 0
                touch(event)


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_rollback")
def _forget_touched(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_RESEQUENCED, None)


def get_event(session: Session, slug: str, lock: bool = False) -> Event:
    """The event by slug; ``lock`` takes its row lock (``FOR UPDATE``).

    Every write of sessions locks its event first, before anything else, so writes of one event
    are serialised (the room, track and moderator checks see each other's result) and never
    deadlock with each other.
    """
    statement = sa.select(Event).where(Event.slug == slug)
    if lock:
        statement = statement.with_for_update()
    event = session.scalar(statement)
    if event is None:
        raise NotFound(f"no event {slug!r}", errors={"event": ["unknown event"]})
    return event


def lock_event_of(session: Session, session_id: str) -> tuple[Event, SessionRow]:
    """A session for a write: its event locked first (as :func:`get_event`), then the session read."""
    event_id = session.scalar(sa.select(SessionRow.event_id).where(SessionRow.id == session_id))
    if event_id is None:
        raise NotFound(f"no session {session_id!r}", errors={"id": ["unknown session"]})
    event = session.scalar(sa.select(Event).where(Event.id == event_id).with_for_update())
    row = session.get(SessionRow, session_id, populate_existing=True)
    if event is None or row is None:  # deleted meanwhile
        raise NotFound(f"no session {session_id!r}", errors={"id": ["unknown session"]})
    return event, row


def event_slug_taken(session: Session, slug: str) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.slug == slug)) > 0


def get_room(session: Session, event: Event, slug: str, field: str = "room", lock: bool = False) -> Room:
    statement = sa.select(Room).where(Room.event_id == event.id, Room.slug == slug)
    if lock:
        statement = statement.with_for_update(of=Room)
    room = session.scalar(statement)
    if room is None:
        raise NotFound(f"no room {slug!r} in event {event.slug}", errors={field: ["unknown room"]})
    return room


def get_track(session: Session, event: Event, slug: str, field: str = "track") -> Track:
    track = session.scalar(sa.select(Track).where(Track.event_id == event.id, Track.slug == slug))
    if track is None:
        raise NotFound(f"no track {slug!r} in event {event.slug}", errors={field: ["unknown track"]})
    return track


def slug_taken(session: Session, model, event: Event, slug: str) -> bool:
    return session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id, model.slug == slug)
    ) > 0


def session_rows() -> sa.Select:
    """Sessions with just what a listing shows of their event, track and room (no JSON columns)."""
    return sa.select(SessionRow).options(
        orm.joinedload(SessionRow.event, innerjoin=True).load_only(Event.slug, Event.timezone),
        orm.joinedload(SessionRow.track, innerjoin=True).load_only(Track.slug),
        orm.joinedload(SessionRow.room, innerjoin=True).load_only(Room.slug),
    )


def get_session(session: Session, session_id: str) -> SessionRow:
    row = session.get(SessionRow, session_id)
    if row is None:
        raise NotFound(f"no session {session_id!r}", errors={"id": ["unknown session"]})
    return row


def room_sessions_overlapping(session: Session, room: Room, start: datetime, end: datetime,
                              exclude_id: str | None = None) -> list[SessionRow]:
    statement = sa.select(SessionRow).where(
        SessionRow.room_id == room.id,
        SessionRow.status != "cancelled",
        SessionRow.start < end,
        SessionRow.end > start,
    ).order_by(SessionRow.start)
    if exclude_id:
        statement = statement.where(SessionRow.id != exclude_id)
    return list(session.scalars(statement))


# -- sessions ----------------------------------------------------------------------------------
def session_view(row: SessionRow) -> domain.SessionView:
    """What the clash rules need of a stored session."""
    return domain.SessionView(id=row.id, title=row.title, track=row.track.slug, room=row.room.slug,
                              start=row.start, end=row.end, moderators=tuple(row.moderators or ()),
                              allow_conflict=bool(row.allow_conflict), status=row.status)


def sessions_overlapping(session: Session, event: Event, start: datetime, end: datetime,
                         exclude_id: str | None = None) -> list[SessionRow]:
    """The event's sessions, not cancelled, overlapping ``[start, end)``: what a new one may clash with."""
    statement = sa.select(SessionRow).where(
        SessionRow.event_id == event.id,
        SessionRow.status != domain.CANCELLED,
        SessionRow.start < end,
        SessionRow.end > start,
    ).order_by(SessionRow.start, SessionRow.id)
    if exclude_id:
        statement = statement.where(SessionRow.id != exclude_id)
    return list(session.scalars(statement))


def event_sessions(session: Session, event: Event, *, room: Room | None = None, track: Track | None = None,
                   scheduled_only: bool = False) -> list[SessionRow]:
    """An event's sessions (or a room's or track's of it), by start."""
    statement = sa.select(SessionRow).where(SessionRow.event_id == event.id)
    if room is not None:
        statement = statement.where(SessionRow.room_id == room.id)
    if track is not None:
        statement = statement.where(SessionRow.track_id == track.id)
    if scheduled_only:
        statement = statement.where(SessionRow.status != domain.CANCELLED)
    return list(session.scalars(statement.order_by(SessionRow.start, SessionRow.id)))


def claim_due_sessions(session: Session, which: str, now: datetime, limit: int = 200) -> list[SessionRow]:
    """Claim sessions whose ``which`` (``start`` or ``end``) has passed and was not announced yet.

    One ``UPDATE ... WHERE <which>_published_at IS NULL`` stamps them, so a session is claimed by
    one caller only even with several workers (PostgreSQL: candidates are locked ``SKIP LOCKED``
    and the condition is re-checked on the locked row). Returns the claimed rows; the caller
    publishes them in the same transaction. Cancelled sessions are never claimed.
    """
    instant = SessionRow.start if which == "start" else SessionRow.end
    stamp = SessionRow.started_published_at if which == "start" else SessionRow.ended_published_at
    due = sa.and_(stamp.is_(None), instant <= now, SessionRow.status == domain.SCHEDULED)
    candidates = (sa.select(SessionRow.id).where(due).order_by(instant).limit(limit)
                  .with_for_update(skip_locked=True))
    claimed = session.execute(
        sa.update(SessionRow).where(due, SessionRow.id.in_(candidates.scalar_subquery()))
        .values({stamp.key: now}).returning(SessionRow.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    if not claimed:
        return []
    return list(session.scalars(sa.select(SessionRow).where(SessionRow.id.in_(claimed))
                                .order_by(instant, SessionRow.id)
                                .execution_options(populate_existing=True)))


# -- the slot grid -----------------------------------------------------------------------------
def event_slots(session: Session, event: Event) -> list[Slot]:
    """The event's grid, in order (start, end, code)."""
    return list(session.scalars(sa.select(Slot).where(Slot.event_id == event.id)
                                .order_by(Slot.start, Slot.end, Slot.code)))


def slot_views(slots: list[Slot]) -> list[domain.SlotView]:
    return [domain.SlotView(s.code, s.start, s.end) for s in slots]


def get_slot(session: Session, event: Event, code: str) -> Slot:
    slot = session.scalar(sa.select(Slot).where(Slot.event_id == event.id, Slot.code == code))
    if slot is None:
        raise NotFound(f"no slot {code!r} in event {event.slug}", errors={"code": ["unknown slot"]})
    return slot


# -- links -------------------------------------------------------------------------------------
def event_links(session: Session, event: Event) -> list[Link]:
    return list(session.scalars(sa.select(Link).where(Link.event_id == event.id).order_by(Link.position, Link.id)))


def get_link(session: Session, event: Event, link_id: str) -> Link:
    link = session.scalar(sa.select(Link).where(Link.event_id == event.id, Link.id == link_id))
    if link is None:
        raise NotFound(f"no link {link_id!r} in event {event.slug}", errors={"link": ["unknown link"]})
    return link


def renumber(items: list) -> None:
    """Give ``items`` (links, motd entries) the positions 0, 1, 2 ... in their list order."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def counts(session: Session, event: Event) -> dict[str, int]:
    """How many rooms, tracks, sessions and slots an event holds."""
    return {name: session.scalar(sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id))
            for name, model in (("rooms", Room), ("tracks", Track), ("sessions", SessionRow), ("slots", Slot))}
