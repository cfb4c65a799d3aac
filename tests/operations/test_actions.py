"""The actions operations against a SQLite database: life cycle, scope, owner filter, retired tracks."""
import uuid

import pytest

from services.actions import operations, store
from services.actions.descriptor import DESCRIPTOR
from services.actions.schemas import ActionQuery, ActionSchema
from services.kit.copies import TrackChange
from services.kit.problems import Conflict, Forbidden, Invalid

from .conftest import outbox_types

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}
KOLLA_CHAIR = {"sub": str(uuid.uuid4()), "name": "mgoddard", "role": "chair",
               "tracks": [{"event": "denver", "track": "kolla"}]}

schema = ActionSchema()


def fields(**overrides) -> dict:
    """An action as ``POST /actions`` loads it."""
    return schema.load({"title": "write the python3 images spec", "owner_email": "MGoddard@example.com",
                        "owner_nick": "mgoddard", "event": "denver", "track": "kolla", **overrides})


def track_change(verb="created", event="denver", slug="kolla", track_id=None):
    return TrackChange(verb, track_id or f"{event}-{slug}-id", event, slug, slug.title())


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    for event in ("denver", "shanghai"):
        run(database, operations.follow_track, track_change(event=event))
    return database


def run(database, operation, *args):
    """``operation`` in its own unit of work, committed as a route commits it; the result dumped."""
    with database.unit_of_work() as uow:
        result = operation(uow, *args)
        uow.commit()
        return schema.dump(result) if isinstance(result, store.Action) else result


def create(database, principal=ORGANISER, **overrides) -> dict:
    return run(database, operations.create_action, principal, fields(**overrides))


def update(database, action_id, changes, principal=ORGANISER) -> dict:
    return run(database, operations.update_action, principal, action_id, schema.load(changes, partial=True))


def owners(database, owner) -> list[str]:
    with database.unit_of_work(readonly=True) as uow:
        items, _cursor = operations.list_actions(uow, ActionQuery().load({"owner": owner}))
        return [item.title for item in items]


def test_an_action_is_created_open_and_announced(database):
    action = create(database)
    assert action["status"] == "open" and action["owner_email"] == "mgoddard@example.com"
    assert outbox_types(database) == ["ptghub.actions.action.created"]


def test_done_cannot_go_to_another_status_without_reopening(database):
    action = create(database)
    done = update(database, action["id"], {"status": "done"})
    assert done["completed_at"] is not None
    with pytest.raises(Conflict) as caught:
        update(database, action["id"], {"status": "snoozed", "snoozed_until": "2019-07-01"})
    assert "status" in caught.value.errors
    assert run(database, operations.get_action, action["id"])["status"] == "done"
    reopened = update(database, action["id"], {"status": "open"})
    assert reopened["completed_at"] is None
    assert outbox_types(database) == ["ptghub.actions.action.created", "ptghub.actions.action.updated",
                                      "ptghub.actions.action.completed", "ptghub.actions.action.updated"]


def test_a_change_that_changes_nothing_publishes_nothing(database):
    action = create(database)
    assert update(database, action["id"], {"title": action["title"]}) == action
    assert outbox_types(database) == ["ptghub.actions.action.created"]


def test_a_chair_of_kolla_at_one_event_is_refused_at_another(database):
    with pytest.raises(Forbidden) as caught:
        create(database, KOLLA_CHAIR, event="shanghai")
    assert "track" in caught.value.errors
    theirs = create(database, event="shanghai")
    with pytest.raises(Forbidden):
        update(database, theirs["id"], {"status": "done"}, KOLLA_CHAIR)
    mine = create(database, KOLLA_CHAIR)
    with pytest.raises(Forbidden):
        update(database, mine["id"], {"event": "shanghai"}, KOLLA_CHAIR)
    assert update(database, mine["id"], {"status": "done"}, KOLLA_CHAIR)["status"] == "done"


def test_the_owner_filter_takes_a_nick_or_an_address(database):
    create(database, title="a")
    create(database, title="b", owner_email="sean@example.com", owner_nick="Sean-K-Mooney")
    create(database, title="c", owner_nick=None)
    assert owners(database, "mgoddard") == ["a"]  # c has no nick
    assert owners(database, "MGODDARD") == ["a"]
    assert owners(database, "sean-k-mooney") == ["b"]
    assert owners(database, "Sean@Example.com") == ["b"]
    assert owners(database, "mgoddard@example.com") == ["a", "c"]
    assert owners(database, "nobody") == []


def test_a_retired_track_takes_no_more_actions_until_it_is_created_again(database):
    kept = create(database)
    elsewhere = create(database, track=None, event=None)
    run(database, operations.follow_track, track_change("deleted"))
    with pytest.raises(Conflict) as caught:
        create(database)
    assert "track" in caught.value.errors and "kolla" in caught.value.detail
    with pytest.raises(Conflict):
        update(database, elsewhere["id"], {"event": "denver", "track": "kolla"})
    assert update(database, kept["id"], {"status": "done"})["status"] == "done"  # still closable
    assert outbox_types(database).count("ptghub.actions.action.created") == 2

    run(database, operations.follow_track, track_change(track_id="kolla-again"))
    assert create(database)["track"] == "kolla"


def test_an_unknown_track_is_a_bad_field(database):
    with pytest.raises(Invalid) as caught:
        create(database, track="nova")
    assert "track" in caught.value.errors
    with pytest.raises(Invalid) as caught:
        create(database, event=None)
    assert "event" in caught.value.errors
