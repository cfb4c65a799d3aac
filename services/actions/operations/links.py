"""One-click links from reminder mail: what a link would do (:func:`show`, for the confirmation page
a GET shows; mail scanners open links, so it changes nothing) and doing it (:func:`use`, on POST).

A link acts once (its token id goes into ``used_links``), on the one item its token names, for the
person it names, who must still own it: done, snoozed for a week (until the owner's today + 7 days),
or dropped, through :func:`.lifecycle.change` as the actor :data:`.lifecycle.LINK`. An item already
done or dropped is said so and left alone (the link stays unused). An unsubscribe link turns the
person's reminders off, plans their open actions' reminders again (none, now) and publishes
``ptghub.actions.person.unsubscribed`` (notify suppresses the address).

A forged or altered token, or one for another page: 400; an expired one or one used already: 410;
an item that is gone or a person that is: 404; an item the person no longer owns: 403.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.kit.db import UnitOfWork, utcnow
from services.kit.problems import Forbidden, NotFound

from .. import store
from ..domain import links, status
from ..schemas.links import UNSUBSCRIBED_EVENT, UnsubscribedSchema
from ..store import links as link_store
from . import lifecycle, reminding

# What a link did, or would do (:attr:`LinkOutcome.outcome`).
READY = "ready"            # show: the POST would do it
ALREADY = "already"        # the item is done or dropped already: nothing done
DONE, SNOOZED, DROPPED, UNSUBSCRIBED = "done", "snoozed", "dropped", "unsubscribed"
RESULTS = {links.DONE: DONE, links.SNOOZE: SNOOZED, links.DROP: DROPPED, links.UNSUBSCRIBE: UNSUBSCRIBED}


@dataclass(frozen=True)
class LinkOutcome:
    """A link, the item and person it names, and what it did (or would do)."""

    claims: links.Claims
    person: store.Person
    action: store.Action | None
    outcome: str
    snoozed_until: date | None = None

    @property
    def op(self) -> str:
        return self.claims.op

    @property
    def changed(self) -> bool:
        return self.outcome in (DONE, SNOOZED, DROPPED, UNSUBSCRIBED)


def show(uow: UnitOfWork, token: str, ops: tuple[str, ...] = links.ITEM_OPS,
         now: datetime | None = None) -> LinkOutcome:
    """What ``token`` would do, changing nothing (the confirmation page)."""
    now = now or utcnow()
    claims = links.verify(token, now, ops=ops)
    if claims.op == links.UNSUBSCRIBE:
        person = _person(uow, claims, lock=False)
        if not person.reminders:
            return LinkOutcome(claims, person, None, ALREADY)
        _refuse_used(uow, claims)
        return LinkOutcome(claims, person, None, READY)
    _refuse_used(uow, claims)
    person = _person(uow, claims, lock=False)
    action = _action(uow, claims, lock=False)
    _require_owner(action, person)
    if not action.state.active:
        return LinkOutcome(claims, person, action, ALREADY)
    return LinkOutcome(claims, person, action, READY,
                       snoozed_until=_snooze_until(person, now) if claims.op == links.SNOOZE else None)


def use(uow: UnitOfWork, token: str, ops: tuple[str, ...] = links.ITEM_OPS,
        now: datetime | None = None) -> LinkOutcome:
    """Do what ``token`` says, once."""
    now = now or utcnow()
    claims = links.verify(token, now, ops=ops)
    if claims.op == links.UNSUBSCRIBE:
        return _unsubscribe(uow, claims, now)
    action = _action(uow, claims, lock=True)  # two clicks at once: the second waits here, then finds it used
    _refuse_used(uow, claims)
    person = _person(uow, claims, lock=False)
    _require_owner(action, person)
    if not action.state.active:
        return LinkOutcome(claims, person, action, ALREADY)
    snoozed_until = None
    if claims.op == links.DONE:
        changes = {"status": status.DONE}
    elif claims.op == links.DROP:
        changes = {"status": status.DROPPED}
    else:
        snoozed_until = _snooze_until(person, now)
        changes = {"snoozed_until": snoozed_until}
    _use(uow, claims, now)
    lifecycle.change(uow, action, changes, lifecycle.LINK, now)
    return LinkOutcome(claims, person, action, RESULTS[claims.op], snoozed_until=snoozed_until)


def _unsubscribe(uow: UnitOfWork, claims: links.Claims, now: datetime) -> LinkOutcome:
    person = _person(uow, claims, lock=True)
    if link_store.link_used(uow.session, claims.token_id) is not None:
        if not person.reminders:  # RFC 8058 clients may POST twice: still unsubscribed, say so
            return LinkOutcome(claims, person, None, ALREADY)
        _refuse_used(uow, claims)
    if not person.reminders:
        return LinkOutcome(claims, person, None, ALREADY)
    _use(uow, claims, now)
    person.reminders = False
    person.version = (person.version or 0) + 1
    person.updated_at = now
    uow.session.flush()
    for action in link_store.active_actions_of(uow.session, person.id):
        reminding.reschedule(uow, action, now)
    uow.publish(UNSUBSCRIBED_EVENT, UnsubscribedSchema().dump(person), subject=person.id)  # notify suppresses the address
    return LinkOutcome(claims, person, None, UNSUBSCRIBED)


def _require_owner(action: store.Action, person: store.Person) -> None:
    if not link_store.owns(action, person.id):
        raise Forbidden("this link's item is no longer yours: it was given to someone else",
                        errors={links.FIELD: ["not an owner of this item"]})


def _use(uow: UnitOfWork, claims: links.Claims, now: datetime) -> None:
    if not link_store.use_link(uow.session, claims.token_id, claims.action_id, now):
        raise _used()


def _refuse_used(uow: UnitOfWork, claims: links.Claims) -> None:
    if link_store.link_used(uow.session, claims.token_id) is not None:
        raise _used()


def _used() -> links.Gone:
    return links.Gone("this link was used already: a link works once", errors={links.FIELD: ["used"]})


def _person(uow: UnitOfWork, claims: links.Claims, lock: bool) -> store.Person:
    person = link_store.get_person_by_id(uow.session, claims.person_id, lock=lock)
    if person is None:
        raise NotFound("the person this link was made for is no longer in the directory",
                       errors={links.FIELD: ["unknown person"]})
    return person


def _action(uow: UnitOfWork, claims: links.Claims, lock: bool) -> store.Action:
    try:
        return store.get_action(uow.session, claims.action_id, lock=lock)
    except NotFound:
        raise NotFound("this link's action item no longer exists", errors={links.FIELD: ["unknown action"]}) from None


def _snooze_until(person: store.Person, now: datetime) -> date:
    """The owner's today (in their timezone) + 7 days."""
    try:
        zone = ZoneInfo(person.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date() + timedelta(days=links.SNOOZE_DAYS)
