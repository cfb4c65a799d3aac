"""The people directory over the API: record, read, list and change the people who own action items.

A person is found by their nick or an alias (case-insensitive). Nicks and aliases share one key
space (no key names two people: 409 naming ``nick`` or ``aliases``); addresses are unique (409
naming ``email``). A name a person gains (the nick, an alias, the address) links the owners already
written with it, and their reminders are planned again; a name they lose unlinks them. Who may do
what is :mod:`..domain.access`'s: organisers and chairs record and change people, anyone with a
token reads, a person changes their own name, timezone and reminders.
"""
from __future__ import annotations

from typing import Any

from services.kit.db import UnitOfWork, utcnow
from services.kit.problems import Conflict

from .. import store
from ..domain import access, people as rules
from ..domain.owners import key
from . import reminding

# A change of these plans the person's reminders again (switched on or off, another timezone or address).
REMINDING_FIELDS = {"reminders", "timezone", "email"}


def create_person(uow: UnitOfWork, principal: dict, fields: dict[str, Any]) -> store.Person:
    """Record a person; the owners already written with one of their names become theirs."""
    access.check_person_writer(principal)
    fields = dict(fields)
    aliases = rules.alias_keys(fields["nick"], fields.pop("aliases", []))
    fields["nick_key"] = key(fields["nick"])
    fields["timezone"] = rules.check_timezone(fields.get("timezone") or "UTC")
    fields["email"] = fields["email"].lower() if fields.get("email") else None
    _check_free(uow, None, fields["nick_key"], aliases, fields["email"])
    now = utcnow()
    person = store.add_person(uow.session, fields, aliases, now)
    _relink(uow, person, [], now)
    return person


def get_person(uow: UnitOfWork, principal: dict, name: str) -> store.Person:
    """The person a nick, an alias or an address names (404 naming ``nick``)."""
    access.check_reader(principal)
    return store.get_person(uow.session, key(name))


def list_people(uow: UnitOfWork, principal: dict, query: dict[str, Any]):
    """A page of people by nick, and the next page's cursor."""
    access.check_reader(principal)
    return store.people_page(uow.session, query["limit"], query["cursor"], q=query.get("q"))


def update_person(uow: UnitOfWork, principal: dict, name: str, changes: dict[str, Any]) -> store.Person:
    """Apply ``changes`` (send only those); nothing is written when they change nothing.

    ``aliases`` replaces the list. A name the person loses no longer names their items' owners.
    """
    person = store.get_person(uow.session, key(name), lock=True)
    access.check_person_change(principal, store.person_keys(person), changes)
    changes = dict(changes)
    new_aliases = changes.pop("aliases", None)
    if "nick" in changes:
        changes["nick_key"] = key(changes["nick"])
    if "timezone" in changes:
        changes["timezone"] = rules.check_timezone(changes["timezone"] or "")
    if "email" in changes and changes["email"]:
        changes["email"] = changes["email"].lower()
    nick = changes.get("nick", person.nick)
    aliases = rules.alias_keys(nick, new_aliases) if new_aliases is not None else None
    changes = {field: value for field, value in changes.items() if getattr(person, field) != value}
    if aliases is not None and list(aliases.items()) == [(a.key, a.alias) for a in person.aliases]:
        aliases = None
    if aliases is None and "nick_key" in changes and changes["nick_key"] in {a.key for a in person.aliases}:
        raise Conflict(f"{nick!r} is an alias of this person: drop it from the aliases to make it the nick",
                       errors={"nick": ["an alias of this person"]})
    if not changes and aliases is None:
        return person
    _check_free(uow, person, changes.get("nick_key"), aliases or {}, changes.get("email"))
    before = set(store.person_keys(person))
    now = utcnow()
    store.change_person(uow.session, person, changes, now, aliases=aliases)
    _relink(uow, person, sorted(before - set(store.person_keys(person))), now)
    if REMINDING_FIELDS & changes.keys():
        reminding.reschedule_person(uow, person, now)
    return person


def _check_free(uow: UnitOfWork, person: store.Person | None, nick_key: str | None, aliases: dict[str, str],
                email: str | None) -> None:
    """No other person holds the nick, an alias (as a nick or an alias) or the address (409 naming the field)."""
    def other(holder: store.Person | None) -> bool:
        return holder is not None and (person is None or holder.id != person.id)

    if nick_key is not None and other(store.name_holder(uow.session, nick_key)):
        raise Conflict(f"the nick {nick_key!r} is another person's nick or alias", errors={"nick": ["taken"]})
    for alias_key, alias in aliases.items():
        if other(store.name_holder(uow.session, alias_key)):
            raise Conflict(f"the alias {alias!r} is another person's nick or alias",
                           errors={"aliases": [f"{alias} is taken"]})
    if email and other(store.email_holder(uow.session, email)):
        raise Conflict(f"the address {email!r} is another person's", errors={"email": ["taken"]})


def _relink(uow: UnitOfWork, person: store.Person, lost: list[str], now) -> None:
    """Owners written with a name the person has now become theirs, those with one they lost nobody's;
    each action touched has its reminders planned again."""
    owners = store.unlink_owners(uow.session, person, lost) + store.link_owners(uow.session, person)
    actions = {owner.action_id: owner.action for owner in owners}
    for action in actions.values():
        reminding.reschedule(uow, action, now)
