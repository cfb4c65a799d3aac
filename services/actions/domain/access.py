"""Who may change an action item or a person, from the principal the gateway vouches for.

- An organiser changes every action; a chair the actions of the (event, track) pairs it chairs
  (an action with no track, or no event, is an organiser's alone).
- An owner may settle their own items without chair rights: a principal whose name is one of the
  names of an owner (the name the owner was written with, or the nick, an alias or the address of
  the person it is) may change the action's ``status`` (done, in progress, dropped, or reopen) and
  ``snoozed_until``, as the reminder mail's links do; nothing else (not the title, the owners, the track).
- People: organisers and chairs record and change anyone; a person may change their own ``name``,
  ``timezone`` and ``reminders`` (their names and address stay with organisers and chairs: a name
  decides whose items are whose).
"""
from __future__ import annotations

from collections.abc import Iterable

from services.kit.auth import CHAIR, ORGANISER, PUBLIC, may_write_track
from services.kit.problems import Forbidden

from .owners import key

# What an owner may change of their own action item.
OWNER_FIELDS = frozenset({"status", "snoozed_until"})
# What a person may change of their own entry.
SELF_FIELDS = frozenset({"name", "timezone", "reminders"})
# Who records and changes people.
PEOPLE_WRITERS = (ORGANISER, CHAIR)


def principal_key(principal: dict) -> str | None:
    """The key the principal's name is matched by (None for the public: nobody's name)."""
    name = principal.get("name")
    if principal.get("role") in (None, PUBLIC) or not isinstance(name, str) or not name.strip():
        return None
    return key(name)


def is_one_of(principal: dict, names: Iterable[str]) -> bool:
    """The principal's name is one of ``names`` (keys, in lower case)."""
    mine = principal_key(principal)
    return mine is not None and mine in set(names)


def check_action_change(principal: dict, event: str | None, track: str | None, owner_keys: Iterable[str],
                        fields: Iterable[str]) -> bool:
    """May ``principal`` change ``fields`` of an action of (event, track) owned by ``owner_keys``?

    Returns True for a writer of the track, False for an owner acting on their own item (the caller
    checks no more); raises 403 naming the field otherwise."""
    if may_write_track(principal, event, track):
        return True
    fields = set(fields)
    if is_one_of(principal, owner_keys):
        beyond = sorted(fields - OWNER_FIELDS)
        if not beyond:
            return False
        raise Forbidden(f"an owner may change only the status and snooze of their own action, not {', '.join(beyond)}",
                        errors={name: ["only the track's chairs or an organiser change this"] for name in beyond})
    if track is None:
        raise Forbidden("only an organiser changes an action with no track (or an owner its status)",
                        errors={"track": ["an action with no track is an organiser's"]})
    raise Forbidden(f"not allowed to change actions of track {track} of event {event} (nor one of its owners)",
                    errors={"track": [f"not one of your tracks at {event}"]})


def check_person_change(principal: dict, person_keys: Iterable[str], fields: Iterable[str]) -> None:
    """Organisers and chairs change anyone; a person their own name, timezone and reminders (403)."""
    if principal.get("role") in PEOPLE_WRITERS:
        return
    fields = set(fields)
    if is_one_of(principal, person_keys):
        beyond = sorted(fields - SELF_FIELDS)
        if beyond:
            raise Forbidden(f"you may change your own name, timezone and reminders, not {', '.join(beyond)}",
                            errors={name: ["only an organiser or a chair changes this"] for name in beyond})
        return
    raise Forbidden("only an organiser, a chair or the person themselves changes a person",
                    errors={"nick": ["not you"]})


def check_person_writer(principal: dict) -> None:
    """Organisers and chairs record people (403)."""
    if principal.get("role") not in PEOPLE_WRITERS:
        raise Forbidden("only an organiser or a chair records a person", errors={"role": ["organiser or chair"]})


def check_reader(principal: dict) -> None:
    """The directory (addresses) is for callers with a token (403 for the public)."""
    if principal.get("role") in (None, PUBLIC):
        raise Forbidden("the people directory needs a token", errors={"role": ["any token"]})
