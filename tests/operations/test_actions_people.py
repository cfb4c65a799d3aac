"""The people directory's operations in process (SQLite): unique names, IANA timezones, addresses,
who may change whom, and owners linked (and unlinked) as names come and go."""
import pytest

from services.actions import store
from services.actions.descriptor import DESCRIPTOR
from services.actions.operations import actions, people
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound

from .conftest import transaction

ORGANISER = {"sub": "t1", "name": "ttx", "role": "organiser", "tracks": []}
CHAIR = {"sub": "t2", "name": "kolla chairs", "role": "chair", "tracks": [{"event": "denver", "track": "kolla"}]}
PUBLIC = {"sub": "anonymous", "role": "public", "tracks": []}


def integration(name):
    return {"sub": f"t-{name}", "name": name, "role": "integration", "tracks": []}


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def create(database, principal=ORGANISER, **fields):
    with transaction(database) as uow:
        person = people.create_person(uow, principal, {"name": None, "email": None, "timezone": "UTC",
                                                       "aliases": [], "reminders": True, **fields})
        return person.id


def update(database, name, changes, principal=ORGANISER):
    with transaction(database) as uow:
        person = people.update_person(uow, principal, name, changes)
        return {"nick": person.nick, "email": person.email, "aliases": [a.alias for a in person.aliases],
                "timezone": person.timezone, "version": person.version, "reminders": person.reminders}


def get(database, name, principal=ORGANISER):
    with database.unit_of_work() as uow:
        return people.get_person(uow, principal, name).nick


def owners(database, action_id):
    with database.unit_of_work() as uow:
        return [(o.name, o.person.nick if o.person else None) for o in store.get_action(uow.session, action_id).owners]


def test_a_person_is_found_by_nick_alias_or_address_case_insensitively(database):
    create(database, nick="MGoddard", email="Mark@Example.COM", aliases=["markg", "mark_"])
    assert [get(database, name) for name in ("mgoddard", "MARKG", "mark_", "mark@example.com")] == ["MGoddard"] * 4
    with pytest.raises(NotFound) as missing:
        get(database, "hrw")
    assert "nick" in missing.value.errors
    with database.unit_of_work() as uow:
        assert store.get_person(uow.session, "mgoddard").email == "mark@example.com"


@pytest.mark.parametrize("fields, field", [
    ({"nick": "mgoddard"}, "nick"),  # another's nick, in any case
    ({"nick": "MARKG"}, "nick"),  # another's alias
    ({"nick": "hrw", "aliases": ["mgoddard"]}, "aliases"),
    ({"nick": "hrw", "aliases": ["MarkG"]}, "aliases"),
    ({"nick": "hrw", "email": "MARK@example.com"}, "email"),
])
def test_names_and_addresses_are_one_persons_only(database, fields, field):
    create(database, nick="mgoddard", email="mark@example.com", aliases=["markg"])
    with pytest.raises(Conflict) as refused:
        create(database, **fields)
    assert list(refused.value.errors) == [field]


@pytest.mark.parametrize("fields, field", [
    ({"nick": "hrw", "timezone": "Mars/Olympus"}, "timezone"),
    ({"nick": "hrw", "timezone": "../../etc/passwd"}, "timezone"),
    ({"nick": "hrw", "timezone": "europe/london "}, "timezone"),
    ({"nick": "hrw", "aliases": ["HRW"]}, "aliases"),
    ({"nick": "hrw", "aliases": ["x", "X"]}, "aliases"),
])
def test_a_timezone_is_an_iana_name_and_an_alias_is_not_the_nick(database, fields, field):
    with pytest.raises(Invalid) as refused:
        create(database, **fields)
    assert list(refused.value.errors) == [field]


def test_a_new_person_or_a_new_name_links_the_owners_written_with_it(database):
    with transaction(database) as uow:
        first = actions.create_action(uow, ORGANISER, {"title": "spec", "owners": ["markg", "hrw@example.org"],
                                                       "event": None, "track": None, "status": "open"}).id
    assert owners(database, first) == [("markg", None), ("hrw@example.org", None)]
    create(database, nick="mgoddard", aliases=["markg"])
    assert owners(database, first) == [("markg", "mgoddard"), ("hrw@example.org", None)]
    create(database, nick="hrw")
    update(database, "hrw", {"email": "HRW@example.org"})
    assert owners(database, first) == [("markg", "mgoddard"), ("hrw@example.org", "hrw")]
    # A name the person no longer has no longer names them.
    update(database, "mgoddard", {"aliases": []})
    assert owners(database, first)[0] == ("markg", None)
    create(database, nick="markg")
    assert owners(database, first)[0] == ("markg", "markg")


def test_nick_changes_keep_names_unique_and_nothing_changed_writes_nothing(database):
    create(database, nick="mgoddard", aliases=["markg"])
    create(database, nick="hrw")
    with pytest.raises(Conflict) as refused:
        update(database, "hrw", {"nick": "MarkG"})
    assert "nick" in refused.value.errors
    with pytest.raises(Conflict):
        update(database, "mgoddard", {"nick": "markg"})  # its own alias: drop it from the aliases first
    assert update(database, "mgoddard", {"nick": "markg", "aliases": ["mgoddard"]})["aliases"] == ["mgoddard"]
    same = update(database, "markg", {"nick": "markg", "timezone": "UTC"})
    assert same["version"] == 2
    with pytest.raises(Invalid):
        update(database, "markg", {"timezone": "Nowhere/Else"})


def test_organisers_and_chairs_write_people_a_person_their_own_name_timezone_and_reminders(database):
    create(database, CHAIR, nick="mgoddard", email="mark@example.com")
    with pytest.raises(Forbidden):
        create(database, integration("mgoddard"), nick="hrw")
    with pytest.raises(Forbidden):
        update(database, "mgoddard", {"reminders": False}, integration("hrw"))
    with pytest.raises(Forbidden) as refused:
        update(database, "mgoddard", {"aliases": ["ttx"]}, integration("mgoddard"))
    assert list(refused.value.errors) == ["aliases"]
    mine = update(database, "mgoddard", {"reminders": False, "timezone": "Europe/London"},
                  integration("Mark@Example.com"))
    assert (mine["reminders"], mine["timezone"]) == (False, "Europe/London")
    assert update(database, "mgoddard", {"email": "m@example.com"}, CHAIR)["email"] == "m@example.com"
    with pytest.raises(Forbidden):
        get(database, "mgoddard", PUBLIC)
    with database.unit_of_work() as uow:
        with pytest.raises(Forbidden):
            people.list_people(uow, PUBLIC, {"limit": 10, "cursor": None})


def test_people_page_by_nick_and_q_matches_nick_name_address_or_alias(database):
    create(database, nick="mgoddard", name="Mark Goddard", aliases=["markg"])
    create(database, nick="hrw", name="Radosław Piliszek", email="radoslaw@example.org")
    create(database, nick="Bertys", name="Bertrand Lallau")

    def nicks(**query):
        with database.unit_of_work() as uow:
            items, cursor = people.list_people(uow, ORGANISER, {"limit": 50, "cursor": None, **query})
            return [person.nick for person in items]

    assert nicks() == ["Bertys", "hrw", "mgoddard"]
    assert nicks(q="GODD") == ["mgoddard"]
    assert nicks(q="markg") == ["mgoddard"]
    assert nicks(q="example.org") == ["hrw"]
    assert nicks(q="ra") == ["Bertys", "hrw"]
    assert nicks(q="100%") == []
    with database.unit_of_work() as uow:
        first, cursor = people.list_people(uow, ORGANISER, {"limit": 2, "cursor": None})
        rest, end = people.list_people(uow, ORGANISER, {"limit": 2, "cursor": cursor})
        assert [p.nick for p in first + rest] == ["Bertys", "hrw", "mgoddard"] and end is None


def test_a_name_taken_meanwhile_is_a_conflict_not_an_error(database):
    create(database, nick="mgoddard", email="mark@example.com")
    with database.unit_of_work() as uow:  # past the checks, as a request racing another would be
        with pytest.raises(Conflict) as refused:
            store.add_person(uow.session, {"nick": "MGoddard", "nick_key": "mgoddard"}, {}, None)
        assert "nick" in refused.value.errors
    with database.unit_of_work() as uow:
        with pytest.raises(Conflict) as refused:
            store.add_person(uow.session, {"nick": "x", "nick_key": "x", "email": "mark@example.com"}, {}, None)
        assert "email" in refused.value.errors


def next_reminders(database, action_id):
    with database.unit_of_work() as uow:
        return [owner.next_reminder_at for owner in store.get_action(uow.session, action_id).owners]


def test_switching_reminders_back_on_or_moving_timezone_plans_the_persons_reminders_again(database):
    create(database, nick="mgoddard", email="mark@example.com", reminders=False)
    with transaction(database) as uow:
        action_id = actions.create_action(uow, ORGANISER, {"title": "spec", "owners": ["mgoddard"], "event": None,
                                                           "track": None, "status": "open"}).id
    assert next_reminders(database, action_id) == [None]
    update(database, "mgoddard", {"reminders": True})
    [planned] = next_reminders(database, action_id)
    assert planned is not None
    update(database, "mgoddard", {"timezone": "Pacific/Auckland"})
    [moved] = next_reminders(database, action_id)
    assert moved is not None and moved != planned  # the window is Auckland's now
    update(database, "mgoddard", {"reminders": False})
    assert next_reminders(database, action_id) == [None]
