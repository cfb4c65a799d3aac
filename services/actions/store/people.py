"""The people directory's queries: record and change people, find one by any of their names, page
through them, and link owners to them (or unlink them when a name goes)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.kit.problems import Conflict, NotFound, Problem
from services.kit.schemas import paginate

from .models import ActionOwner, Person, PersonAlias


def find_person(session: Session, key: str) -> Person | None:
    """The person a key (a nick, an alias or an address, in lower case) names, if any."""
    if "@" in key:
        return session.scalars(sa.select(Person).where(Person.email == key)).first()
    person = session.scalars(sa.select(Person).where(Person.nick_key == key)).first()
    if person is None:
        alias = session.get(PersonAlias, key)
        person = alias.person if alias is not None else None
    return person


def get_person(session: Session, key: str, lock: bool = False) -> Person:
    """The person a nick or alias (in lower case) names: 404 naming ``nick`` when none does."""
    person = find_person(session, key)
    if person is None:
        raise NotFound(f"no person {key!r}", errors={"nick": ["unknown person"]})
    if lock:
        session.refresh(person, with_for_update=True)
    return person


def resolve(session: Session, keys: list[str]) -> dict[str, Person | None]:
    """Each key's person (None for a key no person has), in two queries whatever the number."""
    found: dict[str, Person | None] = {key: None for key in keys}
    nicks = [key for key in keys if "@" not in key]
    emails = [key for key in keys if "@" in key]
    if nicks:
        for person in session.scalars(sa.select(Person).where(Person.nick_key.in_(nicks))):
            found[person.nick_key] = person
        for alias in session.scalars(sa.select(PersonAlias).where(PersonAlias.key.in_(nicks))):
            found[alias.key] = found[alias.key] or alias.person
    if emails:
        for person in session.scalars(sa.select(Person).where(Person.email.in_(emails))):
            found[person.email] = person
    return found


def person_keys(person: Person) -> list[str]:
    """Every key that names ``person``: the nick, the aliases, the address."""
    return [person.nick_key, *(alias.key for alias in person.aliases), *([person.email] if person.email else [])]


def link_owners(session: Session, person: Person) -> list[ActionOwner]:
    """Owners written with one of ``person``'s names and no person yet now are that person's; returns them."""
    owners = list(session.scalars(sa.select(ActionOwner).where(
        ActionOwner.key.in_(person_keys(person)), ActionOwner.person_id.is_(None))))
    for owner in owners:
        owner.person_id = person.id
        owner.person = person
    session.flush()
    return owners


def name_holder(session: Session, key: str) -> Person | None:
    """The person whose nick or alias is ``key`` (lower case), if any: nicks and aliases share one key space."""
    person = session.scalars(sa.select(Person).where(Person.nick_key == key)).first()
    if person is None:
        alias = session.get(PersonAlias, key)
        person = alias.person if alias is not None else None
    return person


def email_holder(session: Session, email: str) -> Person | None:
    return session.scalars(sa.select(Person).where(Person.email == email)).first()


def add_person(session: Session, fields: dict, aliases: dict[str, str], now) -> Person:
    """Record a person (``fields`` checked already) with ``aliases`` (``{key: alias}``)."""
    person = Person(**fields, created_at=now, updated_at=now)
    person.aliases = [PersonAlias(key=alias_key, alias=alias, position=position)
                      for position, (alias_key, alias) in enumerate(aliases.items())]
    session.add(person)
    _flush_unique(session)
    return person


def change_person(session: Session, person: Person, changes: dict, now, aliases: dict[str, str] | None = None) -> None:
    """Set ``changes`` (and the aliases, when given; an alias kept keeps its row); the version grows."""
    for name, value in changes.items():
        setattr(person, name, value)
    if aliases is not None:
        kept = {alias.key: alias for alias in person.aliases}
        rows = []
        for position, (alias_key, alias) in enumerate(aliases.items()):
            row = kept.pop(alias_key, None) or PersonAlias(key=alias_key)
            row.alias, row.position = alias, position
            rows.append(row)
        person.aliases = rows
        _flush_unique(session)  # the aliases dropped go before any other person may take their keys
    person.updated_at = now
    person.version = (person.version or 0) + 1
    _flush_unique(session)


def _flush_unique(session: Session) -> None:
    """Flush; a unique name or address another request took meanwhile is a 409 naming it, not a 500."""
    try:
        session.flush()
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        field = "email" if "email" in text else "aliases" if "alias" in text else "nick"
        raise Conflict(f"the {field} was taken by another person meanwhile", errors={field: ["taken"]}) from None


def unlink_owners(session: Session, person: Person, keys: list[str]) -> list[ActionOwner]:
    """Owners written with one of ``keys`` (names ``person`` no longer has) are nobody's again; returns them."""
    if not keys:
        return []
    owners = list(session.scalars(sa.select(ActionOwner).where(
        ActionOwner.key.in_(keys), ActionOwner.person_id == person.id)))
    for owner in owners:
        owner.person_id, owner.person = None, None
    session.flush()
    return owners


def people_page(session: Session, limit: int, cursor: str | None, q: str | None = None):
    """A page of people by nick (case-insensitively), and the next page's cursor. ``q`` keeps those
    with it in their nick, name, address or an alias (case-insensitive)."""
    statement = sa.select(Person)
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(sa.or_(
            Person.nick_key.like(pattern, escape="\\"), sa.func.lower(Person.name).like(pattern, escape="\\"),
            Person.email.like(pattern, escape="\\"),
            Person.id.in_(sa.select(PersonAlias.person_id).where(PersonAlias.key.like(pattern, escape="\\")))))
    return paginate(session, statement, [Person.nick_key], lambda person: [person.nick_key], limit, cursor,
                    parse=_parse_nick_cursor)


def _parse_nick_cursor(values: list) -> list:
    if not isinstance(values[0], str):
        raise Problem("cursor: not a cursor this API gave out", errors={"cursor": ["Invalid cursor."]})
    return values
