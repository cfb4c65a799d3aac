"""The people directory's queries: find a person by any of their names, and link owners to them."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.kit.problems import NotFound

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
