"""Search over notes and items on real PostgreSQL (tsvector, ts_rank, ts_headline) through the
service's Flask client, and migration 0005 up and down."""
import time
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from services.kit import migrations
from services.notes.descriptor import DESCRIPTOR as notes_service

from ..conftest import ORGANISER
from ..infra import wait_until
from .test_notes import KOLLA, Notes

pytestmark = pytest.mark.integration

NOVA = {**KOLLA, "id": str(uuid.uuid4()), "slug": "nova", "name": "Nova", "subject_tag": "nova"}


@pytest.fixture
def notes(start_service, infra):
    return Notes(start_service(notes_service), infra)


def saved(notes, body, **kwargs):
    session_id = notes.schedule(**kwargs)
    assert notes.put(session_id, body, 0).status_code == 200
    return session_id


def search(notes, **query):
    return notes.client.get("/events/denver/search", query_string=query)


def test_search_ranks_filters_highlights_and_leaves_out(notes):
    notes.track()
    notes.track(NOVA)
    weak = saved(notes, "We went through many things; upgrades came up once.\n", title="Py3")
    strong = saved(notes, "Upgrades: rolling upgrades, upgrade checks, the upgrade job.\n", title="Upgrades")
    nova = saved(notes, "upgrades of <script>alert(1)</script> cells\n#action gibi document upgrades\n",
                 track="nova", title="Cells")
    response = search(notes, q="upgrades")
    assert response.status_code == 200
    page = response.get_json()
    found = [(r["kind"], r["note"]["session_id"]) for r in page["items"] if r["kind"] == "note"]
    assert found[0] == ("note", strong) and {s for _, s in found} == {strong, weak, nova}
    top = page["items"][0]
    assert top["session"]["title"] == "Upgrades" and top["url"] == f"/api/v1/sessions/{strong}/note"
    assert "<mark>" in top["snippet"] and page["next_cursor"] is None

    only_nova = search(notes, q="upgrades", track="nova").get_json()["items"]
    assert {r["track"] for r in only_nova} == {"nova"}
    [item] = [r for r in only_nova if r["kind"] == "item"]
    assert item["item"]["owners"] == ["gibi"] and "<mark>" in item["snippet"]
    [note] = [r for r in only_nova if r["kind"] == "note"]
    assert "<script" not in note["snippet"] and "alert(1)" in note["snippet"]  # ts_headline drops tags

    notes.track(NOVA, "deleted")
    assert {r["track"] for r in search(notes, q="upgrades").get_json()["items"]} == {"kolla"}

    for q in ("", "?!..", "x" * 501):
        problem = search(notes, q=q)
        assert problem.status_code == 400 and "q" in problem.get_json()["errors"]
    assert "q" in search(notes).get_json()["errors"]
    missing = notes.client.get("/events/nowhere/search", query_string={"q": "upgrades"})
    assert missing.status_code == 404 and "event" in missing.get_json()["errors"]
    assert notes.client.get("/events/denver/search", query_string={"q": "upgrades"}, headers=ORGANISER).status_code == 200


def test_a_long_notes_snippet_shows_the_match_far_down_it(notes):
    notes.track()
    filler = "\n".join(f"* item {n}: the usual chatter about the week" for n in range(2000))
    deep = saved(notes, filler + "\n* We agreed to retire the kayobe gate next cycle.\n" + filler, title="Long")
    [result] = [r for r in search(notes, q="kayobe").get_json()["items"] if r["kind"] == "note"]
    assert result["note"]["session_id"] == deep
    assert "<mark>kayobe</mark> gate" in result["snippet"] and "chatter" not in result["snippet"]


def test_migration_0005_indexes_existing_notes_and_goes_back(infra):
    url = infra.database_url("notes_migration_0005")
    migrations.upgrade(notes_service.package_dir, url, "0004")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "insert into notes (id, kind, event, track, title, timezone, body, revision, created_at, updated_at) "
            "values ('s1', 'session', 'denver', 'kolla', 'Py3', 'UTC', 'the kayobe gate', 1, now(), now())"))
    migrations.upgrade(notes_service.package_dir, url)
    with engine.connect() as connection:
        assert connection.execute(sa.text(
            "select id from notes where search @@ plainto_tsquery('english', 'kayobe')")).all() == [("s1",)]
    command.downgrade(migrations.alembic_config(notes_service.package_dir, url), "0004")
    columns = {column["name"] for column in sa.inspect(engine).get_columns("notes")}
    assert "search" not in columns and "body" in columns
    engine.dispose()


def test_migration_0009_keeps_the_vectors_in_their_rows_and_goes_back(infra):
    url = infra.database_url("notes_migration_0009")
    migrations.upgrade(notes_service.package_dir, url, "0008")
    engine = sa.create_engine(url)
    storage = "select attstorage from pg_attribute where attrelid = 'notes'::regclass and attname = 'search'"
    with engine.begin() as connection:
        connection.execute(sa.text(
            "insert into notes (id, kind, event, track, title, timezone, body, revision, created_at, updated_at) "
            "values ('s1', 'session', 'denver', 'kolla', 'Py3', 'UTC', :body, 1, now(), now())"),
            {"body": " ".join(f"kayobe{n}" for n in range(300))})  # a vector of ~4 KB
        connection.execute(sa.text("update notes set search = to_tsvector('english', body)"))
        assert connection.execute(sa.text(storage)).scalar() == "x"
        toast = connection.execute(sa.text(
            "select reltoastrelid::regclass::text from pg_class where oid = 'notes'::regclass")).scalar()
        chunks = connection.execute(sa.text(f"select count(*) from {toast}")).scalar()  # the vector's among them
    migrations.upgrade(notes_service.package_dir, url)
    with engine.connect() as connection:
        assert connection.execute(sa.text(storage)).scalar() == "m"
        assert connection.execute(sa.text(f"select count(*) from {toast}")).scalar() < chunks  # now in the row
        assert connection.execute(sa.text(
            "select id from notes where search @@ plainto_tsquery('english', 'kayobe299')")).all() == [("s1",)]
        assert "ix_notes_searchable" in {index["name"] for index in sa.inspect(connection).get_indexes("notes")}
    command.downgrade(migrations.alembic_config(notes_service.package_dir, url), "0008")
    with engine.connect() as connection:
        assert connection.execute(sa.text(storage)).scalar() == "x"
    engine.dispose()


def unindexed(notes):
    with notes.database.engine.connect() as connection:
        return {row[0] for row in connection.execute(sa.text("select id from notes where search is null"))}


def test_a_saved_note_is_found_before_the_indexer_fills_its_vector_and_after(start_service, infra):
    from services.notes.operations import search as search_operations

    notes = Notes(start_service(notes_service, timers=[]), infra)  # no indexer: the test runs it
    notes.event()
    notes.track()
    session_id = saved(notes, "We agreed to retire the kayobe gate.\n#action hrw write the kayobe spec")
    assert session_id in unindexed(notes)  # the save left the vector to the indexer
    before = search(notes, q="kayobe gate").get_json()["items"]
    assert [(r["kind"], r["note"]["session_id"]) for r in before if r["kind"] == "note"] == [("note", session_id)]
    assert "<mark>kayobe</mark>" in before[0]["snippet"]

    with notes.database.unit_of_work() as uow:
        assert search_operations.index_saved_notes(uow) >= 1
        uow.commit()
    assert session_id not in unindexed(notes)
    after = search(notes, q="kayobe gate").get_json()["items"]
    assert [(r["kind"], r["note"]["session_id"], r["snippet"]) for r in after] == \
        [(r["kind"], r["note"]["session_id"], r["snippet"]) for r in before]

    assert notes.put(session_id, "Now about the kolla images only.", 1).status_code == 200
    assert session_id in unindexed(notes)  # a new body: the old vector is gone with it
    assert search(notes, q="kayobe gate").get_json()["items"] == []
    assert [r["kind"] for r in search(notes, q="kolla images").get_json()["items"]] == ["note"]


def test_a_burst_of_saves_is_indexed_in_a_few_steps_not_one_per_save(notes, monkeypatch):
    from services.notes import timers
    from services.notes.operations import search as search_operations

    notes.event()
    notes.track()
    index, steps = search_operations.index_saved_notes, []
    monkeypatch.setattr(search_operations, "index_saved_notes", lambda uow: steps.append(index(uow)) or steps[-1])
    time.sleep(timers.SETTLE + 0.3)  # the indexer is idle, waiting for a ring
    started = time.monotonic()
    ids = [saved(notes, f"the kayobe gate, part {n}", title=f"Part {n}") for n in range(12)]
    wait_until(lambda: not unindexed(notes) & set(ids), timeout=5, message="every vector filled")
    took = time.monotonic() - started
    assert sum(steps) >= 12 and len(steps) <= 1 + 2 * took / timers.SETTLE, (steps, took)


def test_the_worker_indexes_a_note_as_soon_as_it_is_saved(notes):
    notes.event()
    notes.track()
    session_id = saved(notes, "the kayobe gate")
    wait_until(lambda: session_id not in unindexed(notes), timeout=2,  # the poll alone waits 5 s: the ring did it
               message="the indexer filled the vector")
    with notes.database.engine.connect() as connection:
        assert connection.execute(sa.text(
            "select id from notes where search @@ plainto_tsquery('english', 'kayobe')")).scalars().all() == [session_id]
