"""The notes service against real PostgreSQL and RabbitMQ, fed the schedule's events over the exchange."""
import threading
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from services.kit import migrations
from services.notes.descriptor import DESCRIPTOR as notes_service

from ..conftest import ORGANISER, principal_header
from ..infra import publish_event, wait_until

pytestmark = pytest.mark.integration

KOLLA = {"id": str(uuid.uuid4()), "event": "denver", "slug": "kolla", "name": "Kolla",
         "mailing_list": "openstack-discuss@lists.openstack.org", "subject_tag": "kolla"}

DENVER = {"id": str(uuid.uuid4()), "slug": "denver", "name": "Denver III PTG", "timezone": "America/Denver",
          "start_date": "2019-05-02", "end_date": "2019-05-04", "version": 1,
          "created_at": "2019-03-01T10:00:00+00:00", "updated_at": "2019-03-01T10:00:00+00:00"}


def session_data(session_id=None, title="Python 3 images", start="09:00", end="10:45", day="2019-05-02",
                 track="kolla", status="scheduled", updated_at="2019-04-01T10:00:00+00:00"):
    return {"id": session_id or str(uuid.uuid4()), "event": "denver", "track": track, "room": "aspen",
            "start": f"{day}T{start}:00-06:00", "end": f"{day}T{end}:00-06:00", "title": title,
            "description": "", "status": status, "timezone": "America/Denver",
            "created_at": "2019-04-01T10:00:00+00:00", "updated_at": updated_at}


class Notes:
    """The running notes service, and the schedule it hears from (events published on the exchange)."""

    def __init__(self, service, infra):
        self.service, self.infra = service, infra
        self.client, self.database = service.client, service.database

    def publish(self, type, data, **kwargs):
        return publish_event(self.infra.amqp_url, self.infra.exchange, type, data, **kwargs)

    def processed(self, event_id) -> bool:
        with self.database.engine.connect() as connection:
            return connection.execute(sa.text("select count(*) from inbox where event_id = :id"),
                                      {"id": event_id}).scalar_one() == 1

    def wait_processed(self, cloud_event):
        wait_until(lambda: self.processed(cloud_event.id), message=f"event {cloud_event.type} consumed")

    def event(self, data=DENVER, verb="created"):
        self.wait_processed(self.publish(f"ptghub.schedule.event.{verb}", data, subject=data["slug"]))

    def track(self, data=KOLLA, verb="created"):
        self.wait_processed(self.publish(f"ptghub.schedule.track.{verb}", data))

    def schedule(self, **kwargs) -> str:
        data = session_data(**kwargs)
        self.wait_processed(self.publish("ptghub.schedule.session.scheduled", data, subject=data["id"]))
        return data["id"]

    def note(self, session_id):
        return self.client.get(f"/sessions/{session_id}/note")

    def put(self, session_id, body, revision, headers=ORGANISER, **extra):
        return self.client.put(f"/sessions/{session_id}/note", json={"body": body, "revision": revision},
                               headers={**headers, **extra})

    def count(self, table: str, where: str = "true") -> int:
        with self.database.engine.connect() as connection:
            return connection.execute(sa.text(f"select count(*) from {table} where {where}")).scalar_one()


@pytest.fixture
def notes(start_service, infra):
    return Notes(start_service(notes_service), infra)


def test_a_scheduled_session_gets_an_empty_note_that_follows_the_session(notes):
    session_id = str(uuid.uuid4())
    first = notes.publish("ptghub.schedule.session.scheduled", session_data(session_id, "Python 3 images"))
    wait_until(lambda: notes.note(session_id).status_code == 200, message="note created")
    response = notes.note(session_id)
    assert response.headers["ETag"] == '"0"'
    note = response.get_json()
    assert note == {**note, "session_id": session_id, "event": "denver", "track": "kolla", "room": "aspen",
                    "title": "Python 3 images", "start": "2019-05-02T09:00:00-06:00",
                    "end": "2019-05-02T10:45:00-06:00", "body": "", "revision": 0, "status": "scheduled"}

    notes.wait_processed(notes.publish("ptghub.schedule.session.updated",
                                       session_data(session_id, "Py3 images", updated_at="2019-04-02T10:00:00+00:00")))
    assert notes.note(session_id).get_json()["title"] == "Py3 images"

    # The same event id again (a relay re-send), even carrying other data, does nothing twice;
    # an older version of the session (reordered events) does not overwrite a newer copy.
    notes.publish("ptghub.schedule.session.scheduled",
                  session_data(session_id, "Re-sent", updated_at="2019-04-09T10:00:00+00:00"), id=first.id)
    notes.publish("ptghub.schedule.session.updated",
                  session_data(session_id, "Older", updated_at="2019-04-01T11:00:00+00:00"))
    notes.schedule(title="marker: everything before me was handled")
    assert notes.note(session_id).get_json()["title"] == "Py3 images"
    assert notes.count("inbox", f"event_id = '{first.id}'") == 1

    notes.wait_processed(notes.publish("ptghub.schedule.session.cancelled",
                                       session_data(session_id, "Py3 images", updated_at="2019-04-03T10:00:00+00:00")))
    note = notes.note(session_id).get_json()
    assert note["status"] == "cancelled" and note["revision"] == 0
    assert notes.note(str(uuid.uuid4())).status_code == 404
    assert "session_id" in notes.note(str(uuid.uuid4())).get_json()["errors"]


def test_edits_move_the_revision_and_stale_ones_are_refused(notes, probe):
    session_id = notes.schedule()
    response = notes.put(session_id, "#agreed build python 3 images first", 0)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.get_json()["revision"] == 1
    event = probe.wait_for("ptghub.notes.note.updated", lambda e: e["subject"] == session_id)
    assert event["data"] == response.get_json()
    assert event["source"] == "/ptghub/notes"

    stale = notes.put(session_id, "my edit of revision 0", 0)
    assert stale.status_code == 409 and stale.content_type == "application/problem+json"
    assert "revision" in stale.get_json()["errors"]
    assert stale.get_json()["current_revision"] == 1

    precondition = notes.put(session_id, "edit", 1, **{"If-Match": '"0"'})
    assert precondition.status_code == 412 and precondition.content_type == "application/problem+json"
    assert precondition.get_json()["current_revision"] == 1

    second = notes.put(session_id, "#action mgoddard write the spec", 1, **{"If-Match": '"1"'})
    assert second.status_code == 200 and second.headers["ETag"] == '"2"'
    current = notes.note(session_id)
    assert current.headers["ETag"] == '"2"'
    assert current.get_json()["body"] == "#action mgoddard write the spec"

    first_page = notes.client.get(f"/sessions/{session_id}/note/revisions?limit=1").get_json()
    assert [(r["revision"], r["author"]) for r in first_page["items"]] == [(2, "tester")]
    rest = notes.client.get(f"/sessions/{session_id}/note/revisions?limit=1&cursor={first_page['next_cursor']}")
    assert [r["body"] for r in rest.get_json()["items"]] == ["#agreed build python 3 images first"]
    assert rest.get_json()["next_cursor"] is None
    for cursor in ("WyJ4Il0", "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDBd", "garbage"):
        assert notes.client.get(f"/sessions/{session_id}/note/revisions?cursor={cursor}").status_code == 400
    assert notes.count("outbox", "event_type = 'ptghub.notes.note.updated'") == 2


@pytest.mark.parametrize("body, field, status", [
    ({"body": "text"}, "revision", 400),
    ({"revision": 0}, "body", 400),
    ({"body": "text", "revision": "0"}, "revision", 400),
    ({"body": "text", "revision": -1}, "revision", 400),
    ({"body": 5, "revision": 0}, "body", 400),
    ({"body": "x" * 1_048_577, "revision": 0}, "body", 413),
    ({"body": "#action", "revision": 0}, "body", 422),
    ({"body": "nul \x00 byte", "revision": 0}, "body", 400),
    ({"body": "text", "revision": 0, "title": "not yours to change"}, "title", 400),
    ({"body": "text", "revision": 3}, "revision", 409),
    ("not json", "body", 400),
    (b'{"body": "\xff\xfe not UTF-8", "revision": 0}', "body", 400),
])
def test_bad_edits_get_a_problem_naming_the_field_and_write_nothing(notes, body, field, status):
    session_id = notes.schedule()
    if isinstance(body, (str, bytes)):
        response = notes.client.put(f"/sessions/{session_id}/note", data=body, headers=ORGANISER,
                                    content_type="application/json")
    else:
        response = notes.client.put(f"/sessions/{session_id}/note", json=body, headers=ORGANISER)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert notes.note(session_id).get_json()["revision"] == 0
    assert notes.count("note_revisions") == 0
    assert notes.count("outbox") == 0


def test_an_edit_of_an_unknown_session_is_404_naming_it(notes):
    response = notes.put(str(uuid.uuid4()), "text", 0)
    assert response.status_code == 404 and "session_id" in response.get_json()["errors"]
    response = notes.client.get("/sessions/a%00b/note")
    assert response.status_code == 400 and "session_id" in response.get_json()["errors"]


def test_a_chair_edits_only_its_own_tracks_notes(notes):
    session_id = notes.schedule()
    assert notes.put(session_id, "x", 0, principal_header("chair", [("denver", "nova")])).status_code == 403
    assert notes.put(session_id, "x", 0, {}).status_code == 403
    token = principal_header("chair", [("denver", "kolla")], sub=str(uuid.uuid4()), name="mgoddard")
    response = notes.put(session_id, "x", 0, token)
    assert response.status_code == 200
    revisions = notes.client.get(f"/sessions/{session_id}/note/revisions").get_json()["items"]
    assert [r["author"] for r in revisions] == ["mgoddard"]  # the token's name, not its id


def test_concurrent_edits_of_one_revision_let_exactly_one_through(notes):
    session_id = notes.schedule()
    statuses = []

    def edit(i):
        with notes.service.app.test_client() as client:
            statuses.append(client.put(f"/sessions/{session_id}/note", json={"body": f"edit {i}", "revision": 0},
                                       headers=ORGANISER).status_code)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [409] * 7
    assert notes.count("note_revisions") == 1


def test_a_published_summary_reaches_the_exchange_with_the_notes_in_start_order(notes, probe):
    notes.event()
    notes.track()
    afternoon = notes.schedule(title="Upgrades", start="13:30", end="15:00")
    morning = notes.schedule(title="Python 3 images")
    other_track = notes.schedule(title="Cells v2", track="nova", day="2019-05-03")
    cancelled = notes.schedule(title="Dropped", start="15:30", end="16:00")
    notes.wait_processed(notes.publish("ptghub.schedule.session.cancelled",
                                       session_data(cancelled, "Dropped", "15:30", "16:00",
                                                    updated_at="2019-04-02T10:00:00+00:00")))
    assert notes.put(morning, "#agreed build python 3 images first", 0).status_code == 200
    assert notes.put(afternoon, "#action mgoddard test upgrades from rocky", 0).status_code == 200
    assert notes.put(other_track, "nova's own business", 0).status_code == 200

    response = notes.client.post("/events/denver/tracks/kolla/summary/publish", headers=ORGANISER)
    assert response.status_code == 202
    summary = response.get_json()
    assert summary["title"] == summary["subject"] == "[kolla] Denver III PTG summary" and summary["track_name"] == "Kolla"
    assert [s["title"] for s in summary["sessions"]] == ["Python 3 images", "Upgrades"]
    assert summary["sessions"][0] == {"session_id": morning, "track": "kolla", "title": "Python 3 images",
                                      "start": "2019-05-02T09:00:00-06:00", "end": "2019-05-02T10:45:00-06:00"}
    text = summary["text"]
    assert text.index("Agreed: build python 3 images first") < text.index("Action (mgoddard): test upgrades")
    assert "# Python 3 images\n\nThu 2019-05-02 09:00-10:45 America/Denver, aspen\n" in text
    assert "- mgoddard: test upgrades from rocky (Upgrades)" in text
    assert "nova" not in text and "Dropped" not in text

    event = probe.wait_for("ptghub.notes.summary.published", lambda e: e["data"]["id"] == summary["id"])
    assert event["data"] == summary and event["subject"] == "denver/kolla"
    kept = notes.client.get(response.headers["Location"]).get_json()
    assert kept == {k: summary[k] for k in kept} and set(kept) == {
        "id", "scope", "event", "track", "track_name", "title", "text", "sessions", "published_at"}

    titled = notes.client.post("/events/denver/tracks/kolla/summary/publish", json={"title": "[kolla] Train PTG"},
                               headers=principal_header("chair", [("denver", "kolla")]))
    assert titled.status_code == 202 and titled.get_json()["subject"] == "[kolla] Train PTG"
    assert titled.get_json()["update"] is True and titled.get_json()["thread"] == summary["id"]


@pytest.mark.parametrize("path, body, headers, field, status", [
    ("/events/denver/tracks/nova/summary/publish", None, ORGANISER, "track", 404),
    ("/events/berlin/tracks/kolla/summary/publish", None, ORGANISER, "track", 404),
    ("/events/denver/tracks/kolla/summary/publish", None, principal_header("chair", [("denver", "nova")]), "track", 403),
    ("/events/denver/tracks/kolla/summary/publish", {"title": ""}, ORGANISER, "title", 400),
    ("/events/denver/tracks/kolla/summary/publish", {"title": 3}, ORGANISER, "title", 400),
    ("/events/denver/tracks/kolla/summary/publish", {"subject": "x"}, ORGANISER, "subject", 400),
])
def test_bad_summary_requests_get_a_problem_naming_the_field_and_publish_nothing(notes, path, body, headers,
                                                                                 field, status):
    notes.track()
    notes.schedule()
    response = notes.client.post(path, json=body, headers=headers) if body is not None else \
        notes.client.post(path, headers=headers)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert notes.count("summaries") == 0 and notes.count("outbox") == 0


def test_a_track_without_sessions_has_no_summary(notes):
    notes.track()
    response = notes.client.post("/events/denver/tracks/kolla/summary/publish", headers=ORGANISER)
    assert response.status_code == 422 and "track" in response.get_json()["errors"]


def test_a_deleted_track_publishes_no_summary_until_it_is_created_again(notes):
    notes.track()
    session_id = notes.schedule()
    notes.track(KOLLA, verb="deleted")
    response = notes.client.post("/events/denver/tracks/kolla/summary/publish", headers=ORGANISER)
    assert response.status_code == 409 and response.content_type == "application/problem+json"
    assert "track" in response.get_json()["errors"] and "kolla" in response.get_json()["detail"]
    assert notes.count("summaries") == 0 and notes.count("outbox") == 0
    assert notes.count("tracks", "slug = 'kolla' and deleted_at is not null") == 1
    assert notes.note(session_id).status_code == 200  # its notes are kept

    notes.track({**KOLLA, "id": str(uuid.uuid4())})  # re-created: a new schedule id
    assert notes.client.post("/events/denver/tracks/kolla/summary/publish", headers=ORGANISER).status_code == 202


# -- track notes, items, appended lines (issue 7) ------------------------------------------------
TRACK_NOTE = "/events/denver/tracks/kolla/note"
KOLLA_CHAIR = principal_header("chair", [("denver", "kolla")], sub=str(uuid.uuid4()), name="mgoddard")


def test_a_track_note_its_items_diff_and_html(notes, probe):
    notes.track({**KOLLA, "chairs": [{"nick": "hrw", "name": "Marcin Juszkiewicz", "email": None}]})
    empty = notes.client.get(TRACK_NOTE)
    assert empty.status_code == 200 and empty.headers["ETag"] == '"0"' and empty.get_json()["kind"] == "track"
    first = notes.client.put(TRACK_NOTE, json={"body": "#action mgoddard write the spec\n"
                                                       "Marcin Juszkiewicz offered to pick this up", "revision": 0},
                             headers=KOLLA_CHAIR)
    assert first.status_code == 200 and first.headers["ETag"] == '"1"'
    items = notes.client.get(f"{TRACK_NOTE}/items").get_json()["items"]
    assert [(i["kind"], i["owners"], i["suggested"], i["state"]) for i in items] == [
        ("action", ["mgoddard"], False, "confirmed"), ("action", ["hrw"], True, "open")]
    changed = probe.wait_for("ptghub.notes.note.items.changed", lambda e: e["subject"] == "denver/kolla")
    assert changed["data"]["note"]["kind"] == "track" and len(changed["data"]["added"]) == 2

    other = principal_header("chair", [("denver", "nova")])
    assert notes.client.post(f"{TRACK_NOTE}/items/{items[1]['id']}/confirm", headers=other).status_code == 403
    unknown = notes.client.post(f"{TRACK_NOTE}/items/{uuid.uuid4()}/confirm", headers=KOLLA_CHAIR)
    assert unknown.status_code == 404 and "item" in unknown.get_json()["errors"]
    confirmed = notes.client.post(f"{TRACK_NOTE}/items/{items[1]['id']}/confirm", headers=KOLLA_CHAIR)
    assert confirmed.status_code == 200 and confirmed.get_json()["state"] == "confirmed"

    second = notes.client.put(TRACK_NOTE, json={"body": "<script>alert(1)</script>\n\n[x](https://opendev.org)",
                                                "revision": 1}, headers={**ORGANISER, "If-Match": '"1"'})
    assert second.status_code == 200
    diff = notes.client.get(f"{TRACK_NOTE}/diff?from=1&to=2")
    assert diff.status_code == 200 and diff.mimetype == "text/x-diff"
    assert diff.get_data(as_text=True).startswith("--- revision 1\n+++ revision 2\n")
    html = notes.client.get(f"{TRACK_NOTE}?format=html")
    assert html.mimetype == "text/html" and "<script" not in html.get_data(as_text=True)
    assert 'href="https://opendev.org"' in html.get_data(as_text=True)
    restored = notes.client.post(f"{TRACK_NOTE}/restore", json={"revision": 1}, headers=ORGANISER)
    assert restored.status_code == 200 and restored.get_json()["body"].startswith("#action mgoddard")
    missing = notes.client.post(f"{TRACK_NOTE}/restore", json={"revision": 9}, headers=ORGANISER)
    assert missing.status_code == 404 and "revision" in missing.get_json()["errors"]
    assert notes.client.get(f"{TRACK_NOTE}/revisions/2").get_json()["body"].startswith("<script>")
    assert notes.client.get("/events/denver/tracks/nova/note").status_code == 404


def test_two_concurrent_appends_are_both_kept(notes):
    """Against PostgreSQL: the note's row (a track note: its track copy's row, as the first append
    creates the note) is locked, so neither append overwrites the other."""
    notes.track()
    session_id = notes.schedule()
    for path in (f"/sessions/{session_id}/note", TRACK_NOTE):
        statuses, barrier = [], threading.Barrier(2)

        def append(i, path=path, statuses=statuses, barrier=barrier):
            with notes.service.app.test_client() as client:
                barrier.wait()
                statuses.append(client.post(f"{path}/lines", json={"text": f"line {i}"},
                                            headers=ORGANISER).status_code)

        threads = [threading.Thread(target=append, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200, 200]
        note = notes.client.get(path).get_json()
        assert sorted(note["body"].splitlines()) == ["line 0", "line 1"] and note["revision"] == 2


def test_a_meetbot_line_from_the_schedule_is_appended_with_the_nick_as_author(notes):
    notes.track()
    session_id = notes.schedule()
    for session in (session_id, None):
        notes.wait_processed(notes.publish("ptghub.schedule.note.line", {
            "event": "denver", "track": "kolla", "session_id": session, "nick": "hrw",
            "text": "#action hrw fix the gate", "at": "2019-05-02T15:10:00+00:00"}))
    for path in (f"/sessions/{session_id}/note", TRACK_NOTE):
        assert notes.client.get(path).get_json()["body"] == "#action hrw fix the gate\n"
        assert [r["author"] for r in notes.client.get(f"{path}/revisions").get_json()["items"]] == ["hrw"]
        assert notes.client.get(f"{path}/items").get_json()["items"][0]["owners"] == ["hrw"]


def test_migration_0003_keeps_the_session_notes_and_their_revisions(infra):
    url = infra.database_url("notes_migration")
    migrations.upgrade(notes_service.package_dir, url, "0002")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "insert into notes (session_id, event, track, room, title, start, \"end\", status, timezone, body, "
            "revision, created_at, updated_at) values ('s1', 'denver', 'kolla', 'aspen', 'Py3', now(), now(), "
            "'scheduled', 'UTC', 'two', 2, now(), now())"))
        connection.execute(sa.text(
            "insert into note_revisions (session_id, revision, body, author, created_at) values "
            "('s1', 1, 'one', 'ops', now()), ('s1', 2, 'two', 'ops', now())"))
    migrations.upgrade(notes_service.package_dir, url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("select id, kind, body from notes")).all() == [("s1", "session", "two")]
        assert connection.execute(sa.text("select note_id, revision from note_revisions order by revision")).all() \
            == [("s1", 1), ("s1", 2)]
    command.downgrade(migrations.alembic_config(notes_service.package_dir, url), "0002")
    with engine.connect() as connection:
        assert connection.execute(sa.text("select session_id, body from notes")).all() == [("s1", "two")]
        assert connection.execute(sa.text("select count(*) from note_revisions")).scalar_one() == 2
    engine.dispose()


def test_migration_0004_adds_the_event_copies(infra):
    url = infra.database_url("notes_migration_0004")
    migrations.upgrade(notes_service.package_dir, url, "0003")
    engine = sa.create_engine(url)
    assert "events" not in sa.inspect(engine).get_table_names()
    migrations.upgrade(notes_service.package_dir, url)
    with engine.begin() as connection:
        connection.execute(sa.text("insert into events (slug, name, timezone) values ('denver', 'Denver III PTG', 'UTC')"))
        assert connection.execute(sa.text("select name, deleted from events")).all() == [("Denver III PTG", False)]
    command.downgrade(migrations.alembic_config(notes_service.package_dir, url), "0003")
    assert "events" not in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_the_events_copy_names_the_summary_and_follows_the_schedule(notes):
    notes.track()
    notes.schedule()
    assert notes.client.get("/events/denver/tracks/kolla/summary").text.endswith("\nKolla team, denver\n")  # no copy
    notes.event()
    assert notes.client.get("/events/denver/tracks/kolla/summary").text.endswith("\nKolla team, Denver III PTG\n")
    notes.event({**DENVER, "name": "OpenStack PTG Denver", "updated_at": "2019-03-02T10:00:00+00:00"}, "updated")
    notes.event({**DENVER, "name": "stale", "updated_at": "2019-03-01T12:00:00+00:00"}, "updated")
    notes.event({**DENVER, "name": "OpenStack PTG Denver", "updated_at": "2019-03-02T10:00:00+00:00"}, "deleted")
    assert notes.count("events", "name = 'OpenStack PTG Denver' and deleted") == 1
    assert notes.client.get("/events/denver/summary").text.endswith("\nThe OpenStack PTG Denver organisers\n")
