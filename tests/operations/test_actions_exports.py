"""Action exports in process: the CSV parsed back with the csv module (quoting, formula cells,
filters, batches), the to-do feeds parsed back with icalendar (every VTODO's properties, statuses,
stable UIDs, ETags)."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from services.actions import store
from services.actions.descriptor import DESCRIPTOR
from services.actions.domain import exports as render
from services.actions.operations import actions, exports, tracks
from services.actions.schemas.exports import ActionExportQuery
from services.actions.store import exports as queries
from services.kit.copies import TrackChange
from services.kit.problems import NotFound

from .conftest import transaction

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}
PUBLIC_URL = "https://ptg.example.org"


@pytest.fixture
def database(make_database, monkeypatch):
    monkeypatch.setenv("PTGHUB_PUBLIC_URL", PUBLIC_URL + "/")
    database = make_database(DESCRIPTOR)
    with transaction(database) as uow:
        for slug in ("kolla", "nova"):
            tracks.follow_track(uow, TrackChange("created", str(uuid.uuid4()), "denver", slug, slug.title()))
        uow.session.add(store.Person(nick="mgoddard", nick_key="mgoddard", name="Mark Goddard",
                                     email="mark@example.com", timezone="Europe/London",
                                     aliases=[store.PersonAlias(key="markg", alias="markG")]))
    return database


def create(database, title="write the spec", owners=("mgoddard",), track="kolla", **fields):
    with transaction(database) as uow:
        action = actions.create_action(uow, ORGANISER, {"title": title, "owners": list(owners), "event": "denver",
                                                        "track": track, **fields})
        return action.id


def update(database, action_id, **changes):
    with transaction(database) as uow:
        actions.update_action(uow, ORGANISER, action_id, changes)


def csv_rows(database, **query) -> tuple[bytes, list[dict[str, str]]]:
    """The CSV of ``query`` (a query string's values, loaded as the route loads them) and its rows."""
    loaded = ActionExportQuery().load({name: str(value).lower() if isinstance(value, bool) else str(value)
                                       for name, value in query.items()})
    with database.unit_of_work(readonly=True) as uow:
        raw = b"".join(exports.csv_export(uow, loaded))
    reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))
    header, *rows = list(reader)
    assert header == list(render.CSV_COLUMNS)
    return raw, [dict(zip(header, row, strict=True)) for row in rows]


def test_the_csv_parses_back_cell_for_cell_with_commas_quotes_line_breaks_and_owners(database):
    tricky = create(database, title='spec, "python3" images', owners=("@MGoddard", "jdoe", "Dev@Example.org"),
                    description="first line\nsecond line, with a comma", due_date=date(2019, 6, 1),
                    session_id="s-1", source_text="#action mgoddard write the spec", source_line=7,
                    source_note_id="n-1", source_item_id="i-1")
    orphan = create(database, title="nobody's yet", owners=())
    raw, rows = csv_rows(database)
    assert raw.count(b"\r\n") == 3, "RFC 4180: CRLF ends each of the three records"
    assert b'"first line\nsecond line, with a comma"' in raw, "a line break inside a field is quoted, kept as it is"
    assert b'"spec, ""python3"" images"' in raw
    first, second = rows
    assert first == {
        "id": tricky, "title": 'spec, "python3" images', "description": "first line\nsecond line, with a comma",
        "status": "open", "owners": "MGoddard;jdoe;Dev@Example.org", "owner_emails": "mark@example.com;;dev@example.org",
        "event": "denver", "track": "kolla", "session_id": "s-1", "due_date": "2019-06-01", "snoozed_until": "",
        "created_at": first["created_at"], "updated_at": first["updated_at"], "completed_at": "",
        "source_line": "7", "source_text": "#action mgoddard write the spec", "needs_owner": "false",
        "url": f"{PUBLIC_URL}/api/v1/actions/{tricky}"}
    assert datetime.fromisoformat(first["created_at"]).tzinfo is not None
    assert second["id"] == orphan and second["needs_owner"] == "true"
    assert second["owners"] == "" and second["owner_emails"] == ""


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1:A2)",
                                   "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_text(database, title):
    create(database, title=title, description="=cmd|' /C calc'!A0")
    _raw, (row,) = csv_rows(database)
    assert row["title"] == "'" + title
    assert row["description"] == "'=cmd|' /C calc'!A0"
    assert row["owners"] == "mgoddard" and row["status"] == "open", "cells that start otherwise are untouched"


def test_the_csv_has_the_filters_of_the_list(database):
    kolla = create(database, title="kolla one")
    nova = create(database, title="nova one", track="nova", owners=("jdoe",))
    done = create(database, title="kolla done", owners=("markg",))
    update(database, done, status="done")

    def ids(**query):
        return [row["id"] for row in csv_rows(database, **query)[1]]

    assert ids() == [kolla, nova, done]
    assert ids(track="kolla", event="denver") == [kolla, done]
    assert ids(status="done") == [done]
    assert ids(owner="markg") == ids(owner="mark@example.com") == ids(owner="mgoddard") == [kolla, done], \
        "an owner by nick, alias or address: the person's actions however they were written"
    assert ids(owner="jdoe") == [nova], "an owner no person has yet, by the name as written"
    assert ids(owner="nobody") == [], "an unknown owner: the header row and nothing else"
    assert ids(event="berlin") == []
    assert ids(status="open", owner="mgoddard") == [kolla]


def test_the_filters_the_list_is_getting_narrow_the_csv_too(database):
    late = create(database, title="late", due_date=date(2019, 6, 1))
    later = create(database, title="later", due_date=date(2999, 1, 1))
    orphan = create(database, title="orphan", owners=())
    settled = create(database, title="late but done", due_date=date(2019, 6, 1))
    update(database, settled, status="done")

    def ids(**query):
        return [row["id"] for row in csv_rows(database, **query)[1]]

    assert ids(overdue=True) == [late]
    assert ids(overdue=False) == [later, orphan, settled]
    assert ids(due_before=date(2020, 1, 1)) == [late, settled]
    assert ids(needs_owner=True) == [orphan]
    assert ids(needs_owner=False) == [late, later, settled]


def test_the_csv_is_read_in_batches_and_written_in_chunks_every_action_once(database, monkeypatch):
    monkeypatch.setattr(queries, "BATCH", 4)
    monkeypatch.setattr(render, "CSV_CHUNK_ROWS", 3)
    made = [create(database, title=f"item {n}") for n in range(11)]
    with transaction(database) as uow:  # ties on created_at: the keyset's id breaks them
        tie = datetime(2019, 5, 2, 10, tzinfo=timezone.utc)
        uow.session.execute(sa.update(store.Action).where(store.Action.id.in_(made[3:9])).values(created_at=tie))
    with database.unit_of_work(readonly=True) as uow:
        chunks = list(exports.csv_export(uow, {}))
    assert len(chunks) == 4, "the header with the first three rows, three rows a chunk, the last chunk the rest"
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode(), newline="")))
    assert sorted(row["id"] for row in rows) == sorted(made) and len(rows) == 11
    assert [row["id"] for row in rows] == sorted(made[3:9]) + made[:3] + made[9:], \
        "oldest first (the six tied at the earliest time by id), across batch boundaries"


def test_the_csv_file_name_says_its_filters_in_safe_characters():
    assert exports.csv_filename({}) == "actions.csv"
    assert exports.csv_filename({"event": "denver", "track": "kolla", "status": ["open"]}) == "actions-denver-kolla-open.csv"
    # statuses as the query loads them: a list
    assert exports.csv_filename({"status": ["open", "in_progress"]}) == "actions-open_in_progress.csv"
    assert exports.csv_filename({"event": 'x"; evil=1\r\n'}) == "actions-x_evil_1_.csv"


# -- iCalendar ----------------------------------------------------------------------------------

def person_feed(database, nick, held=lambda _tag: False) -> exports.Rendering:
    with database.unit_of_work(readonly=True) as uow:
        return exports.person_calendar(uow, nick, held)


def track_feed(database, event, track, held=lambda _tag: False) -> exports.Rendering:
    with database.unit_of_work(readonly=True) as uow:
        return exports.track_calendar(uow, event, track, held)


def todos(rendering: exports.Rendering) -> dict[str, object]:
    calendar = Calendar.from_ical(rendering.body)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"]) == render.PRODID
    for todo in calendar.walk("VTODO"):  # RFC 5545 3.6.2: UID and DTSTAMP once each, no DUE with DURATION
        for name in ("UID", "DTSTAMP", "SUMMARY", "STATUS", "SEQUENCE", "LAST-MODIFIED", "URL"):
            assert name in todo, name
        assert "DURATION" not in todo
        assert todo.decoded("DTSTAMP").tzinfo is not None
    return {str(todo["UID"]): todo for todo in calendar.walk("VTODO")}


def test_a_persons_feed_has_a_vtodo_for_each_of_their_actions_with_every_property(database):
    due = create(database, title="write the spec", due_date=date(2019, 6, 1), description="the python3 images",
                 source_text="#action mgoddard write the spec", source_line=3, source_note_id="n",
                 source_item_id="i")
    started = create(database, title="review", owners=("markg", "jdoe"))
    done = create(database, title="land it", owners=("Mark@Example.com",), track="nova")
    dropped = create(database, title="drop it")
    create(database, title="not his", owners=("jdoe",))
    update(database, started, status="in_progress")
    update(database, done, status="done")
    update(database, dropped, status="dropped")

    rendering = person_feed(database, "MGoddard")
    assert rendering.filename == "actions-mgoddard.ics"
    calendar = Calendar.from_ical(rendering.body)
    assert str(calendar["X-WR-CALNAME"]) == "Action items of Mark Goddard"
    found = todos(rendering)
    assert set(found) == {f"{action_id}@ptghub" for action_id in (due, started, done, dropped)}
    statuses = {uid.split("@")[0]: str(todo["STATUS"]) for uid, todo in found.items()}
    assert statuses == {due: "NEEDS-ACTION", started: "IN-PROCESS", done: "COMPLETED", dropped: "CANCELLED"}

    first = found[f"{due}@ptghub"]
    assert str(first["SUMMARY"]) == "write the spec"
    assert first.decoded("DUE") == date(2019, 6, 1) and first["DUE"].params.get("VALUE") == "DATE"
    assert first.decoded("SEQUENCE") == 1
    assert first["CATEGORIES"].cats == ["denver", "kolla"]
    assert str(first["URL"]) == f"{PUBLIC_URL}/api/v1/actions/{due}"
    description = str(first["DESCRIPTION"])
    assert description.startswith("the python3 images")
    assert "From the notes (line 3): #action mgoddard write the spec" in description and "Owners: mgoddard" in description
    assert "COMPLETED" not in first

    landed = found[f"{done}@ptghub"]
    assert landed.decoded("COMPLETED").tzinfo is not None and landed.decoded("PERCENT-COMPLETE") == 100
    assert landed.decoded("SEQUENCE") == 2 and "DUE" not in landed
    assert "Owners: markg, jdoe" in str(found[f"{started}@ptghub"]["DESCRIPTION"])


def test_a_person_is_found_by_alias_or_address_and_an_unknown_nick_is_a_404_naming_it(database):
    create(database)
    assert person_feed(database, "markg").body == person_feed(database, "mgoddard").body
    assert person_feed(database, "mark@example.com").body == person_feed(database, "@mgoddard").body
    with pytest.raises(NotFound) as refused:
        person_feed(database, "nobody")
    assert refused.value.status == 404 and "nick" in refused.value.errors and "nobody" in refused.value.detail


def test_uids_are_stable_and_a_change_grows_the_sequence_and_moves_the_etag(database):
    spec = create(database, title="write the spec")
    other = create(database, title="nova thing", track="nova", owners=("jdoe",))
    first, again = person_feed(database, "mgoddard"), person_feed(database, "mgoddard")
    assert first.body == again.body and first.tag == again.tag, "the same actions render the same bytes"
    held = person_feed(database, "mgoddard", held=lambda tag: tag == first.tag)
    assert held.body is None and held.tag == first.tag, "a client holding the current ETag gets no rendering"

    update(database, other, title="nova thing, renamed")
    assert person_feed(database, "mgoddard").tag == first.tag, "another person's action does not move the ETag"

    update(database, spec, due_date=date(2019, 7, 1))
    changed = person_feed(database, "mgoddard")
    assert changed.tag != first.tag
    (before,), (after,) = todos(first).values(), todos(changed).values()
    assert str(before["UID"]) == str(after["UID"]) == f"{spec}@ptghub"
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1 and after.decoded("DUE") == date(2019, 7, 1)

    update(database, spec, owners=["jdoe"])
    gone = person_feed(database, "mgoddard")
    assert gone.tag != changed.tag and todos(gone) == {}, "an action that leaves the feed moves its ETag"


def test_a_tracks_feed_has_its_actions_and_an_unknown_track_is_a_404_naming_it(database):
    kolla = create(database, title="kolla one", owners=())
    create(database, title="nova one", track="nova")
    rendering = track_feed(database, "denver", "kolla")
    assert rendering.filename == "actions-denver-kolla.ics"
    assert str(Calendar.from_ical(rendering.body)["X-WR-CALNAME"]) == "Kolla action items (denver)"
    (todo,) = todos(rendering).values()
    assert str(todo["UID"]) == f"{kolla}@ptghub" and "Needs an owner" in str(todo["DESCRIPTION"])
    for event, track in (("denver", "cinder"), ("berlin", "kolla")):
        with pytest.raises(NotFound) as refused:
            track_feed(database, event, track)
        assert "track" in refused.value.errors
    nova_tag = track_feed(database, "denver", "nova").tag
    assert nova_tag != rendering.tag

    with transaction(database) as uow:  # the schedule deleted kolla: its actions keep their feed
        track_id = uow.session.get(store.Track, ("denver", "kolla")).track_id
        tracks.follow_track(uow, TrackChange("deleted", track_id, "denver", "kolla", "Kolla"))
    assert todos(track_feed(database, "denver", "kolla")).keys() == todos(rendering).keys()
