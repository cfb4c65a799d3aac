"""The actions service's tables.

- ``tracks``: the copy of the schedule's tracks (:class:`services.kit.copies.TrackCopy`);
- ``people``, ``person_aliases``: the people directory (nick, aliases, address, timezone, reminders on/off);
- ``actions``, ``action_owners``: action items and their owners (a person, or a name no person has yet),
  each owner with the time their next reminder is due (``next_reminder_at``, indexed: the sweep's due set);
- ``action_history``: every change of an action (who, when, what);
- ``reminder_policies``: an event's reminder policy (the defaults when it has none);
- ``reminders``: each reminder sent (one row per owner, item and reason: a second sweeper cannot send it again);
- ``used_links``: the one-click links already used (a link works once).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.kit.copies import TrackCopy
from services.kit.db import UTCDateTime, add_kit_tables, new_id, utcnow

from ..domain import status


class Base(DeclarativeBase):
    pass


add_kit_tables(Base.metadata)


class Track(TrackCopy, Base):
    """A copy of a schedule track, from ``ptghub.schedule.track.*`` events, keyed by (event, slug);
    retired (kept, ``deleted_at`` set) when the schedule deletes it."""


class Person(Base):
    """Someone who owns action items: found by nick, alias or address; reminded in their timezone."""

    __tablename__ = "people"
    __table_args__ = (sa.Index("ux_people_nick_key", "nick_key", unique=True),
                      sa.Index("ux_people_email", "email", unique=True))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    nick: Mapped[str] = mapped_column(sa.String(64), comment="as the person writes it")
    nick_key: Mapped[str] = mapped_column(sa.String(64), comment="the nick in lower case: unique")
    name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320), comment="in lower case; reminders go here")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC", comment="IANA name")
    reminders: Mapped[bool] = mapped_column(sa.Boolean, default=True, comment="off: no reminder mail at all")
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    aliases: Mapped[list["PersonAlias"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonAlias.position", lazy="selectin")


class PersonAlias(Base):
    """Another name of a person (an old nick, a nick on another network). Keys are unique across
    nicks and aliases: the store checks an alias is no one's nick."""

    __tablename__ = "person_aliases"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True, comment="the alias in lower case")
    alias: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    person: Mapped[Person] = relationship(back_populates="aliases")


class Action(Base):
    """An action item: someone's promise to do something, until it is done or dropped."""

    __tablename__ = "actions"
    __table_args__ = (sa.Index("ix_actions_created", "created_at", "id"),
                      sa.Index("ix_actions_event_track", "event", "track", "status"),
                      sa.Index("ix_actions_due", "due_date"),
                      sa.Index("ux_actions_source_item", "source_item_id", unique=True))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    event: Mapped[str | None] = mapped_column(sa.String(64))
    track: Mapped[str | None] = mapped_column(sa.String(64))
    session_id: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20), default=status.OPEN)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    snoozed_until: Mapped[date | None] = mapped_column(sa.Date, comment="no reminders before this day")
    policy: Mapped[dict[str, Any] | None] = mapped_column(
        sa.JSON, comment="this action's reminder policy fields, over its event's policy")
    # Where it came from: a note item (null for an action made over the API).
    source_note_id: Mapped[str | None] = mapped_column(sa.String(64))
    source_item_id: Mapped[str | None] = mapped_column(sa.String(64), comment="the note item: one item, one action")
    source_text: Mapped[str | None] = mapped_column(sa.Text, comment="the line or sentence it came from")
    source_line: Mapped[int | None] = mapped_column(sa.Integer)
    source_removed: Mapped[bool] = mapped_column(sa.Boolean, default=False,
                                                 comment="the note item is gone but the action was kept")
    edited: Mapped[bool] = mapped_column(sa.Boolean, default=False,
                                         comment="changed by hand (the API, a link): the notes no longer withdraw it")
    version: Mapped[int] = mapped_column(sa.Integer, default=1, comment="the ETag: grows with every change")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owners: Mapped[list["ActionOwner"]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionOwner.position", lazy="selectin")

    @property
    def state(self) -> status.Status:
        return status.Status(self.status, self.snoozed_until, self.completed_at)

    @property
    def needs_owner(self) -> bool:
        return not self.owners


class ActionOwner(Base):
    """One owner of an action: a person, or a nick / address no person has yet (``person_id`` null).

    ``next_reminder_at`` is when this owner is next due a reminder about this action (null: none is
    planned); the sweep finds the due set through its index."""

    __tablename__ = "action_owners"
    __table_args__ = (sa.Index("ux_action_owners_key", "action_id", "key", unique=True),
                      sa.Index("ix_action_owners_key", "key"),
                      sa.Index("ix_action_owners_person", "person_id"),
                      sa.Index("ix_action_owners_next_reminder", "next_reminder_at"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    action_id: Mapped[str] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    name: Mapped[str] = mapped_column(sa.String(320), comment="as written: a nick, an alias or an address")
    key: Mapped[str] = mapped_column(sa.String(320), comment="the name in lower case")
    person_id: Mapped[str | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    action: Mapped[Action] = relationship(back_populates="owners")
    person: Mapped[Person | None] = relationship(lazy="selectin")


class HistoryEntry(Base):
    """One change of an action: who (a token's name, ``notes`` for the notes, ``link`` for a mail
    link), when, what kind (:mod:`..domain.history`), and the fields it changed."""

    __tablename__ = "action_history"
    __table_args__ = (sa.Index("ix_action_history_action", "action_id", "at", "id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    action_id: Mapped[str] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class ReminderPolicy(Base):
    """An event's reminder policy: the fields it sets over the defaults."""

    __tablename__ = "reminder_policies"
    event: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    policy: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(Base):
    """A reminder sent: an owner reminded about an action for a reason (``assigned``, ``before_due:3``,
    ``on_due``, ``overdue:2``, ``no_due:1`` ...), in the digest ``digest_id``. Unique per owner and
    reason: two sweepers cannot both send it."""

    __tablename__ = "reminders"
    __table_args__ = (sa.Index("ux_reminders_owner_reason", "owner_id", "reason", unique=True),
                      sa.Index("ix_reminders_digest", "digest_id"))
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(sa.ForeignKey("action_owners.id", ondelete="CASCADE"))
    action_id: Mapped[str] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"))
    person_id: Mapped[str] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.String(40))
    digest_id: Mapped[str] = mapped_column(sa.String(36))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsedLink(Base):
    """A one-click link that was used (its token id): a link works once."""

    __tablename__ = "used_links"
    token_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    action_id: Mapped[str | None] = mapped_column(sa.String(36))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
