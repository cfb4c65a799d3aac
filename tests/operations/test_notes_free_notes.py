"""An event's free notes (kind ``event``, named by a slug) on SQLite: created, listed, written with
every rule of the other notes (revisions, If-Match, the 1 MiB limit, lines, html, items and their
events), who may write them (organisers, a chair of any track of the event), retitling and deleting
(organisers; a deleted note is kept, read only), and their place in the event summary and search."""
import json
import uuid

import pytest
import sqlalchemy as sa

from services.kit.copies import TrackChange
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, Problem
from services.notes.descriptor import DESCRIPTOR
from services.notes.domain import MAX_BODY_BYTES, NoteKey
from services.notes.operations import copies, free_notes, notes, search, summaries
from services.notes.operations.copies import EventChange, SessionChange
from services.notes.schemas.free_notes import FreeNoteSchema
from services.notes.schemas.notes import NoteSchema
from services.notes.schemas.schedule_events import ScheduleEventSchema, ScheduleSessionSchema
from services.notes.schemas.search import SearchResultSchema

from .conftest import outbox_types, read, run

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}
KOLLA_CHAIR = {"sub": str(uuid.uuid4()), "name": "mgoddard", "role": "chair",
               "tracks": [{"event": "denver", "track": "kolla"}]}
ELSEWHERE_CHAIR = {"sub": str(uuid.uuid4()), "name": "gibi", "role": "chair",
                   "tracks": [{"event": "shanghai", "track": "kolla"}]}
RELAY = {"sub": "relay-token", "name": "irc-relay", "role": "integration", "tracks": [], "relay": True}
READER = {"sub": "reader", "name": "reader", "role": "integration", "tracks": []}
HALLWAY = NoteKey.of_event("denver", "hallway")
DENVER = {"slug": "denver", "name": "Denver III PTG", "timezone": "America/Denver",
          "start_date": "2019-05-02", "end_date": "2019-05-04", "updated_at": "2019-03-01T10:00:00+00:00"}


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    run(database, copies.follow_event, EventChange("created", ScheduleEventSchema().load(DENVER)))
    run(database, copies.follow_track, TrackChange("created", "kolla-id", "denver", "kolla", "Kolla"),
        [{"nick": "mgoddard", "name": "Mark Goddard"}])
    run(database, copies.follow_track, TrackChange("created", "nova-id", "denver", "nova", "Nova"),
        [{"nick": "gibi", "name": "Balazs Gibizer"}])
    return database


def create(database, slug="hallway", title="Hallway track", body=None, who=ORGANISER, event="denver"):
    return run(database, free_notes.create_free_note, who, free_notes.FreeNoteCreation(event, slug, title, body))


def save(database, key, body, revision, who=ORGANISER, if_match=None):
    return run(database, notes.edit_note, who, notes.NoteEdit(key, body, revision, if_match))


def listed(database, event="denver", limit=50, cursor=None):
    entries, next_cursor = read(database, free_notes.list_free_notes, event, limit, cursor)
    return FreeNoteSchema(many=True).dump(entries), next_cursor


def outbox(database):
    with database.engine.connect() as connection:
        rows = connection.execute(database.outbox.select().order_by(database.outbox.c.seq))
        return [(row.event_type, event["subject"], event["data"]) for row in rows
                for event in [json.loads(row.payload)]]


def test_a_free_note_is_created_empty_and_listed_with_its_title(database):
    note = create(database)
    dumped = NoteSchema().dump(note)
    assert (dumped["kind"], dumped["event"], dumped["slug"], dumped["title"], dumped["track"],
            dumped["session_id"], dumped["revision"], dumped["body"], dumped["timezone"]) == (
        "event", "denver", "hallway", "Hallway track", None, None, 0, "", "America/Denver")
    create(database, "cross-project", "Cross-project goals", "#agreed one goal per cycle\n", KOLLA_CHAIR)
    entries, cursor = listed(database)
    assert cursor is None
    assert [(e["slug"], e["title"], e["revision"], e["author"], e["url"]) for e in entries] == [
        ("cross-project", "Cross-project goals", 1, "mgoddard", "/api/v1/events/denver/notes/cross-project"),
        ("hallway", "Hallway track", 0, None, "/api/v1/events/denver/notes/hallway")]
    first, cursor = listed(database, limit=1)
    assert [e["slug"] for e in first] == ["cross-project"] and cursor
    assert [e["slug"] for e in listed(database, limit=1, cursor=cursor)[0]] == ["hallway"]
    assert outbox_types(database) == ["ptghub.notes.note.updated", "ptghub.notes.note.updated",
                                      "ptghub.notes.note.items.changed"]
    _type, subject, data = outbox(database)[0]
    assert subject == "denver/notes/hallway" and data["kind"] == "event" and data["slug"] == "hallway"


@pytest.mark.parametrize("slug", ["Hallway", "-retro", "", "hall way", "a" * 65, "retro!"])
def test_a_bad_slug_is_a_422_naming_it_and_creates_nothing(database, slug):
    with pytest.raises(Invalid) as caught:
        create(database, slug)
    assert caught.value.status == 422 and "slug" in caught.value.errors
    assert listed(database)[0] == [] and outbox_types(database) == []


def test_a_duplicate_slug_is_a_409_and_a_blank_title_a_422(database):
    create(database)
    with pytest.raises(Conflict) as caught:
        create(database, title="Another hallway")
    assert "slug" in caught.value.errors
    with pytest.raises(Invalid) as caught:
        create(database, "retro", "   ")
    assert "title" in caught.value.errors
    assert [e["title"] for e in listed(database)[0]] == ["Hallway track"]


def test_an_unknown_event_is_a_404_naming_the_event(database):
    for attempt in (lambda: create(database, event="berlin"),
                    lambda: listed(database, event="berlin"),
                    lambda: read(database, notes.get_note, NoteKey.of_event("berlin", "hallway"))):
        with pytest.raises(NotFound) as caught:
            attempt()
        assert "event" in caught.value.errors
    with pytest.raises(NotFound) as caught:
        read(database, notes.get_note, HALLWAY)
    assert "slug" in caught.value.errors


def test_organisers_and_a_chair_of_any_track_of_the_event_write_free_notes(database):
    create(database, who=KOLLA_CHAIR)
    save(database, HALLWAY, "kolla was here\n", 0, KOLLA_CHAIR)
    for who in (ELSEWHERE_CHAIR, READER):
        with pytest.raises(Forbidden) as caught:
            save(database, HALLWAY, "not mine", 1, who)
        assert "event" in caught.value.errors
        with pytest.raises(Forbidden):
            create(database, "retro", "Retro", who=who)
        with pytest.raises(Forbidden):
            run(database, notes.append_line, who, notes.LineAppend(HALLWAY, "nope"))
    run(database, notes.append_line, RELAY, notes.LineAppend(HALLWAY, "from the channel", "ttx"))
    note = read(database, notes.get_note, HALLWAY)
    assert (note.revision, note.body) == (2, "kolla was here\nfrom the channel\n")


def test_revisions_etags_limits_diff_restore_and_html_work_as_for_any_note(database):
    create(database)
    save(database, HALLWAY, "one\n", 0)
    with pytest.raises(PreconditionFailed):
        save(database, HALLWAY, "two\n", 1, if_match='"0"')
    with pytest.raises(Conflict) as caught:
        save(database, HALLWAY, "two\n", 0)
    assert caught.value.extra["current_revision"] == 1
    with pytest.raises(Problem) as caught:
        save(database, HALLWAY, "x" * (MAX_BODY_BYTES + 1), 1)
    assert caught.value.status == 413
    save(database, HALLWAY, "two [link](javascript:alert(1))\n", 1, if_match='"1"')
    run(database, notes.restore, ORGANISER, notes.Restore(HALLWAY, 1))
    with database.unit_of_work(readonly=True) as uow:
        revisions, _ = notes.list_revisions(uow, HALLWAY, 50, None)
        assert [(r.revision, r.body) for r in revisions] == [
            (3, "one\n"), (2, "two [link](javascript:alert(1))\n"), (1, "one\n")]
        assert notes.diff(uow, notes.Diff(HALLWAY, 1, 2)).startswith("--- revision 1\n+++ revision 2\n")
        assert notes.get_revision(uow, HALLWAY, 2).author == "ops"
    save(database, HALLWAY, "[link](javascript:alert(1)) <script>x</script>\n", 3)
    html = read(database, notes.show_note, HALLWAY, "html").text
    assert "href=\"javascript" not in html and "<script" not in html


def test_items_are_drawn_out_and_decided_with_the_event_chairs_as_people(database):
    create(database, body="#action mgoddard write the goal\ngibi offered to review the patches\n")
    with database.unit_of_work(readonly=True) as uow:
        items = [(i.kind, i.owners, i.state, i.id) for i in notes.list_items(uow, HALLWAY)]
    assert [(kind, owners, state) for kind, owners, state, _ in items] == [
        ("action", ["mgoddard"], "confirmed"), ("action", ["gibi"], "open")]
    suggestion = items[1][3]
    with pytest.raises(Forbidden):
        run(database, notes.decide_item, ELSEWHERE_CHAIR, notes.ItemDecision(HALLWAY, suggestion, "confirmed"))
    decided = run(database, notes.decide_item, KOLLA_CHAIR, notes.ItemDecision(HALLWAY, suggestion, "dismissed"))
    assert decided.state == "dismissed"
    changed = [(s, d) for t, s, d in outbox(database) if t == "ptghub.notes.note.items.changed"]
    assert len(changed) == 2
    subject, data = changed[0]
    assert subject == "denver/notes/hallway"
    assert data["note"] == {"id": data["note"]["id"], "kind": "event", "session_id": None, "event": "denver",
                            "track": None, "slug": "hallway"}
    assert [i["owners"] for i in data["added"]] == [["mgoddard"], ["gibi"]]
    assert [i["state"] for i in changed[1][1]["changed"]] == ["dismissed"]


def test_organisers_retitle_and_delete_and_a_deleted_note_is_kept_read_only(database):
    create(database, body="kept\n")
    with pytest.raises(Forbidden):
        run(database, free_notes.retitle_free_note, KOLLA_CHAIR, free_notes.Retitle(HALLWAY, "Mine"))
    with pytest.raises(Forbidden):
        run(database, free_notes.delete_free_note, KOLLA_CHAIR, HALLWAY)
    retitled = run(database, free_notes.retitle_free_note, ORGANISER, free_notes.Retitle(HALLWAY, "Corridor"))
    assert (retitled.title, retitled.revision) == ("Corridor", 1)
    run(database, free_notes.delete_free_note, ORGANISER, HALLWAY)
    assert outbox_types(database)[-2:] == ["ptghub.notes.note.updated", "ptghub.notes.note.deleted"]
    kept = read(database, notes.get_note, HALLWAY)
    assert (kept.status, kept.body, kept.title) == ("deleted", "kept\n", "Corridor")
    assert listed(database)[0] == []
    for attempt in (lambda: save(database, HALLWAY, "more", 1),
                    lambda: run(database, notes.append_line, ORGANISER, notes.LineAppend(HALLWAY, "more")),
                    lambda: run(database, free_notes.retitle_free_note, ORGANISER, free_notes.Retitle(HALLWAY, "x")),
                    lambda: run(database, free_notes.delete_free_note, ORGANISER, HALLWAY),
                    lambda: create(database)):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert "slug" in caught.value.errors
    with database.unit_of_work(readonly=True) as uow:
        assert [r.body for r in notes.list_revisions(uow, HALLWAY, 50, None)[0]] == ["kept\n"]


def test_the_free_notes_of_an_event_the_schedule_deleted_are_read_only(database):
    create(database, body="kept\n")
    run(database, copies.follow_event, EventChange("deleted", ScheduleEventSchema().load(
        {**DENVER, "updated_at": "2019-03-02T10:00:00+00:00"})))
    for attempt in (lambda: save(database, HALLWAY, "more", 1), lambda: create(database, "retro", "Retro")):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert "event" in caught.value.errors
    assert read(database, notes.get_note, HALLWAY).body == "kept\n"


def session(database, track="kolla", title="Python 3 images"):
    data = ScheduleSessionSchema().load({
        "id": str(uuid.uuid4()), "event": "denver", "track": track, "room": "aspen",
        "start": "2019-05-02T09:00:00-06:00", "end": "2019-05-02T10:45:00-06:00", "title": title,
        "timezone": "America/Denver"})
    run(database, copies.follow_session, SessionChange("scheduled", data))
    return NoteKey.of_session(data["id"])


def preview(database, event="denver"):
    return read(database, summaries.preview_summary, summaries.PreviewRequest(event, None, "text")).body


def test_the_event_summary_shows_the_free_notes_after_the_tracks(database):
    save(database, session(database), "#agreed python3 images by default\n", 0)
    create(database, "retro", "Retrospective", "#action ttx book a bigger room\n")
    create(database, "hallway", "Hallway track", "Someone said hello.\n")
    create(database, "empty", "Nothing yet")
    text = preview(database)
    assert text.index("# Kolla") < text.index("# Event notes") < text.index("## Hallway track") \
        < text.index("## Retrospective")
    assert "Nothing yet" not in text
    events_part = text[text.index("# Event notes"):]
    assert "- ttx: book a bigger room (Retrospective)" in events_part
    run(database, free_notes.delete_free_note, ORGANISER, NoteKey.of_event("denver", "retro"))
    assert "Retrospective" not in preview(database)
    published = run(database, summaries.publish_summary, ORGANISER, summaries.SummaryRequest("denver"))
    assert published.tracks == ("kolla",) and "Hallway track" in published.row.text


def test_an_event_with_only_free_notes_has_a_summary(database):
    with pytest.raises(Invalid):
        preview(database)
    create(database, body="#agreed meet again in Shanghai\n")
    assert "Agreed: meet again in Shanghai" in preview(database)


def find(database, q, track=None):
    with database.unit_of_work(readonly=True) as uow:
        results, _ = search.search_event(uow, search.SearchRequest("denver", q, track, 20, None))
        return SearchResultSchema(many=True).dump(results)


def test_search_finds_free_notes_and_their_items_with_their_slug_and_link(database):
    create(database, "retro", "Retrospective", "We should rotate the PTL more often.\n#action ttx draft the rotation\n")
    results = find(database, "rotation")
    assert {r["kind"] for r in results} == {"note", "item"}
    for result in results:
        assert result["note"] == {"kind": "event", "session_id": None, "event": "denver", "track": None,
                                  "slug": "retro"}
        assert (result["track"], result["session"], result["url"]) == (
            None, None, "/api/v1/events/denver/notes/retro")
    assert [r["kind"] for r in find(database, "Retrospective")] == ["note"]  # the title is searched
    assert find(database, "rotation", track="kolla") == []
    run(database, free_notes.delete_free_note, ORGANISER, NoteKey.of_event("denver", "retro"))
    assert find(database, "rotation") == []


def test_the_free_notes_unique_index_holds_one_slug_per_event(database):
    create(database)
    with database.engine.connect() as connection:
        kinds = connection.execute(sa.text("select kind, event, slug, track from notes")).all()
    assert kinds == [("event", "denver", "hallway", "")]


def test_migration_0006_on_sqlite_keeps_the_search_triggers_and_goes_back(tmp_path):
    from alembic import command

    from services.kit import migrations

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrations.upgrade(DESCRIPTOR.package_dir, url, "0005")
    engine = sa.create_engine(url)
    migrations.upgrade(DESCRIPTOR.package_dir, url)
    insert = sa.text("insert into notes (id, kind, event, track, slug, title, timezone, body, revision, created_at,"
                     " updated_at) values (:id, 'event', 'denver', '', 'retro', 'Retrospective', 'UTC', 'kayobe', 1,"
                     " '2019-01-01', '2019-01-01')")
    match = ("select k.note_id from notes_fts join notes_fts_keys k on k.key = notes_fts.rowid"
             " where notes_fts match :q")
    with engine.begin() as connection:
        connection.execute(insert, {"id": "f1"})
        assert connection.execute(sa.text(match), {"q": "retrospective"}).all() == [("f1",)]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"id": "f2"})
    command.downgrade(migrations.alembic_config(DESCRIPTOR.package_dir, url), "0005")
    with engine.begin() as connection:
        assert "slug" not in {c["name"] for c in sa.inspect(connection).get_columns("notes")}
        assert connection.execute(sa.text("select count(*) from notes")).scalar() == 0
        assert connection.execute(sa.text("select count(*) from sqlite_master where type = 'trigger'")).scalar() == 6
    engine.dispose()
