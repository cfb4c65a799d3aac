"""An event's free notes through the notes service on real PostgreSQL and RabbitMQ: the event's copy
arrives over the exchange, the HTTP statuses and headers of creating, listing, writing, retitling and
deleting, the events on the exchange, search on PostgreSQL, and migration 0006 up and down."""
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from services.kit import migrations
from services.notes.descriptor import DESCRIPTOR as notes_service

from ..conftest import ORGANISER, principal_header
from .test_notes import KOLLA, Notes

pytestmark = pytest.mark.integration

KOLLA_CHAIR = principal_header("chair", [("denver", "kolla")], name="mgoddard")
HALLWAY = "/events/denver/notes/hallway"


@pytest.fixture
def notes(start_service, infra):
    return Notes(start_service(notes_service), infra)


def test_a_free_note_round_trip_over_http_with_its_events(notes, probe):
    unknown = notes.client.post("/events/denver/notes", json={"slug": "hallway", "title": "Hallway"},
                                headers=ORGANISER)
    assert unknown.status_code == 404 and "event" in unknown.get_json()["errors"]
    notes.event()
    notes.track({**KOLLA, "chairs": [{"nick": "mgoddard", "name": "Mark Goddard", "email": None}]})

    bad = notes.client.post("/events/denver/notes", json={"slug": "Hall Way", "title": "Hallway"}, headers=ORGANISER)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json" and "slug" in bad.get_json()["errors"]
    outsider = principal_header("chair", [("shanghai", "kolla")])
    assert notes.client.post("/events/denver/notes", json={"slug": "hallway", "title": "Hallway"},
                             headers=outsider).status_code == 403
    created = notes.client.post("/events/denver/notes", json={"slug": "hallway", "title": "Hallway track"},
                                headers=KOLLA_CHAIR)
    assert created.status_code == 201, created.get_json()
    assert created.headers["Location"] == HALLWAY and created.headers["ETag"] == '"0"'
    assert (created.get_json()["kind"], created.get_json()["track"]) == ("event", None)
    again = notes.client.post("/events/denver/notes", json={"slug": "hallway", "title": "Again"}, headers=ORGANISER)
    assert again.status_code == 409 and "slug" in again.get_json()["errors"]

    put = notes.client.put(HALLWAY, json={"body": "#action mgoddard write up the hallway chat\n", "revision": 0},
                           headers={**KOLLA_CHAIR, "If-Match": '"0"'})
    assert put.status_code == 200 and put.headers["ETag"] == '"1"'
    changed = probe.wait_for("ptghub.notes.note.items.changed", lambda e: e["subject"] == "denver/notes/hallway")
    assert changed["data"]["note"]["kind"] == "event" and changed["data"]["note"]["track"] is None
    assert changed["data"]["note"]["slug"] == "hallway"
    assert [i["owners"] for i in changed["data"]["added"]] == [["mgoddard"]]
    stale = notes.client.put(HALLWAY, json={"body": "lost", "revision": 1}, headers={**ORGANISER, "If-Match": '"0"'})
    assert stale.status_code == 412
    too_big = notes.client.put(HALLWAY, json={"body": "x" * 1_048_577, "revision": 1}, headers=ORGANISER)
    assert too_big.status_code == 413
    line = notes.client.post(f"{HALLWAY}/lines", json={"text": "and the gate"}, headers=ORGANISER)
    assert line.status_code == 200 and line.headers["ETag"] == '"2"'
    assert notes.client.get(f"{HALLWAY}?format=markdown").get_data(as_text=True).endswith("and the gate\n")
    assert [r["revision"] for r in notes.client.get(f"{HALLWAY}/revisions").get_json()["items"]] == [2, 1]

    listed = notes.client.get("/events/denver/notes").get_json()
    assert [(n["slug"], n["title"], n["revision"], n["author"]) for n in listed["items"]] == [
        ("hallway", "Hallway track", 2, "tester")] and listed["next_cursor"] is None
    found = notes.client.get("/events/denver/search?q=hallway+chat").get_json()["items"]
    assert found and all(r["url"] == "/api/v1/events/denver/notes/hallway" and r["track"] is None for r in found)

    assert notes.client.patch(HALLWAY, json={"title": "Corridor"}, headers=KOLLA_CHAIR).status_code == 403
    retitled = notes.client.patch(HALLWAY, json={"title": "Corridor"}, headers=ORGANISER)
    assert retitled.status_code == 200 and retitled.get_json()["title"] == "Corridor"
    assert "# Event notes" in notes.client.get("/events/denver/summary").get_data(as_text=True)
    deleted = notes.client.delete(HALLWAY, headers=ORGANISER)
    assert deleted.status_code == 204
    probe.wait_for("ptghub.notes.note.deleted", lambda e: e["subject"] == "denver/notes/hallway")
    kept = notes.client.get(HALLWAY)
    assert kept.status_code == 200 and kept.get_json()["status"] == "deleted"
    refused = notes.client.put(HALLWAY, json={"body": "more", "revision": 2}, headers=ORGANISER)
    assert refused.status_code == 409 and "slug" in refused.get_json()["errors"]
    assert notes.client.get("/events/denver/notes").get_json()["items"] == []
    assert notes.client.get(f"/events/denver/notes/{uuid.uuid4().hex}").status_code == 404


def test_migration_0006_adds_the_slug_and_its_unique_index(infra):
    url = infra.database_url("notes_migration_0006")
    migrations.upgrade(notes_service.package_dir, url, "0005")
    engine = sa.create_engine(url)
    assert "slug" not in {c["name"] for c in sa.inspect(engine).get_columns("notes")}
    with engine.begin() as connection:
        connection.execute(sa.text("insert into notes (id, kind, event, track, body, revision, timezone, created_at,"
                                   " updated_at) values ('t1', 'track', 'denver', 'kolla', 'kept', 0, 'UTC', now(),"
                                   " now())"))
    migrations.upgrade(notes_service.package_dir, url)
    insert = sa.text("insert into notes (id, kind, event, track, slug, title, body, revision, timezone, created_at,"
                     " updated_at) values (:id, 'event', 'denver', '', 'hallway', 'Hallway', 'chat', 0, 'UTC',"
                     " now(), now())")
    with engine.begin() as connection:
        connection.execute(insert, {"id": "f1"})
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"id": "f2"})
    command.downgrade(migrations.alembic_config(notes_service.package_dir, url), "0005")
    with engine.begin() as connection:
        assert connection.execute(sa.text("select id, body from notes")).all() == [("t1", "kept")]
    assert "slug" not in {c["name"] for c in sa.inspect(engine).get_columns("notes")}
    engine.dispose()
