"""The actions worker fed the notes' ``note.items.changed`` over real RabbitMQ, on PostgreSQL: the
action appears in the actions API, once however often the event is delivered, and goes with its item."""
import uuid

import pytest
import sqlalchemy as sa

from services.actions import store
from services.actions.descriptor import DESCRIPTOR as actions_service

from ..infra import publish_event, wait_until

pytestmark = pytest.mark.integration

ITEMS_CHANGED = "ptghub.notes.note.items.changed"


def note_item(text, owners, due=None, item_id=None):
    return {"id": item_id or str(uuid.uuid4()), "kind": "action", "text": text, "owners": owners, "due": due,
            "suggested": False, "state": "confirmed", "line": 1,
            "source": f"#action {' '.join(owners)} {text}".replace("  ", " ")}


def items_changed(note_id, revision, added=(), changed=(), removed=()):
    return {"note": {"id": note_id, "kind": "session", "session_id": note_id, "event": "denver", "track": "kolla"},
            "revision": revision, "added": list(added), "changed": list(changed), "removed": list(removed)}


@pytest.fixture
def actions(start_service):
    service = start_service(actions_service)
    with service.database.unit_of_work() as uow:
        uow.session.add(store.Person(nick="mgoddard", nick_key="mgoddard", name="Mark Goddard",
                                     email="mgoddard@example.com"))
        uow.commit()
    return service


def listed(service, **query):
    response = service.client.get("/actions", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def processed(service, event_id) -> bool:
    with service.database.engine.connect() as connection:
        return connection.execute(sa.text("select count(*) from inbox where event_id = :id"),
                                  {"id": event_id}).scalar_one() == 1


def test_a_note_item_becomes_one_action_in_the_api_and_goes_with_its_item(actions, infra, probe):
    note_id = str(uuid.uuid4())
    spec = note_item("write the spec due 2027-06-01", ["mgoddard"], due="2027-06-01")
    gate = note_item("look at the gate with MGoddard", [])  # no owner written: a known nick in the text
    event_id = str(uuid.uuid4())
    for _delivery in range(2):  # delivered twice: one action each
        publish_event(infra.amqp_url, infra.exchange, ITEMS_CHANGED, items_changed(note_id, 1, added=[spec, gate]),
                      id=event_id, subject=note_id, source="/ptghub/notes")
    wait_until(lambda: processed(actions, event_id), message="items.changed consumed")
    # the same announcement again under another id (a notes relay retrying): still one action each
    again = publish_event(infra.amqp_url, infra.exchange, ITEMS_CHANGED, items_changed(note_id, 1, added=[spec]),
                          subject=note_id, source="/ptghub/notes")
    wait_until(lambda: processed(actions, again.id), message="the repeat consumed")

    mine = listed(actions, owner="mgoddard")
    assert sorted(a["title"] for a in mine) == ["look at the gate with MGoddard", "write the spec due 2027-06-01"]
    action = next(a for a in mine if a["source"]["item_id"] == spec["id"])
    assert (action["due_date"], action["status"], action["event"], action["track"], action["session_id"]) == (
        "2027-06-01", "open", "denver", "kolla", note_id)
    assert action["owners"] == [{"name": "mgoddard", "nick": "mgoddard", "email": "mgoddard@example.com",
                                 "known": True}]
    assert action["source"] == {"note_id": note_id, "item_id": spec["id"], "line": 1, "removed": False,
                                "text": "#action mgoddard write the spec due 2027-06-01"}
    created = probe.wait_for("ptghub.actions.action.created", lambda e: e["subject"] == action["id"])
    assert created["data"]["source"]["item_id"] == spec["id"]
    assert len(listed(actions)) == 2

    gone = publish_event(infra.amqp_url, infra.exchange, ITEMS_CHANGED, items_changed(note_id, 2, removed=[spec]),
                         subject=note_id, source="/ptghub/notes")
    wait_until(lambda: processed(actions, gone.id), message="the removal consumed")
    assert [a["source"]["item_id"] for a in listed(actions)] == [gate["id"]]
    assert actions.client.get(f"/actions/{action['id']}").status_code == 404
    probe.wait_for("ptghub.actions.action.withdrawn", lambda e: e["subject"] == action["id"])
