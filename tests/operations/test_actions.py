"""Action items' operations in process (SQLite): permissions (a track's writer; an owner its
status), If-Match, the list filters, bulk changes all or nothing, and the history."""
from datetime import date, timedelta

import pytest

from services.actions import store
from services.actions.descriptor import DESCRIPTOR
from services.actions.operations import actions, people, tracks
from services.kit.copies import TrackChange
from services.kit.db import utcnow
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, Problem

from .conftest import outbox_types, transaction

ORGANISER = {"sub": "t1", "name": "ttx", "role": "organiser", "tracks": []}
KOLLA = {"sub": "t2", "name": "kolla chairs", "role": "chair", "tracks": [{"event": "denver", "track": "kolla"}]}
NOVA = {"sub": "t3", "name": "nova chairs", "role": "chair", "tracks": [{"event": "denver", "track": "nova"}]}
PUBLIC = {"sub": "anonymous", "role": "public", "tracks": []}


def integration(name):
    return {"sub": f"t-{name}", "name": name, "role": "integration", "tracks": []}


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    with transaction(database) as uow:
        for slug in ("kolla", "nova"):
            tracks.follow_track(uow, TrackChange("created", f"id-{slug}", "denver", slug, slug.title()))
    return database


def fields(**overrides):
    return {"title": "write the spec", "description": "", "owners": ["mgoddard"], "event": "denver",
            "track": "kolla", "session_id": None, "due_date": None, "status": "open", "snoozed_until": None,
            **overrides}


def create(database, principal=ORGANISER, **overrides):
    with transaction(database) as uow:
        return actions.create_action(uow, principal, fields(**overrides)).id


def update(database, action_id, changes, principal=ORGANISER, if_match=None):
    with transaction(database) as uow:
        action = actions.update_action(uow, principal, action_id, changes, if_match)
        return {"status": action.status, "version": action.version, "owners": [o.name for o in action.owners],
                "title": action.title, "snoozed_until": action.snoozed_until}


def listed(database, **query):
    with database.unit_of_work() as uow:
        items, cursor = actions.list_actions(uow, {"limit": 50, "cursor": None, **query})
        return [item.title for item in items]


def history(database, action_id):
    with database.unit_of_work() as uow:
        entries, _cursor = actions.action_history(uow, action_id, {"limit": 50, "cursor": None})
        return [(entry.actor, entry.kind, entry.changes) for entry in entries]


# -- who may change what ---------------------------------------------------------------------------

def test_a_chair_writes_only_its_own_tracks_and_an_action_with_no_track_is_an_organisers(database):
    mine = create(database, KOLLA)
    with pytest.raises(Forbidden):
        create(database, KOLLA, track="nova")
    with pytest.raises(Forbidden):
        create(database, KOLLA, track=None, event=None)
    loose = create(database, track=None)
    with pytest.raises(Forbidden):
        update(database, mine, {"title": "mine now"}, NOVA)
    with pytest.raises(Forbidden):
        update(database, mine, {"track": "nova"}, KOLLA)
    with pytest.raises(Forbidden):
        update(database, loose, {"title": "x"}, KOLLA)
    assert update(database, mine, {"title": "the kolla spec"}, KOLLA)["title"] == "the kolla spec"
    assert update(database, loose, {"track": "nova"}, ORGANISER)["version"] == 2


def test_an_owner_marks_their_own_item_done_but_changes_nothing_else(database):
    action = create(database, owners=["mgoddard", "hrw"])
    mark = integration("MGoddard")
    stranger = integration("gibi")
    with pytest.raises(Forbidden) as refused:
        update(database, action, {"status": "done"}, stranger)
    assert "track" in refused.value.errors
    with pytest.raises(Forbidden) as refused:
        update(database, action, {"title": "something easier", "status": "done"}, mark)
    assert list(refused.value.errors) == ["title"]
    with pytest.raises(Forbidden):
        update(database, action, {"owners": ["hrw"]}, mark)
    with pytest.raises(Forbidden):
        update(database, action, {"status": "done"}, {**PUBLIC, "name": "mgoddard"})
    assert update(database, action, {"status": "in_progress"}, mark)["status"] == "in_progress"
    assert update(database, action, {"status": "done"}, mark)["status"] == "done"
    assert update(database, action, {"status": "open"}, integration("hrw"))["status"] == "open"  # reopen
    # A chair of another track who owns the item is its owner too.
    assert update(database, action, {"status": "done"}, {**NOVA, "name": "hrw"})["status"] == "done"
    assert [actor for actor, _kind, _changes in history(database, action)] == [
        "ttx", "MGoddard", "MGoddard", "hrw", "hrw"]


def test_an_owner_is_known_by_every_name_of_the_person(database):
    with transaction(database) as uow:
        people.create_person(uow, ORGANISER, {"nick": "mgoddard", "email": "Mark@Example.com",
                                              "aliases": ["markg"], "timezone": "Europe/London"})
    action = create(database, owners=["mark@example.com"])
    for name in ("markg", "MGODDARD"):
        assert update(database, action, {"status": "in_progress"}, integration(name))["status"] == "in_progress"
        update(database, action, {"status": "open"}, ORGANISER)
    assert update(database, action, {"snoozed_until": date(2030, 1, 1)}, integration("mark@example.com"))[
        "snoozed_until"] == date(2030, 1, 1)


def test_if_match_names_the_version_a_change_was_made_on(database):
    action = create(database)
    assert update(database, action, {"title": "v2"}, if_match='"1"')["version"] == 2
    rows = len(outbox_types(database))
    for stale in ('"1"', 'W/"2"', '"7", "8"'):
        with pytest.raises(PreconditionFailed) as refused:
            update(database, action, {"title": "lost"}, if_match=stale)
        assert "If-Match" in refused.value.errors
    assert len(outbox_types(database)) == rows
    assert update(database, action, {"title": "v3"}, if_match='"1", "2"')["version"] == 3
    assert update(database, action, {"title": "v4"}, if_match="*")["title"] == "v4"


def test_a_status_that_makes_no_sense_is_refused_and_changes_nothing(database):
    action = create(database)
    update(database, action, {"status": "done"})
    with pytest.raises(Conflict) as refused:
        update(database, action, {"status": "in_progress"})
    assert "status" in refused.value.errors
    with pytest.raises(Invalid):
        update(database, action, {"snoozed_until": date(2030, 1, 1)})
    assert [kind for _actor, kind, _changes in history(database, action)] == ["created", "changed"]


# -- lists -----------------------------------------------------------------------------------------

def test_lists_filter_by_owner_status_scope_overdue_due_date_and_missing_owner(database):
    today = utcnow().date()
    with transaction(database) as uow:
        people.create_person(uow, ORGANISER, {"nick": "sean-k-mooney", "email": "sean@example.com",
                                              "aliases": ["sean"]})
    create(database, title="a", due_date=today - timedelta(days=2))
    create(database, title="b", owners=["Sean@Example.com"], due_date=today + timedelta(days=3))
    create(database, title="c", track="nova", owners=[], due_date=today - timedelta(days=1))
    create(database, title="d", track=None, owners=["sean"], status="done", due_date=today - timedelta(days=9))
    create(database, title="e", owners=["ghost"], status="in_progress")

    assert listed(database) == ["a", "b", "c", "d", "e"]
    assert listed(database, owner="sean-k-mooney") == ["b", "d"]  # by address, by alias
    assert listed(database, owner="sean@example.com") == ["b", "d"]
    assert listed(database, owner="sean") == ["b", "d"]
    assert listed(database, owner="ghost") == ["e"]  # an owner no person has yet
    assert listed(database, owner="nobody") == []
    assert listed(database, status=["open"]) == ["a", "b", "c"]
    assert listed(database, status=["done", "in_progress"]) == ["d", "e"]
    assert listed(database, event="denver", track="kolla") == ["a", "b", "e"]
    assert listed(database, overdue=True) == ["a", "c"]  # d is done, so not overdue
    assert listed(database, overdue=False) == ["b", "d", "e"]
    assert listed(database, due_before=today) == ["a", "c", "d"]
    assert listed(database, due_before=today, status=["open"], track="kolla") == ["a"]
    assert listed(database, needs_owner=True) == ["c"]
    assert listed(database, needs_owner=False) == ["a", "b", "d", "e"]


def test_the_filter_is_one_select_the_export_can_use(database):
    create(database, title="a")
    with database.unit_of_work() as uow:
        statement = store.filtered({"owner": "mgoddard", "status": ["open"]})
        assert [action.title for action in uow.session.scalars(statement)] == ["a"]


# -- bulk ------------------------------------------------------------------------------------------

def bulk(database, ids, principal=ORGANISER, **change):
    owners = change.pop("owners", None)
    with transaction(database) as uow:
        return [(a.status, [o.name for o in a.owners]) for a in actions.bulk_change(
            uow, principal, actions.BulkChange(ids=ids, changes=change, owners=owners))]


def test_a_bulk_change_changes_all_or_nothing_and_names_the_failing_id(database):
    a, b = create(database, title="a"), create(database, title="b")
    nova = create(database, title="n", track="nova")
    done = create(database, title="d", status="done")
    rows = len(outbox_types(database))

    for ids, principal, change, status, failing in [
        ([a, b, nova], KOLLA, {"status": "done"}, 403, nova),
        ([a, "no-such-id", b], ORGANISER, {"status": "done"}, 404, "no-such-id"),
        ([a, done], ORGANISER, {"status": "in_progress"}, 409, done),
        ([a, b], ORGANISER, {"owners": ["not a nick!"]}, 422, a),
    ]:
        with pytest.raises(Problem) as refused:
            bulk(database, ids, principal, **change)
        assert refused.value.status == status
        assert refused.value.extra["id"] == failing and failing in refused.value.errors["ids"]
        assert failing in refused.value.detail
    assert len(outbox_types(database)) == rows
    assert listed(database, status=["open"]) == ["a", "b", "n"]

    assert bulk(database, [b, a], KOLLA, status="in_progress", owners=["hrw", "mgoddard"]) == [
        ("in_progress", ["hrw", "mgoddard"]), ("in_progress", ["hrw", "mgoddard"])]
    assert bulk(database, [a, b], integration("hrw"), status="done") == [("done", ["hrw", "mgoddard"])] * 2
    with pytest.raises(Forbidden):
        bulk(database, [a], integration("hrw"), owners=["hrw"])
    assert outbox_types(database)[rows:].count("ptghub.actions.action.completed") == 2


# -- history ---------------------------------------------------------------------------------------

def test_the_history_says_who_changed_what_and_when_oldest_first(database):
    action = create(database, owners=["mgoddard"])
    update(database, action, {"owners": ["hrw"], "due_date": date(2030, 1, 31)}, KOLLA)
    update(database, action, {"status": "done"}, integration("hrw"))
    update(database, action, {"status": "done"}, integration("hrw"))  # changes nothing: no entry
    entries = history(database, action)
    assert entries[0][:2] == ("ttx", "created") and entries[0][2]["owners"] == ["mgoddard"]
    assert entries[1] == ("kolla chairs", "changed", {"due_date": {"from": None, "to": "2030-01-31"},
                                                      "owners": {"from": ["mgoddard"], "to": ["hrw"]}})
    assert entries[2] == ("hrw", "changed", {"status": {"from": "open", "to": "done"}})
    assert len(entries) == 3
    with database.unit_of_work() as uow:
        first, cursor = actions.action_history(uow, action, {"limit": 2, "cursor": None})
        rest, end = actions.action_history(uow, action, {"limit": 2, "cursor": cursor})
        assert [e.kind for e in first + rest] == ["created", "changed", "changed"] and end is None
    with pytest.raises(NotFound):
        history(database, "no-such-id")
