"""The notes operations for both kinds of note (a session's, a track's): revisions, diffs, restores,
appended lines, the body's limits, the html rendering, relayed MeetBot lines; nothing lost on a refusal."""
import threading
import uuid
from datetime import datetime, timezone

import pytest

from services.kit.copies import TrackChange
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, Problem
from services.notes.descriptor import DESCRIPTOR
from services.notes.domain import MAX_BODY_BYTES, NoteKey
from services.notes.operations import copies, notes
from services.notes.operations.copies import SessionChange
from services.notes.schemas.schedule_events import ScheduleSessionSchema

from .conftest import outbox_types, read, run, transaction

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}
KOLLA_CHAIR = {"sub": str(uuid.uuid4()), "name": "mgoddard", "role": "chair",
               "tracks": [{"event": "denver", "track": "kolla"}]}
NOVA_CHAIR = {"sub": str(uuid.uuid4()), "name": "gibi", "role": "chair", "tracks": [{"event": "denver", "track": "nova"}]}
RELAY = {"sub": "relay-token", "name": "irc-relay", "role": "integration", "tracks": [], "relay": True}
KOLLA = NoteKey.of_track("denver", "kolla")


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    with transaction(database) as uow:
        copies.follow_track(uow, TrackChange("created", "kolla-id", "denver", "kolla", "Kolla"),
                            [{"nick": "mgoddard", "name": "Mark Goddard", "email": "mark@stackhpc.com"}])
    return database


def schedule(database, track="kolla") -> NoteKey:
    data = ScheduleSessionSchema().load({
        "id": str(uuid.uuid4()), "event": "denver", "track": track, "room": "aspen",
        "start": "2019-04-29T09:00:00-06:00", "end": "2019-05-03T17:00:00-06:00", "title": "Kolla week",
        "timezone": "America/Denver"})
    run(database, copies.follow_session, SessionChange("scheduled", data))
    return NoteKey.of_session(data["id"])


def save(database, key, body, revision, who=ORGANISER, if_match=None):
    return run(database, notes.edit_note, who, notes.NoteEdit(key, body, revision, if_match))


def bodies(database, key):
    with database.unit_of_work(readonly=True) as uow:
        items, _ = notes.list_revisions(uow, key, 50, None)
        return [(r.revision, r.body, r.author) for r in items]


def test_a_track_has_one_note_empty_until_its_first_save(database):
    empty = read(database, notes.get_note, KOLLA)
    assert (empty.kind, empty.revision, empty.body, empty.session_id) == ("track", 0, "", None)
    first = save(database, KOLLA, "Kolla's week", 0, KOLLA_CHAIR)
    second = save(database, KOLLA, "Kolla's week\nday 2", 1)
    assert first.id == second.id and second.revision == 2
    assert bodies(database, KOLLA) == [(2, "Kolla's week\nday 2", "ops"), (1, "Kolla's week", "mgoddard")]
    assert outbox_types(database) == ["ptghub.notes.note.updated"] * 2


def test_a_note_of_a_track_notes_never_heard_of_is_404_naming_the_track(database):
    with pytest.raises(NotFound) as caught:
        read(database, notes.get_note, NoteKey.of_track("denver", "nova"))
    assert "track" in caught.value.errors
    with pytest.raises(NotFound) as caught:
        save(database, NoteKey.of_session(str(uuid.uuid4())), "x", 0)
    assert "session_id" in caught.value.errors


@pytest.mark.parametrize("kind", ["session", "track"])
def test_a_chair_of_another_track_may_not_write_either_kind(database, kind):
    key = schedule(database) if kind == "session" else KOLLA
    with pytest.raises(Forbidden) as caught:
        save(database, key, "nova was here", 0, NOVA_CHAIR)
    assert "track" in caught.value.errors
    with pytest.raises(Forbidden):
        run(database, notes.append_line, NOVA_CHAIR, notes.LineAppend(key, "nova was here"))
    assert outbox_types(database) == []


@pytest.mark.parametrize("kind", ["session", "track"])
def test_the_notes_of_a_deleted_track_are_read_only(database, kind):
    key = schedule(database) if kind == "session" else KOLLA
    save(database, key, "kept", 0)
    run(database, copies.follow_track, TrackChange("deleted", "kolla-id", "denver", "kolla", "Kolla"))
    for attempt in (lambda: save(database, key, "more", 1),
                    lambda: run(database, notes.append_line, ORGANISER, notes.LineAppend(key, "more")),
                    lambda: run(database, notes.restore, ORGANISER, notes.Restore(key, 1))):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert "track" in caught.value.errors
    assert read(database, notes.get_note, key).body == "kept"


def test_stale_etag_or_revision_on_a_track_note_loses_nothing(database):
    save(database, KOLLA, "one", 0)
    with pytest.raises(PreconditionFailed):
        save(database, KOLLA, "two", 1, if_match='"0"')
    with pytest.raises(Conflict) as caught:
        save(database, KOLLA, "two", 0)
    assert caught.value.extra["current_revision"] == 1
    assert bodies(database, KOLLA) == [(1, "one", "ops")]


def test_a_revision_its_diff_and_its_restore(database):
    key = schedule(database)
    save(database, key, "a\nb\n", 0)
    save(database, key, "a\nc\n", 1)
    assert read(database, notes.get_revision, key, 1).body == "a\nb\n"
    assert read(database, notes.diff, notes.Diff(key, 1, 2)) == (
        "--- revision 1\n+++ revision 2\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
    restored = run(database, notes.restore, KOLLA_CHAIR, notes.Restore(key, 1))
    assert (restored.revision, restored.body) == (3, "a\nb\n")
    assert bodies(database, key)[0] == (3, "a\nb\n", "mgoddard")


@pytest.mark.parametrize("call, field", [
    (lambda db, key: read(db, notes.get_revision, key, 7), "revision"),
    (lambda db, key: read(db, notes.diff, notes.Diff(key, 9, 1)), "from"),
    (lambda db, key: read(db, notes.diff, notes.Diff(key, 1, 9)), "to"),
    (lambda db, key: run(db, notes.restore, ORGANISER, notes.Restore(key, 9)), "revision"),
])
def test_an_unknown_revision_is_404_naming_it(database, call, field):
    key = schedule(database)
    save(database, key, "a", 0)
    with pytest.raises(NotFound) as caught:
        call(database, key)
    assert field in caught.value.errors
    assert [r[0] for r in bodies(database, key)] == [1]


def test_a_body_over_1_mib_is_413_naming_the_limit(database):
    key = schedule(database)
    save(database, key, "x" * (MAX_BODY_BYTES - 2), 0)
    for attempt in (lambda: save(database, key, "é" * (MAX_BODY_BYTES // 2 + 1), 1),
                    lambda: run(database, notes.append_line, ORGANISER, notes.LineAppend(key, "yy"))):
        with pytest.raises(Problem) as caught:
            attempt()
        assert caught.value.status == 413
        assert caught.value.errors == {"body": [f"at most {MAX_BODY_BYTES} bytes"]}
        assert caught.value.extra["limit"] == MAX_BODY_BYTES
    assert read(database, notes.get_note, key).revision == 1


def test_a_marker_with_no_text_is_422_naming_the_line_and_saves_nothing(database):
    key = schedule(database)
    with pytest.raises(Invalid) as caught:
        save(database, key, "notes\n#action\nmore", 0)
    assert caught.value.status == 422 and "line 2" in caught.value.errors["body"][0]
    assert caught.value.extra["lines"] == [2]
    assert bodies(database, key) == [] and outbox_types(database) == []


def test_appended_lines_never_conflict_and_relays_name_the_nick(database):
    key = schedule(database)
    save(database, key, "# Kolla", 0)
    run(database, notes.append_line, KOLLA_CHAIR, notes.LineAppend(key, "first line"))
    run(database, notes.append_line, RELAY, notes.LineAppend(key, "#info from chat", "hrw"))
    assert read(database, notes.get_note, key).body == "# Kolla\nfirst line\n#info from chat\n"
    assert [r[2] for r in bodies(database, key)] == ["hrw", "mgoddard", "ops"]
    with pytest.raises(Forbidden) as caught:
        run(database, notes.append_line, ORGANISER, notes.LineAppend(key, "x", "somebody"))
    assert "nick" in caught.value.errors


def test_two_appends_at_once_are_both_kept(database):
    run(database, notes.append_line, ORGANISER, notes.LineAppend(KOLLA, "start"))
    threads = [threading.Thread(target=run, args=(database, notes.append_line, ORGANISER,
                                                  notes.LineAppend(KOLLA, f"line {i}"))) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    body = read(database, notes.get_note, KOLLA).body
    assert sorted(body.splitlines()) == ["line 0", "line 1", "start"]


def test_the_html_rendering_is_sanitised(database):
    key = schedule(database)
    save(database, key, "# Kolla\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
                        "[bad](javascript:alert(1)) <a href=\"javascript:alert(2)\">bad</a> [ok](https://opendev.org)", 0)
    html = read(database, notes.show_note, key, "html").text
    assert "<h1>Kolla</h1>" in html and 'href="https://opendev.org"' in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html.replace("](javascript:", "")
    assert 'href="javascript' not in html
    assert read(database, notes.show_note, key, "markdown").text.startswith("# Kolla")


def test_a_relayed_line_goes_to_the_session_under_way_or_the_track_note(database):
    key = schedule(database)
    at = datetime(2019, 4, 30, 16, 0, tzinfo=timezone.utc)
    run(database, notes.relay_line, notes.RelayedLine("denver", "kolla", key.session_id, "hrw", "#action hrw fix CI by Friday", at))
    run(database, notes.relay_line, notes.RelayedLine("denver", "kolla", None, "mnasiadka", "#link https://review.opendev.org/1", at))
    assert read(database, notes.get_note, key).body == "#action hrw fix CI by Friday\n"
    assert read(database, notes.get_note, KOLLA).body == "#link https://review.opendev.org/1\n"
    assert [r[2] for r in bodies(database, key)] == ["hrw"]
    [item] = read(database, notes.list_items, key)
    assert (item.owners, str(item.due)) == (["hrw"], "2019-05-03")  # Friday of the event's week
    with pytest.raises(NotFound):
        run(database, notes.relay_line, notes.RelayedLine("denver", "kolla", str(uuid.uuid4()), "hrw", "#info x", at))
