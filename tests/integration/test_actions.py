"""The actions service against real PostgreSQL and RabbitMQ, fed the schedule's track events."""
import uuid

import pytest
import sqlalchemy as sa

from services.actions.descriptor import DESCRIPTOR as actions_service

from ..conftest import ORGANISER, principal_header
from ..infra import publish_event, wait_until

pytestmark = pytest.mark.integration

KOLLA_CHAIR = principal_header("chair", [("denver", "kolla")], sub="mgoddard")
NOVA_CHAIR = principal_header("chair", [("denver", "nova")])


def track_data(slug="kolla", event="denver"):
    return {"id": str(uuid.uuid4()), "event": event, "slug": slug, "name": slug.title(),
            "mailing_list": "openstack-discuss@lists.openstack.org", "subject_tag": slug}


def action_body(**overrides):
    return {"title": "write the python3 images spec", "owner_email": "mgoddard@example.com",
            "owner_nick": "mgoddard", "due_date": "2019-06-01", "event": "denver", "track": "kolla", **overrides}


class Actions:
    def __init__(self, service, infra):
        self.service, self.infra = service, infra
        self.client, self.database = service.client, service.database

    def announce_track(self, slug="kolla", event="denver", verb="created", data=None):
        data = data or track_data(slug, event)
        cloud_event = publish_event(self.infra.amqp_url, self.infra.exchange, f"ptghub.schedule.track.{verb}", data)
        wait_until(lambda: self.count("inbox", f"event_id = '{cloud_event.id}'") == 1, message=f"track {verb}")
        return data

    def track_id(self, slug, event="denver") -> str:
        with self.database.engine.connect() as connection:
            return connection.execute(sa.text("select track_id from tracks where event = :e and slug = :s"),
                                      {"e": event, "s": slug}).scalar_one()

    def create(self, headers=ORGANISER, **overrides):
        response = self.client.post("/actions", json=action_body(**overrides), headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def patch(self, action_id, changes, headers=ORGANISER):
        return self.client.patch(f"/actions/{action_id}", json=changes, headers=headers)

    def count(self, table: str, where: str = "true") -> int:
        with self.database.engine.connect() as connection:
            return connection.execute(sa.text(f"select count(*) from {table} where {where}")).scalar_one()


@pytest.fixture
def actions(start_service, infra):
    service = Actions(start_service(actions_service), infra)
    service.announce_track("kolla")
    return service


def test_an_action_lives_until_done_or_dropped_and_every_change_reaches_the_exchange(actions, probe):
    created = actions.client.post("/actions", json=action_body(owner_email="MGoddard@Example.com"), headers=ORGANISER)
    assert created.status_code == 201
    action = created.get_json()
    assert created.headers["Location"] == f"/actions/{action['id']}"
    assert action["status"] == "open" and action["owner_email"] == "mgoddard@example.com"
    assert action["completed_at"] is None and action["snoozed_until"] is None and action["notes"] == ""
    event = probe.wait_for("ptghub.actions.action.created", lambda e: e["subject"] == action["id"])
    assert event["data"] == action and event["source"] == "/ptghub/actions"

    done = actions.patch(action["id"], {"status": "done"})
    assert done.status_code == 200 and done.get_json()["completed_at"] is not None
    completed = probe.wait_for("ptghub.actions.action.completed", lambda e: e["subject"] == action["id"])
    assert completed["data"] == done.get_json()
    probe.wait_for("ptghub.actions.action.updated", lambda e: e["data"]["status"] == "done")

    refused = actions.patch(action["id"], {"status": "snoozed", "snoozed_until": "2019-07-01"})
    assert refused.status_code == 409 and "status" in refused.get_json()["errors"]

    reopened = actions.patch(action["id"], {"status": "open"}).get_json()
    assert reopened["status"] == "open" and reopened["completed_at"] is None
    snoozed = actions.patch(action["id"], {"status": "snoozed", "snoozed_until": "2019-07-01"}).get_json()
    assert snoozed["snoozed_until"] == "2019-07-01"
    dropped = actions.patch(action["id"], {"status": "dropped", "notes": "superseded by the kolla-ansible spec"})
    assert dropped.status_code == 200
    assert dropped.get_json()["snoozed_until"] is None and dropped.get_json()["notes"].startswith("superseded")
    probe.wait_for("ptghub.actions.action.dropped", lambda e: e["subject"] == action["id"])

    outbox_rows = actions.count("outbox")
    unchanged = actions.patch(action["id"], {"status": "dropped"})
    assert unchanged.status_code == 200 and actions.count("outbox") == outbox_rows
    assert actions.client.get(f"/actions/{action['id']}").get_json() == dropped.get_json()
    assert actions.count("outbox", "event_type = 'ptghub.actions.action.completed'") == 1
    assert actions.count("outbox", "event_type = 'ptghub.actions.action.updated'") == 4


@pytest.mark.parametrize("body, field, status", [
    (action_body(owner_email="not an address"), "owner_email", 400),
    ({k: v for k, v in action_body().items() if k != "title"}, "title", 400),
    ({k: v for k, v in action_body().items() if k != "owner_email"}, "owner_email", 400),
    (action_body(bogus=1), "bogus", 400),
    (action_body(status="maybe"), "status", 400),
    (action_body(due_date="next week"), "due_date", 400),
    (action_body(track="Not A Slug"), "track", 400),
    (action_body(completed_at="2019-05-02T10:00:00Z"), "completed_at", 400),
    (action_body(notes="nul \x00 byte"), "notes", 400),
    (action_body(status="snoozed"), "snoozed_until", 422),
    (action_body(snoozed_until="2019-07-01"), "snoozed_until", 422),
    (action_body(track="nova"), "track", 422),
    (action_body(event="berlin"), "track", 422),
    (action_body(event=None), "event", 422),
])
def test_bad_actions_get_a_problem_naming_the_field_and_write_nothing(actions, body, field, status):
    response = actions.client.post("/actions", json=body, headers=ORGANISER)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert actions.count("actions") == 0 and actions.count("outbox") == 0


@pytest.mark.parametrize("changes, field, status", [
    ({"title": None}, "title", 400),
    ({"status": "snoozed"}, "snoozed_until", 422),
    ({"snoozed_until": "2019-07-01"}, "snoozed_until", 422),
    ({"track": "nova"}, "track", 422),
    ({"event": None}, "event", 422),
    ({"id": "mine"}, "id", 400),
    ({"owner_email": "nobody"}, "owner_email", 400),
])
def test_bad_changes_get_a_problem_naming_the_field_and_change_nothing(actions, changes, field, status):
    action = actions.create()
    rows = actions.count("outbox")
    response = actions.patch(action["id"], changes)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert actions.client.get(f"/actions/{action['id']}").get_json() == action
    assert actions.count("outbox") == rows


def test_an_unknown_action_is_404(actions):
    assert actions.client.get(f"/actions/{uuid.uuid4()}").status_code == 404
    response = actions.patch(str(uuid.uuid4()), {"status": "done"})
    assert response.status_code == 404 and "id" in response.get_json()["errors"]


def test_a_track_becomes_known_when_the_schedule_announces_it(actions):
    assert actions.client.post("/actions", json=action_body(track="nova"), headers=ORGANISER).status_code == 422
    actions.announce_track("nova")
    assert actions.create(track="nova")["track"] == "nova"


def test_a_chair_writes_only_its_own_tracks_actions(actions):
    actions.announce_track("nova")
    mine = actions.create(headers=KOLLA_CHAIR)
    assert actions.client.post("/actions", json=action_body(track="nova"), headers=KOLLA_CHAIR).status_code == 403
    assert actions.client.post("/actions", json=action_body(track=None, event=None),
                               headers=KOLLA_CHAIR).status_code == 403
    assert actions.client.post("/actions", json=action_body(), headers={}).status_code == 403
    assert actions.patch(mine["id"], {"status": "done"}, NOVA_CHAIR).status_code == 403
    assert actions.patch(mine["id"], {"track": "nova"}, KOLLA_CHAIR).status_code == 403
    assert actions.patch(mine["id"], {"track": None}, KOLLA_CHAIR).status_code == 403
    assert actions.patch(mine["id"], {"status": "done"}, KOLLA_CHAIR).status_code == 200
    assert actions.patch(mine["id"], {"track": "nova"}, ORGANISER).get_json()["track"] == "nova"


def test_lists_filter_by_owner_status_event_and_track_and_page_by_cursor(actions):
    actions.announce_track("nova")
    actions.announce_track("kolla", event="shanghai")
    a = actions.create(title="a")
    b = actions.create(title="b", owner_email="Sean@example.com", owner_nick="sean-k-mooney")
    c = actions.create(title="c", track="nova")
    d = actions.create(title="d", event="shanghai")
    e = actions.create(title="e", track=None, event=None, status="done")

    def titles(query=""):
        return [x["title"] for x in actions.client.get(f"/actions?{query}").get_json()["items"]]

    assert titles() == ["a", "b", "c", "d", "e"]
    assert titles("owner=sean@EXAMPLE.com") == ["b"]
    assert titles("owner=mgoddard") == ["a", "c", "d", "e"]  # a nick, not only an address
    assert titles("owner=Sean-K-Mooney") == ["b"]
    assert titles("owner=nobody") == []
    assert titles("status=done") == ["e"]
    assert titles("event=denver") == ["a", "b", "c"]
    assert titles("track=kolla") == ["a", "b", "d"]
    assert titles("event=denver&track=kolla&status=open") == ["a", "b"]
    first = actions.client.get("/actions?limit=2").get_json()
    second = actions.client.get(f"/actions?limit=2&cursor={first['next_cursor']}").get_json()
    third = actions.client.get(f"/actions?limit=2&cursor={second['next_cursor']}").get_json()
    assert [x["id"] for x in first["items"] + second["items"] + third["items"]] == [
        a["id"], b["id"], c["id"], d["id"], e["id"]]
    assert third["next_cursor"] is None
    for query, field in [("status=maybe", "status"), ("owner=", "owner"), ("cursor=garbage", "cursor"),
                         ("cursor=WyJ4IiwgMV0", "cursor"), ("limit=0", "limit"), ("colour=red", "colour"),
                         ("track=a%00b", "track")]:
        response = actions.client.get(f"/actions?{query}")
        assert response.status_code == 400 and field in response.get_json()["errors"], query


def test_a_deleted_track_takes_no_more_actions_until_it_is_created_again(actions):
    kept = actions.create()
    other = actions.create(track=None, event=None)
    deleted = actions.announce_track("kolla", verb="deleted",
                                     data={**track_data("kolla"), "id": actions.track_id("kolla")})

    refused = actions.client.post("/actions", json=action_body(), headers=ORGANISER)
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert "track" in refused.get_json()["errors"] and "kolla" in refused.get_json()["detail"]
    moved = actions.patch(other["id"], {"event": "denver", "track": "kolla"})
    assert moved.status_code == 409 and "track" in moved.get_json()["errors"]
    # What was promised on it can still be closed.
    assert actions.patch(kept["id"], {"status": "done"}).status_code == 200
    assert actions.count("tracks", "slug = 'kolla' and deleted_at is not null") == 1

    # A late update of the deleted track does not bring it back; the track created again does.
    actions.announce_track("kolla", verb="updated", data=deleted)
    assert actions.client.post("/actions", json=action_body(), headers=ORGANISER).status_code == 409
    actions.announce_track("kolla")
    assert actions.create()["track"] == "kolla"
