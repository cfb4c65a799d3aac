"""The schedule's tables: an event, its slot grid, rooms, tracks, sessions, links and message of the day."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow


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
    # where the event's summaries are mailed (notify reads these from the event's events)
    mailing_list: Mapped[str | None] = mapped_column(sa.String(320))
    subject_tag: Mapped[str | None] = mapped_column(sa.String(64))
    mail_from: Mapped[str | None] = mapped_column(sa.String(320))
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
