"""Reminders: event policies, an action's own policy, the sweep that queues digests, the preview.

The sweep (:func:`sweep`, run by the worker's timer, a batch per unit of work) takes the owners due
a reminder (``next_reminder_at <= now``, by index), locks their people (``SKIP LOCKED``: a person
another sweeper holds is left to it), plans each owner again at ``now`` with the planner
:mod:`.reminding` uses, and for each person with anything due records the reminders (unique per
owner and reason: nothing is recorded twice), queues ONE ``ptghub.actions.action.reminder.due``
digest listing all their due items with one-click links, and plans every owner's next reminder.
After downtime an owner's passed reasons collapse into the latest (the others are recorded with
the same digest and never come). :func:`preview` runs the same planning at any moment, writing
nothing.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from services.kit.auth import chaired_tracks, reads_everything, require_organiser, require_track_writer
from services.kit.cloudevents import event_type
from services.kit.db import UnitOfWork, new_id, utcnow
from services.kit.problems import Forbidden, Invalid

from .. import SERVICE, store
from ..domain import history, links, policy as policies, reminders
from ..store import reminders as reminder_store
from . import lifecycle, reminding

logger = logging.getLogger(__name__)

DIGEST_EVENT = event_type(SERVICE, "action", "reminder.due")
# The actor of the history entries the sweep records.
SWEEPER = "reminders"
# Owners of the due set looked at per unit of work (a person's other due rows come along).
BATCH = 500
EVENT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

@dataclass
class Due:
    """An owner row due a reminder at the moment planned."""

    owner: store.ActionOwner
    next: reminders.Next


@dataclass
class Digest:
    """One person's reminders of one sweep: ``rows`` every owner row due, ``items`` one per action."""

    person: store.Person
    rows: list[Due] = field(default_factory=list)

    @property
    def items(self) -> list[Due]:
        seen: dict[str, Due] = {}
        for due in self.rows:
            seen.setdefault(due.owner.action_id, due)
        return sorted(seen.values(), key=lambda due: (
            due.owner.action.due_date is None, due.owner.action.due_date, due.owner.action.title, due.owner.action_id))


@dataclass(frozen=True)
class SweepResult:
    looked_at: int  # rows of the due set taken
    planned: int  # owner rows planned again
    digests: list[dict[str, Any]]  # the digests queued


def _check_event(event: str) -> None:
    if not EVENT_SLUG.match(event):
        raise Invalid("event", "an event's slug: lowercase letters, digits, - and _ (at most 64)")


def collect(uow: UnitOfWork, owners: Iterable[store.ActionOwner], at: datetime) -> tuple[
        list[Digest], list[tuple[store.ActionOwner, reminders.Next | None]], dict[str, set[str]]]:
    """Plan each owner row at ``at``: the due ones grouped into one digest per person, the others with
    their next plan; and the reasons already recorded per owner row. Writes nothing."""
    owners = list(owners)
    event_policies = reminder_store.policies_for(uow.session, (owner.action.event for owner in owners))
    sent = reminder_store.sent_reasons(uow.session, (owner.id for owner in owners))
    digests: dict[str, Digest] = {}
    later: list[tuple[store.ActionOwner, reminders.Next | None]] = []
    for owner in owners:
        upcoming = reminding.plan(owner.action, owner, event_policies, sent[owner.id], at)
        if upcoming is not None and upcoming.at <= at:
            digests.setdefault(owner.person_id, Digest(owner.person)).rows.append(Due(owner, upcoming))
        else:
            later.append((owner, upcoming))
    return list(digests.values()), later, sent


def _reminder_rows(digest: Digest, digest_id: str, now: datetime) -> list[dict[str, Any]]:
    return [{"id": new_id(), "owner_id": due.owner.id, "action_id": due.owner.action_id, "person_id": digest.person.id,
             "reason": reason, "digest_id": digest_id, "sent_at": now}
            for due in digest.rows for reason in (*due.next.skipped, due.next.reason)]


def _record(uow: UnitOfWork, digests: list[Digest], now: datetime) -> list[tuple[Digest, str]]:
    """Record the digests' reminders; a digest one of whose reminders is recorded already (another
    sweeper got there, its locks notwithstanding) is left out whole. Returns those recorded."""
    prepared = [(digest, new_id()) for digest in digests]
    try:
        with uow.session.begin_nested():
            reminder_store.record(uow.session, [row for digest, digest_id in prepared
                                                for row in _reminder_rows(digest, digest_id, now)])
        return prepared
    except IntegrityError:
        kept = []
        for digest, digest_id in prepared:
            try:
                with uow.session.begin_nested():
                    reminder_store.record(uow.session, _reminder_rows(digest, digest_id, now))
                kept.append((digest, digest_id))
            except IntegrityError:
                logger.warning("reminders of person %s were recorded by another sweep; not sent again",
                               digest.person.id)
        return kept


def person_data(person: store.Person) -> dict[str, Any]:
    return {"id": person.id, "nick": person.nick, "name": person.name, "email": person.email,
            "timezone": person.timezone}


def item_data(due: Due, person: store.Person, at: datetime) -> dict[str, Any]:
    action = due.owner.action
    return {"action_id": action.id, "title": action.title, "due_date": action.due_date, "status": action.status,
            "event": action.event, "track": action.track, "reason": due.next.kind,
            "days": reminders.days_from_due(due.next.kind, action.due_date, at, reminders.zone(person.timezone))}


def digest_data(digest: Digest, digest_id: str, now: datetime) -> dict[str, Any]:
    """The ``reminder.due`` data (:class:`..schemas.reminders.ReminderDigestSchema`, built as JSON
    keeps it): the person, each item with its signed one-click links, the unsubscribe link."""
    person = digest.person
    items = []
    for due in digest.items:
        action_id = due.owner.action_id
        item = item_data(due, person, now)
        item["due_date"] = item["due_date"].isoformat() if item["due_date"] else None
        item["links"] = {op: links.link_url(links.sign(op, person.id, action_id, now))
                         for op in (links.DONE, links.SNOOZE, links.DROP)}
        items.append(item)
    return {"digest_id": digest_id, "at": now.isoformat(), "person": person_data(person), "items": items,
            "unsubscribe_url": links.unsubscribe_url(links.sign(links.UNSUBSCRIBE, person.id, None, now))}


def sweep(uow: UnitOfWork, now: datetime, limit: int = BATCH) -> SweepResult:
    """One batch of the sweep at ``now`` (the caller commits): up to ``limit`` due owner rows and
    every other due row of their people; one digest per person with anything due."""
    session = uow.session
    candidates = reminder_store.due_candidates(session, now, limit)
    if not candidates:
        return SweepResult(0, 0, [])
    reminder_store.clear_owners(session, [owner_id for owner_id, person_id in candidates if person_id is None])
    people = reminder_store.lock_people(session, (person_id for _owner, person_id in candidates if person_id))
    owners = reminder_store.due_owners_of(session, [person.id for person in people], now)
    digests, later, sent = collect(uow, owners, now)
    for owner, upcoming in later:
        owner.next_reminder_at = upcoming.at if upcoming else None
    recorded = _record(uow, digests, now)
    recorded_ids = {id(digest) for digest, _digest_id in recorded}
    queued, entries = [], []
    for digest, digest_id in recorded:
        data = digest_data(digest, digest_id, now)
        uow.publish(DIGEST_EVENT, data, subject=digest.person.id)
        queued.append(data)
        for due in digest.rows:
            sent[due.owner.id] |= {due.next.reason, *due.next.skipped}
            entries.append({"id": new_id(), "action_id": due.owner.action_id, "at": now, "actor": SWEEPER,
                            "kind": history.REMINDED, "changes": {
                                "owner": due.owner.name, "reason": due.next.kind,
                                "reasons": [*due.next.skipped, due.next.reason], "digest_id": digest_id}})
    if entries:
        session.execute(sa.insert(store.HistoryEntry), entries)
    event_policies = reminder_store.policies_for(session, (owner.action.event for owner in owners))
    stale = [due.owner for digest in digests if id(digest) not in recorded_ids for due in digest.rows]
    if stale:
        sent.update(reminder_store.sent_reasons(session, (owner.id for owner in stale)))
    for digest in digests:
        for due in digest.rows:
            upcoming = reminding.plan(due.owner.action, due.owner, event_policies, sent[due.owner.id], now)
            due.owner.next_reminder_at = upcoming.at if upcoming else None
    session.flush()
    return SweepResult(len(candidates), len(owners), queued)


def preview(uow: UnitOfWork, principal: dict, event: str, at: datetime) -> dict[str, Any]:
    """Who would get a digest at ``at``, and with which of the event's items (a chair: of its own
    tracks); the sweep's planning, nothing written, nothing sent."""
    _check_event(event)
    tracks = None
    if not reads_everything(principal, event):
        tracks = chaired_tracks(principal, event)
        if not tracks:
            raise Forbidden(f"only an organiser or a chair at {event} previews its reminders",
                            errors={"event": [f"not one of your events: {event}"]})
    owners = reminder_store.event_owners_due(uow.session, event, at, tracks)
    digests, _later, _sent = collect(uow, owners, at)
    return {"event": event, "at": at, "digests": [
        {"person": person_data(digest.person), "items": [item_data(due, digest.person, at) for due in digest.items]}
        for digest in sorted(digests, key=lambda digest: digest.person.nick_key)]}


def _event_view(event: str, row: store.ReminderPolicy | None) -> dict[str, Any]:
    fields_set = row.policy if row is not None else {}
    return {"event": event, "policy": policies.for_planning(fields_set, None).as_dict(), "fields_set": fields_set,
            "updated_at": row.updated_at if row is not None else None}


def get_event_policy(uow: UnitOfWork, principal: dict, event: str) -> dict[str, Any]:
    """An event's policy in effect (the defaults when it sets none): for its organisers and chairs."""
    _check_event(event)
    if not reads_everything(principal, event) and not chaired_tracks(principal, event):
        raise Forbidden(f"only an organiser or a chair at {event} reads its reminder policy",
                        errors={"event": [f"not one of your events: {event}"]})
    return _event_view(event, reminder_store.get_policy(uow.session, event))


def put_event_policy(uow: UnitOfWork, principal: dict, event: str, fields: dict[str, Any],
                     now: datetime | None = None) -> dict[str, Any]:
    """Set the fields an event's policy sets over the defaults (422 naming a bad field); every open
    action of the event is planned again by the next sweep."""
    _check_event(event)
    require_organiser(principal, f"the reminder policy of {event}", event)
    clean = policies.validate(fields)
    now = now or utcnow()
    row = reminder_store.put_policy(uow.session, event, clean, now)
    reminder_store.wake_event_owners(uow.session, event, now)
    return _event_view(event, row)


def _action_view(uow: UnitOfWork, action: store.Action) -> dict[str, Any]:
    row = reminder_store.get_policy(uow.session, action.event) if action.event else None
    return {"action_id": action.id, "event": action.event, "policy": action.policy,
            "effective": policies.for_planning(row.policy if row else None, action.policy).as_dict()}


def get_action_policy(uow: UnitOfWork, action_id: str) -> dict[str, Any]:
    return _action_view(uow, store.get_action(uow.session, action_id))


def put_action_policy(uow: UnitOfWork, principal: dict, action_id: str, fields: dict[str, Any],
                      now: datetime | None = None) -> dict[str, Any]:
    """Set an action's own policy fields over its event's (``{}``: none, the event's policy): the
    action's writers only (403); a bad field, or a window that makes no sense over the event's
    policy, is a 422 naming it. A change of the action like any other (history, event, replanned)."""
    action = store.get_action(uow.session, action_id, lock=True)
    require_track_writer(principal, action.event, action.track)
    clean = policies.validate(fields)
    row = reminder_store.get_policy(uow.session, action.event) if action.event else None
    policies.effective(row.policy if row else None, clean)
    lifecycle.change(uow, action, {"policy": clean or None}, principal["name"], now or utcnow())
    return _action_view(uow, action)
