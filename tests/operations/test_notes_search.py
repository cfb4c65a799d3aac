"""Search over an event's notes and items on SQLite (FTS5): ranking, the track filter, safe snippets,
items, what is left out (deleted sessions, retired tracks, dismissed items) and bad queries."""
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from services.kit import migrations
from services.kit.copies import TrackChange
from services.kit.problems import NotFound, Problem
from services.notes.descriptor import DESCRIPTOR
from services.notes.domain import NoteKey
from services.notes.operations import copies, notes, search
from services.notes.operations.copies import SessionChange
from services.notes.schemas.schedule_events import ScheduleSessionSchema
from services.notes.schemas.search import SearchResultSchema

from .conftest import run, transaction

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    with transaction(database) as uow:
        for slug in ("kolla", "nova"):
            copies.follow_track(uow, TrackChange("created", f"{slug}-id", "denver", slug, slug.title()), [])
    return database


def schedule(database, track="kolla", title="Kolla week", session_id=None) -> tuple[NoteKey, dict]:
    data = ScheduleSessionSchema().load({
        "id": session_id or str(uuid.uuid4()), "event": "denver", "track": track, "room": "aspen",
        "start": "2019-04-29T09:00:00-06:00", "end": "2019-04-29T11:00:00-06:00", "title": title,
        "timezone": "America/Denver"})
    run(database, copies.follow_session, SessionChange("scheduled", data))
    return NoteKey.of_session(data["id"]), data


def save(database, key, body, revision=0):
    return run(database, notes.edit_note, ORGANISER, notes.NoteEdit(key, body, revision))


def find(database, q, track=None, limit=20, cursor=None, event="denver"):
    with database.unit_of_work(readonly=True) as uow:
        results, next_cursor = search.search_event(uow, search.SearchRequest(event, q, track, limit, cursor))
        return SearchResultSchema(many=True).dump(results), next_cursor


def test_the_better_match_comes_first_with_its_session_track_and_link(database):
    weak, _ = schedule(database, title="Py3 goals")
    strong, data = schedule(database, title="Upgrades")
    save(database, weak, "We talked about many things. Upgrades were mentioned once.\n")
    save(database, strong, "Upgrades: rolling upgrades, upgrade checks, the upgrade job.\nMore on upgrading.\n")
    results, cursor = find(database, "upgrades")
    notes_found = [r for r in results if r["kind"] == "note"]
    assert [r["note"]["session_id"] for r in notes_found] == [strong.session_id, weak.session_id]
    best = notes_found[0]
    assert best["session"] == {"id": strong.session_id, "title": "Upgrades", "start": "2019-04-29T09:00:00-06:00"}
    assert best["track"] == "kolla" and best["url"] == f"/api/v1/sessions/{strong.session_id}/note"
    assert best["item"] is None and best["rank"] > notes_found[1]["rank"]
    assert cursor is None


def test_the_track_filter_and_track_notes(database):
    kolla, _ = schedule(database)
    save(database, kolla, "the gate is broken\n")
    run(database, notes.edit_note, ORGANISER, notes.NoteEdit(NoteKey.of_track("denver", "nova"), "gate jobs\n", 0))
    results, _ = find(database, "gate")
    assert {r["track"] for r in results} == {"kolla", "nova"}
    results, _ = find(database, "gate", track="nova")
    assert [(r["note"]["kind"], r["session"], r["url"]) for r in results] == [
        ("track", None, "/api/v1/events/denver/tracks/nova/note")]


def test_the_snippet_marks_the_term_and_escapes_html(database):
    key, _ = schedule(database)
    save(database, key, 'Try <script>alert("x")</script> in the dashboard & see.\n')
    [result], _ = find(database, "dashboard")
    assert "<mark>dashboard</mark>" in result["snippet"]
    assert "<script>" not in result["snippet"] and "&lt;script&gt;" in result["snippet"]
    assert "&amp;" in result["snippet"]


def test_items_are_found_and_dismissed_ones_left_out(database):
    key, _ = schedule(database)
    save(database, key, "#action hrw write the kayobe spec\nThe spec was discussed.\n")
    results, _ = find(database, "kayobe")
    [item] = [r for r in results if r["kind"] == "item"]
    assert item["item"]["kind"] == "action" and item["item"]["owners"] == ["hrw"]
    assert "<mark>kayobe</mark>" in item["snippet"]
    run(database, notes.decide_item, ORGANISER, notes.ItemDecision(key, item["item"]["id"], "dismissed"))
    assert [r["kind"] for r in find(database, "kayobe")[0]] == ["note"]


def test_an_edit_replaces_what_is_found(database):
    key, _ = schedule(database)
    save(database, key, "ironic\n")
    save(database, key, "neutron\n", 1)
    assert find(database, "ironic")[0] == []
    assert len(find(database, "neutron")[0]) == 1


def test_deleted_sessions_and_retired_tracks_are_left_out(database):
    gone, data = schedule(database)
    kept, _ = schedule(database, track="nova")
    save(database, gone, "cyborg\n")
    save(database, kept, "cyborg\n")
    run(database, copies.follow_session, SessionChange("deleted", {**data, "updated_at": None}))
    assert [r["track"] for r in find(database, "cyborg")[0]] == ["nova"]
    with transaction(database) as uow:
        copies.follow_track(uow, TrackChange("deleted", "nova-id", "denver", "nova", "Nova"))
    assert find(database, "cyborg")[0] == []


def test_pages_follow_the_cursor(database):
    for n in range(3):
        key, _ = schedule(database)
        save(database, key, f"placement {'placement ' * n}\n")
    first, cursor = find(database, "placement", limit=2)
    second, last = find(database, "placement", limit=2, cursor=cursor)
    assert len(first) == 2 and len(second) == 1 and last is None
    assert {r["note"]["session_id"] for r in first}.isdisjoint({r["note"]["session_id"] for r in second})


@pytest.mark.parametrize("q", ["", "   ", "?!-- ...", '"*"', "x" * 501])
def test_a_bad_query_is_a_400_naming_q(database, q):
    schedule(database)
    with pytest.raises(Problem) as raised:
        find(database, q)
    assert raised.value.status == 400 and "q" in raised.value.errors


def test_fts_syntax_in_a_query_is_only_words(database):
    key, _ = schedule(database)
    save(database, key, "cells v2: or near the end\n")
    assert len(find(database, 'cells OR "v2" NEAR(')[0]) == 1


def test_an_unknown_event_is_a_404_naming_event(database):
    with pytest.raises(NotFound) as raised:
        find(database, "nova", event="nowhere")
    assert "event" in raised.value.errors


def migrated_with_a_note(url):
    """An engine on ``url`` (migrated to a past revision) holding one saved session note, ``s1``."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "insert into notes (id, kind, event, track, title, timezone, body, revision, created_at, updated_at) "
            "values ('s1', 'session', 'denver', 'kolla', 'Py3', 'UTC', 'the kayobe gate', 1, '2019-01-01', "
            "'2019-01-01')"))
    return engine


def test_migration_0005_on_sqlite_fills_the_index_keeps_it_in_step_and_goes_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrations.upgrade(DESCRIPTOR.package_dir, url, "0004")
    engine = migrated_with_a_note(url)
    migrations.upgrade(DESCRIPTOR.package_dir, url)
    match = ("select k.note_id from notes_fts join notes_fts_keys k on k.key = notes_fts.rowid"
             " where notes_fts match :q")
    with engine.begin() as connection:
        assert connection.execute(sa.text(match), {"q": "kayobe"}).all() == [("s1",)]
        connection.execute(sa.text("update notes set body = 'neutron' where id = 's1'"))
        assert connection.execute(sa.text(match), {"q": "kayobe"}).all() == []
        assert connection.execute(sa.text(match), {"q": "neutron"}).all() == [("s1",)]
    command.downgrade(migrations.alembic_config(DESCRIPTOR.package_dir, url), "0004")
    assert not {"notes_fts", "note_items_fts", "notes_fts_keys", "note_items_fts_keys"} & set(
        sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from sqlite_master where type = 'trigger'")).scalar() == 0
    engine.dispose()


def test_migration_0009_on_sqlite_keys_the_index_fills_it_and_goes_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrations.upgrade(DESCRIPTOR.package_dir, url, "0008")
    engine = migrated_with_a_note(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "insert into note_items (id, note_id, kind, text, source, line, owners, suggested, state, urls) "
            "values ('i1', 's1', 'action', 'write the kayobe spec', 'x', 1, '[]', 0, 'dismissed', '[]')"))
    migrations.upgrade(DESCRIPTOR.package_dir, url)
    keyed = ("select k.note_id from notes_fts join notes_fts_keys k on k.key = notes_fts.rowid"
             " where notes_fts match :q")
    items = ("select k.item_id, k.dismissed from note_items_fts join note_items_fts_keys k"
             " on k.key = note_items_fts.rowid where note_items_fts match :q")
    with engine.begin() as connection:
        assert connection.execute(sa.text(keyed), {"q": "kayobe"}).all() == [("s1",)]
        assert connection.execute(sa.text(items), {"q": "kayobe"}).all() == [("i1", 1)]
        connection.execute(sa.text("update note_items set state = 'open' where id = 'i1'"))
        assert connection.execute(sa.text(items), {"q": "kayobe"}).all() == [("i1", 0)]
        connection.execute(sa.text("update notes set body = 'neutron' where id = 's1'"))
        assert connection.execute(sa.text(keyed), {"q": "kayobe"}).all() == []
        assert connection.execute(sa.text(keyed), {"q": "neutron"}).all() == [("s1",)]
    command.downgrade(migrations.alembic_config(DESCRIPTOR.package_dir, url), "0008")
    assert not {"notes_fts_keys", "note_items_fts_keys"} & set(sa.inspect(engine).get_table_names())
    with engine.begin() as connection:
        assert connection.execute(sa.text("select note_id from notes_fts where notes_fts match 'neutron'")).all() == \
            [("s1",)]
        connection.execute(sa.text("update notes set body = 'cinder' where id = 's1'"))
        assert connection.execute(sa.text("select note_id from notes_fts where notes_fts match 'cinder'")).all() == \
            [("s1",)]
    engine.dispose()


def test_the_index_follows_saves_and_deletes_without_a_copy_of_the_text(database):
    key, data = schedule(database)
    save(database, key, "#action hrw write the kayobe spec\nThe kayobe gate was discussed.\n")
    results, _ = find(database, "kayobe")
    assert sorted(r["kind"] for r in results) == ["item", "note"]
    with database.engine.connect() as connection:  # the FTS5 tables read the notes' own rows
        stored = {row[0] for row in connection.execute(sa.text("select name from sqlite_master"))}
        assert "notes_fts_content" not in stored and "note_items_fts_content" not in stored
    save(database, key, "The kayobe gate was discussed.\n", revision=1)  # the item is gone with its line
    assert [r["kind"] for r in find(database, "kayobe")[0]] == ["note"]
    assert find(database, "spec")[0] == []
    run(database, copies.follow_session, SessionChange("deleted", data))
    assert find(database, "kayobe")[0] == []
