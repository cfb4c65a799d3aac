"""The actions service against real PostgreSQL and RabbitMQ, fed the schedule's track events:
action items with owners, the list filters, If-Match, bulk changes, the history, the people
directory, and who may change what."""
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from services.actions.descriptor import DESCRIPTOR as actions_service

from ..conftest import ORGANISER, PUBLIC, principal_header
from ..infra import publish_event, wait_until

pytestmark = pytest.mark.integration

KOLLA_CHAIR = principal_header("chair", [("denver", "kolla")], sub="kolla-chairs")
NOVA_CHAIR = principal_header("chair", [("denver", "nova")], sub="nova-chairs")
MGODDARD = principal_header("integration", sub="t-mgoddard", name="mgoddard")


def track_data(slug="kolla", event="denver"):
    return {"id": str(uuid.uuid4()), "event": event, "slug": slug, "name": slug.title(),
            "mailing_list": "openstack-discuss@lists.openstack.org", "subject_tag": slug}


def action_body(**overrides):
    return {"title": "write the python3 images spec", "owners": ["mgoddard"], "due_date": "2019-06-01",
            "event": "denver", "track": "kolla", **overrides}


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

    def patch(self, action_id, changes, headers=ORGANISER, if_match=None):
        extra = {"If-Match": if_match} if if_match else {}
        return self.client.patch(f"/actions/{action_id}", json=changes, headers=headers | extra)

    def person(self, headers=ORGANISER, **body):
        response = self.client.post("/people", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def titles(self, query=""):
        response = self.client.get(f"/actions?{query}", headers=ORGANISER)
        assert response.status_code == 200, response.get_json()
        return [x["title"] for x in response.get_json()["items"]]

    def count(self, table: str, where: str = "true") -> int:
        with self.database.engine.connect() as connection:
            return connection.execute(sa.text(f"select count(*) from {table} where {where}")).scalar_one()


@pytest.fixture
def actions(start_service, infra):
    service = Actions(start_service(actions_service), infra)
    service.announce_track("kolla")
    return service


def test_an_action_lives_until_done_or_dropped_and_every_change_reaches_the_exchange(actions, probe):
    created = actions.client.post("/actions", json=action_body(owners=["@MGoddard", "Hrw@Example.org"]),
                                  headers=ORGANISER)
    assert created.status_code == 201
    action = created.get_json()
    assert created.headers["Location"] == f"/actions/{action['id']}" and created.headers["ETag"] == '"1"'
    assert action["status"] == "open" and action["needs_owner"] is False
    assert action["owners"] == [
        {"name": "MGoddard", "nick": None, "email": None, "known": False},
        {"name": "Hrw@Example.org", "nick": None, "email": "hrw@example.org", "known": False}]
    assert action["completed_at"] is None and action["snoozed_until"] is None and action["source"] is None
    event = probe.wait_for("ptghub.actions.action.created", lambda e: e["subject"] == action["id"])
    assert event["data"] == action and event["source"] == "/ptghub/actions"

    done = actions.patch(action["id"], {"status": "done"}, if_match='"1"')
    assert done.status_code == 200 and done.get_json()["completed_at"] is not None and done.headers["ETag"] == '"2"'
    completed = probe.wait_for("ptghub.actions.action.completed", lambda e: e["subject"] == action["id"])
    assert completed["data"] == done.get_json()

    refused = actions.patch(action["id"], {"status": "in_progress"})
    assert refused.status_code == 409 and "status" in refused.get_json()["errors"]
    stale = actions.patch(action["id"], {"status": "open"}, if_match='"1"')
    assert stale.status_code == 412 and "If-Match" in stale.get_json()["errors"]
    assert stale.content_type == "application/problem+json"

    reopened = actions.patch(action["id"], {"status": "open"}, if_match='"2"').get_json()
    assert reopened["status"] == "open" and reopened["completed_at"] is None
    snoozed = actions.patch(action["id"], {"snoozed_until": "2019-07-01"}).get_json()
    assert snoozed["snoozed_until"] == "2019-07-01"
    dropped = actions.patch(action["id"], {"status": "dropped", "description": "superseded by the kolla-ansible spec"})
    assert dropped.status_code == 200 and dropped.get_json()["snoozed_until"] is None
    probe.wait_for("ptghub.actions.action.dropped", lambda e: e["subject"] == action["id"])

    outbox_rows = actions.count("outbox")
    unchanged = actions.patch(action["id"], {"status": "dropped"})
    assert unchanged.status_code == 200 and actions.count("outbox") == outbox_rows
    assert actions.client.get(f"/actions/{action['id']}").get_json() == dropped.get_json()
    assert actions.count("outbox", "event_type = 'ptghub.actions.action.completed'") == 1
    assert actions.count("outbox", "event_type = 'ptghub.actions.action.updated'") == 4

    history = actions.client.get(f"/actions/{action['id']}/history", headers=ORGANISER).get_json()
    assert [(e["who"], e["kind"]) for e in history["items"]] == [("tester", "created")] + [("tester", "changed")] * 4
    assert history["items"][1]["changes"] == {"status": {"from": "open", "to": "done"}}
    assert history["items"][0]["changes"]["owners"] == ["MGoddard", "Hrw@Example.org"]
    first = actions.client.get(f"/actions/{action['id']}/history?limit=2").get_json()
    rest = actions.client.get(f"/actions/{action['id']}/history?cursor={first['next_cursor']}").get_json()
    assert first["items"] + rest["items"] == history["items"]
    assert actions.client.get(f"/actions/{uuid.uuid4()}/history").status_code == 404


@pytest.mark.parametrize("body, field, status", [
    (action_body(owners=["not a nick"]), "owners", 422),
    (action_body(owners="mgoddard"), "owners", 400),
    ({k: v for k, v in action_body().items() if k != "title"}, "title", 400),
    (action_body(owner_email="mgoddard@example.com"), "owner_email", 400),
    (action_body(status="maybe"), "status", 400),
    (action_body(due_date="next week"), "due_date", 400),
    (action_body(due_date="2019-02-30"), "due_date", 400),
    (action_body(track="Not A Slug"), "track", 400),
    (action_body(completed_at="2019-05-02T10:00:00Z"), "completed_at", 400),
    (action_body(description="nul \x00 byte"), "description", 400),
    (action_body(status="done", snoozed_until="2019-07-01"), "snoozed_until", 422),
    (action_body(track="nova"), "track", 422),
    (action_body(event="berlin"), "track", 422),
    (action_body(event=None), "event", 422),
])
def test_bad_actions_get_a_problem_naming_the_field_and_write_nothing(actions, body, field, status):
    response = actions.client.post("/actions", json=body, headers=ORGANISER)
    assert response.status_code == status, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert actions.count("actions") == 0 and actions.count("outbox") == 0


def test_a_chair_writes_its_own_tracks_actions_and_an_owner_settles_their_own(actions):
    actions.announce_track("nova")
    mine = actions.create(headers=KOLLA_CHAIR)
    assert actions.client.post("/actions", json=action_body(track="nova"), headers=KOLLA_CHAIR).status_code == 403
    assert actions.client.post("/actions", json=action_body(track=None), headers=KOLLA_CHAIR).status_code == 403
    assert actions.client.post("/actions", json=action_body(), headers=PUBLIC).status_code == 403
    assert actions.patch(mine["id"], {"status": "done"}, NOVA_CHAIR).status_code == 403
    assert actions.patch(mine["id"], {"track": "nova"}, KOLLA_CHAIR).status_code == 403
    assert actions.patch(mine["id"], {"track": None}, KOLLA_CHAIR).status_code == 403

    # mgoddard owns it: his own token may mark it done, reopen it, snooze it; nothing else.
    title = actions.patch(mine["id"], {"title": "easier"}, MGODDARD)
    assert title.status_code == 403 and "title" in title.get_json()["errors"]
    assert actions.patch(mine["id"], {"status": "done"}, MGODDARD).get_json()["status"] == "done"
    assert actions.patch(mine["id"], {"status": "open"}, MGODDARD).get_json()["status"] == "open"
    assert actions.patch(mine["id"], {"status": "done"},
                         principal_header("integration", name="hrw")).status_code == 403
    assert actions.patch(mine["id"], {"track": "nova"}, ORGANISER).get_json()["track"] == "nova"


def test_lists_filter_by_owner_status_scope_overdue_due_date_and_missing_owner(actions):
    actions.announce_track("nova")
    actions.announce_track("kolla", event="shanghai")
    today = date.today()
    actions.person(nick="sean-k-mooney", email="Sean@Example.com", aliases=["sean"])
    a = actions.create(title="a", due_date=str(today - timedelta(days=3)))
    b = actions.create(title="b", owners=["sean"], due_date=str(today + timedelta(days=3)))
    c = actions.create(title="c", track="nova", owners=[], due_date=None)
    d = actions.create(title="d", event="shanghai", owners=["SEAN@example.com"], due_date=str(today - timedelta(days=1)))
    e = actions.create(title="e", track=None, event=None, status="done", owners=["mgoddard"], due_date=None)

    assert actions.titles() == ["a", "b", "c", "d", "e"]
    assert actions.titles("owner=sean@EXAMPLE.com") == ["b", "d"]
    assert actions.titles("owner=Sean-K-Mooney") == ["b", "d"]
    assert actions.titles("owner=mgoddard") == ["a", "e"]
    assert actions.titles("owner=@mgoddard") == ["a", "e"]
    assert actions.titles("owner=nobody") == []
    assert actions.titles("status=done") == ["e"]
    assert actions.titles("status=done,open") == ["a", "b", "c", "d", "e"]
    assert actions.titles("status=done&status=in_progress") == ["e"]
    assert actions.titles("event=denver") == ["a", "b", "c"]
    assert actions.titles("track=kolla") == ["a", "b", "d"]
    assert actions.titles("event=denver&track=kolla&status=open") == ["a", "b"]
    assert actions.titles("overdue=true") == ["a", "d"]
    assert actions.titles("overdue=false") == ["b", "c", "e"]
    assert actions.titles(f"due_before={today}") == ["a", "d"]
    assert actions.titles("needs_owner=true") == ["c"]
    assert actions.titles("needs_owner=true&status=done") == []
    first = actions.client.get("/actions?limit=2").get_json()
    second = actions.client.get(f"/actions?limit=2&cursor={first['next_cursor']}").get_json()
    third = actions.client.get(f"/actions?limit=2&cursor={second['next_cursor']}").get_json()
    assert [x["id"] for x in first["items"] + second["items"] + third["items"]] == [
        a["id"], b["id"], c["id"], d["id"], e["id"]]
    assert third["next_cursor"] is None
    for query, field in [("status=maybe", "status"), ("status=open,maybe", "status"), ("status=,", "status"),
                         ("owner=", "owner"), ("cursor=garbage", "cursor"), ("cursor=WyJ4IiwgMV0", "cursor"),
                         ("limit=0", "limit"), ("colour=red", "colour"), ("track=a%00b", "track"),
                         ("overdue=perhaps", "overdue"), ("due_before=tomorrow", "due_before"),
                         ("due_before=2019-13-01", "due_before"), ("needs_owner=2", "needs_owner")]:
        response = actions.client.get(f"/actions?{query}")
        assert response.status_code == 400 and field in response.get_json()["errors"], query


def test_a_bulk_change_is_all_or_nothing_and_the_problem_names_the_failing_id(actions, probe):
    actions.announce_track("nova")
    a, b = actions.create(title="a"), actions.create(title="b")
    nova = actions.create(title="n", track="nova")
    rows = actions.count("outbox")

    refused = actions.client.post("/actions/bulk", json={"ids": [a["id"], nova["id"], b["id"]], "status": "done"},
                                  headers=KOLLA_CHAIR)
    assert refused.status_code == 403 and refused.get_json()["id"] == nova["id"]
    assert nova["id"] in refused.get_json()["errors"]["ids"]
    missing = str(uuid.uuid4())
    unknown = actions.client.post("/actions/bulk", json={"ids": [a["id"], missing], "owners": ["hrw"]},
                                  headers=ORGANISER)
    assert unknown.status_code == 404 and unknown.get_json()["id"] == missing
    for body, field, status in [({"ids": [a["id"]]}, "body", 422),  # neither status nor owners: across fields
                                ({"ids": [a["id"], a["id"]], "status": "done"}, "ids", 400),
                                ({"ids": [], "status": "done"}, "ids", 400), ({"ids": [a["id"]], "status": "maybe"}, "status", 400)]:
        response = actions.client.post("/actions/bulk", json=body, headers=ORGANISER)
        assert response.status_code == status and field in response.get_json()["errors"], body
    assert actions.count("outbox") == rows and actions.titles("status=open") == ["a", "b", "n"]

    changed = actions.client.post("/actions/bulk", json={"ids": [b["id"], a["id"]], "status": "in_progress",
                                                         "owners": ["hrw", "mgoddard"]}, headers=KOLLA_CHAIR)
    assert changed.status_code == 200, changed.get_json()
    assert [(x["title"], x["status"], [o["name"] for o in x["owners"]]) for x in changed.get_json()["items"]] == [
        ("b", "in_progress", ["hrw", "mgoddard"]), ("a", "in_progress", ["hrw", "mgoddard"])]
    mine = actions.client.post("/actions/bulk", json={"ids": [a["id"], b["id"]], "status": "done"}, headers=MGODDARD)
    assert mine.status_code == 200 and {x["status"] for x in mine.get_json()["items"]} == {"done"}
    for action in (a, b):
        probe.wait_for("ptghub.actions.action.completed", lambda e, i=action["id"]: e["subject"] == i)


def test_people_are_unique_by_name_and_address_and_a_new_one_links_their_owners(actions):
    action = actions.create(owners=["markg"])
    assert action["owners"][0]["known"] is False
    person = actions.person(headers=KOLLA_CHAIR, nick="MGoddard", name="Mark Goddard", email="Mark@Example.com",
                            timezone="Europe/London", aliases=["markg"])
    assert (person["nick"], person["email"], person["aliases"], person["reminders"]) == (
        "MGoddard", "mark@example.com", ["markg"], True)
    owner = actions.client.get(f"/actions/{action['id']}").get_json()["owners"][0]
    assert owner == {"name": "markg", "nick": "MGoddard", "email": "mark@example.com", "known": True}
    assert actions.titles("owner=mark@example.com") == [action["title"]]

    for name in ("mgoddard", "MARKG", "mark@example.com"):
        found = actions.client.get(f"/people/{name}", headers=MGODDARD)
        assert found.status_code == 200 and found.get_json()["id"] == person["id"], name
    assert actions.client.get("/people/hrw", headers=ORGANISER).status_code == 404
    assert actions.client.get("/people", headers=PUBLIC).status_code == 403
    assert [p["nick"] for p in actions.client.get("/people?q=godd", headers=MGODDARD).get_json()["items"]] == [
        "MGoddard"]

    for body, field, status in [
        ({"nick": "mgoddard"}, "nick", 409), ({"nick": "markG"}, "nick", 409),
        ({"nick": "hrw", "aliases": ["MGODDARD"]}, "aliases", 409),
        ({"nick": "hrw", "email": "MARK@example.com"}, "email", 409),
        ({"nick": "hrw", "timezone": "Mars/Olympus"}, "timezone", 422),
        ({"nick": "hrw", "email": "not an address"}, "email", 400),
        ({"nick": "two words"}, "nick", 400), ({"nick": "hrw", "reminders": "sometimes"}, "reminders", 400),
        ({"nick": "hrw", "colour": "red"}, "colour", 400),
    ]:
        response = actions.client.post("/people", json=body, headers=ORGANISER)
        assert response.status_code == status and field in response.get_json()["errors"], body
        assert response.content_type == "application/problem+json"
    assert actions.client.post("/people", json={"nick": "hrw"}, headers=MGODDARD).status_code == 403

    mine = actions.client.patch("/people/markg", json={"reminders": False, "timezone": "Europe/Paris"},
                                headers=MGODDARD)
    assert mine.status_code == 200 and (mine.get_json()["reminders"], mine.get_json()["timezone"]) == (
        False, "Europe/Paris")
    assert actions.client.patch("/people/markg", json={"email": "x@example.com"}, headers=MGODDARD).status_code == 403
    renamed = actions.client.patch("/people/mgoddard", json={"aliases": []}, headers=KOLLA_CHAIR)
    assert renamed.status_code == 200 and renamed.get_json()["aliases"] == []
    assert actions.client.get(f"/actions/{action['id']}").get_json()["owners"][0]["known"] is False
    bad_zone = actions.client.patch("/people/mgoddard", json={"timezone": "Nowhere"}, headers=ORGANISER)
    assert bad_zone.status_code == 422 and "timezone" in bad_zone.get_json()["errors"]


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
    assert actions.patch(kept["id"], {"status": "done"}).status_code == 200
    assert actions.count("tracks", "slug = 'kolla' and deleted_at is not null") == 1

    actions.announce_track("kolla", verb="updated", data=deleted)
    assert actions.client.post("/actions", json=action_body(), headers=ORGANISER).status_code == 409
    actions.announce_track("kolla")
    assert actions.create()["track"] == "kolla"
