"""The notes operations against a SQLite database: edits and their revisions, who may (summaries:
test_notes_summaries.py)."""
import uuid

import pytest
import sqlalchemy as sa

from services.kit.copies import TrackChange
from services.kit.problems import Conflict, Forbidden, PreconditionFailed
from services.notes.descriptor import DESCRIPTOR
from services.notes.domain import NoteKey
from services.notes.operations import copies, notes, summaries
from services.notes.operations.copies import SessionChange
from services.notes.operations.summaries import SummaryRequest
from services.notes.schemas.notes import NoteSchema
from services.notes.schemas.schedule_events import ScheduleSessionSchema

from .conftest import outbox_types, run

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}
KOLLA_CHAIR = {"sub": str(uuid.uuid4()), "name": "mgoddard", "role": "chair",
               "tracks": [{"event": "denver", "track": "kolla"}]}


def session_data(event="denver", track="kolla", title="Python 3 images", start="09:00", end="10:45",
                 updated_at="2019-04-01T10:00:00+00:00", **extra):
    return ScheduleSessionSchema().load({
        "id": str(uuid.uuid4()), "event": event, "track": track, "room": "aspen",
        "start": f"2019-05-02T{start}:00-06:00", "end": f"2019-05-02T{end}:00-06:00", "title": title,
        "status": "scheduled", "timezone": "America/Denver", "updated_at": updated_at, **extra})


def track_change(verb="created", event="denver", slug="kolla", track_id=None):
    return TrackChange(verb, track_id or f"{event}-{slug}-id", event, slug, slug.title(),
                       "openstack-discuss@lists.openstack.org", slug)


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def schedule(database, **kwargs) -> str:
    data = session_data(**kwargs)
    run(database, copies.follow_session, SessionChange("scheduled", data))
    return data["id"]


def NoteEdit(session_id, body, revision, if_match=None):
    return notes.NoteEdit(NoteKey.of_session(session_id), body, revision, if_match)


def note(database, session_id) -> dict:
    with database.unit_of_work(readonly=True) as uow:
        return NoteSchema().dump(notes.get_note(uow, NoteKey.of_session(session_id)))


def revisions(database, session_id):
    with database.unit_of_work(readonly=True) as uow:
        items, _cursor = notes.list_revisions(uow, NoteKey.of_session(session_id), 50, None)
        return [(r.revision, r.body, r.author) for r in items]


def test_an_edit_makes_the_next_revision_written_by_the_tokens_name(database):
    session_id = schedule(database)
    edited = run(database, notes.edit_note, KOLLA_CHAIR, NoteEdit(session_id, "#agreed py3 first", 0))
    assert (edited.revision, edited.body) == (1, "#agreed py3 first")
    assert revisions(database, session_id) == [(1, "#agreed py3 first", "mgoddard")]
    assert outbox_types(database) == ["ptghub.notes.note.updated", "ptghub.notes.note.items.changed"]


def test_a_stale_revision_is_409_and_nothing_is_lost(database):
    session_id = schedule(database)
    run(database, notes.edit_note, ORGANISER, NoteEdit(session_id, "first", 0))
    with pytest.raises(Conflict) as caught:
        run(database, notes.edit_note, ORGANISER, NoteEdit(session_id, "made on revision 0", 0))
    assert caught.value.extra["current_revision"] == 1 and "revision" in caught.value.errors
    current = note(database, session_id)
    assert (current["revision"], current["body"]) == (1, "first")
    assert revisions(database, session_id) == [(1, "first", "ops")]
    assert outbox_types(database) == ["ptghub.notes.note.updated"]  # "first" has no items


def test_if_match_other_than_the_current_etag_is_412(database):
    session_id = schedule(database)
    run(database, notes.edit_note, ORGANISER, NoteEdit(session_id, "first", 0))
    with pytest.raises(PreconditionFailed) as caught:
        run(database, notes.edit_note, ORGANISER, NoteEdit(session_id, "second", 1, if_match='"0"'))
    assert caught.value.extra["current_revision"] == 1 and "If-Match" in caught.value.errors
    assert note(database, session_id)["body"] == "first"
    second = run(database, notes.edit_note, ORGANISER, NoteEdit(session_id, "second", 1, if_match='"1"'))
    assert second.revision == 2


def test_a_chair_of_kolla_at_one_event_is_refused_at_another(database):
    run(database, copies.follow_track, track_change(event="shanghai"))
    theirs = schedule(database, event="shanghai")
    with pytest.raises(Forbidden) as caught:
        run(database, notes.edit_note, KOLLA_CHAIR, NoteEdit(theirs, "mine now", 0))
    assert "track" in caught.value.errors
    with pytest.raises(Forbidden):
        run(database, summaries.publish_summary, KOLLA_CHAIR, SummaryRequest("shanghai", "kolla"))
    assert note(database, theirs)["revision"] == 0
    assert outbox_types(database) == []


def test_a_deleted_session_keeps_its_note_marked_deleted(database):
    data = session_data()
    run(database, copies.follow_session, SessionChange("scheduled", data))
    run(database, notes.edit_note, ORGANISER, NoteEdit(data["id"], "kept", 0))
    later = {**data, "updated_at": data["updated_at"].replace(day=2)}
    run(database, copies.follow_session, SessionChange("deleted", later))
    kept = note(database, data["id"])
    assert (kept["status"], kept["body"], kept["revision"]) == ("deleted", "kept", 1)


def test_an_older_version_of_a_session_changes_nothing(database):
    data = session_data(updated_at="2019-04-02T10:00:00+00:00")
    run(database, copies.follow_session, SessionChange("scheduled", data))
    older = {**data, "title": "Older", "updated_at": data["updated_at"].replace(day=1)}
    run(database, copies.follow_session, SessionChange("updated", older))
    assert note(database, data["id"])["title"] == "Python 3 images"


def test_migration_0008_reads_the_revisions_authors_from_an_index_and_goes_back(tmp_path):
    from alembic import command

    from services.kit import migrations

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrations.upgrade(DESCRIPTOR.package_dir, url)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        plan = connection.execute(sa.text(
            "explain query plan select distinct author from note_revisions where note_id = 'n'")).all()
    assert any("COVERING INDEX ix_note_revisions_authors" in row[-1] for row in plan), plan
    command.downgrade(migrations.alembic_config(DESCRIPTOR.package_dir, url), "0007")
    with engine.connect() as connection:
        assert "ix_note_revisions_authors" not in {i["name"] for i in sa.inspect(connection).get_indexes("note_revisions")}
    engine.dispose()
