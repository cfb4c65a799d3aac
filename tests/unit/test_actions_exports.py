"""The action exports' pure renderers: CSV cells (formula guard) and a VTODO from an action in memory."""
from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar

from services.actions.store.exports import ActionRow, OwnerRow
from services.actions.domain import exports


@pytest.mark.parametrize("value, cell", [
    (None, ""), (True, "true"), (False, "false"), (7, "7"), (date(2019, 6, 1), "2019-06-01"),
    (datetime(2019, 5, 2, 10, tzinfo=timezone.utc), "2019-05-02T10:00:00+00:00"),
    ("write the spec", "write the spec"), ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("a=1", "a=1"), (" =1", " =1"), ("'=1", "'=1"),
])
def test_a_cell_is_text_a_spreadsheet_does_not_run(value, cell):
    assert exports.cell(value) == cell


def test_each_status_has_its_vtodo_status():
    assert exports.TODO_STATUS == {"open": "NEEDS-ACTION", "in_progress": "IN-PROCESS", "done": "COMPLETED",
                                   "dropped": "CANCELLED"}


def action(**fields):
    at = datetime(2019, 5, 2, 16, 30, tzinfo=timezone.utc)
    values = {"id": "a-1", "title": "write the spec", "description": "", "event": "denver", "track": None,
              "session_id": None, "status": "open", "due_date": None, "snoozed_until": None, "source_text": None,
              "source_line": None, "source_removed": False, "version": 3, "created_at": at, "updated_at": at,
              "completed_at": None, **fields}
    return ActionRow(**values)


def test_a_vtodo_without_due_date_or_track_names_only_what_there_is():
    body = exports.calendar("mine", [action(source_text="#action write the spec", source_removed=True)],
                            lambda i: f"https://x/{i}")
    (todo,) = Calendar.from_ical(body).walk("VTODO")
    assert "DUE" not in todo and "COMPLETED" not in todo
    assert todo["CATEGORIES"].cats == ["denver"]
    assert str(todo["DESCRIPTION"]) == "From the notes (no longer in the notes): #action write the spec\n\nNeeds an owner"
    assert todo.decoded("DTSTAMP") == todo.decoded("LAST-MODIFIED") == datetime(2019, 5, 2, 16, 30, tzinfo=timezone.utc)
    assert todo.decoded("SEQUENCE") == 3 and str(todo["URL"]) == "https://x/a-1"


def test_the_csv_of_nothing_is_its_header_row():
    assert b"".join(exports.csv_chunks([], str)) == (",".join(exports.CSV_COLUMNS) + "\r\n").encode()


def test_owners_and_their_addresses_keep_their_places():
    row = exports.csv_row(action(owners=[OwnerRow("mgoddard", "mgoddard", "mark@example.com"),
                                         OwnerRow("jdoe", "jdoe", None), OwnerRow("Dev@Example.org", "dev@example.org", None)]),
                          "https://x/a-1")
    cells = dict(zip(exports.CSV_COLUMNS, row))
    assert cells["owners"] == "mgoddard;jdoe;Dev@Example.org"
    assert cells["owner_emails"] == "mark@example.com;;dev@example.org"
    assert cells["needs_owner"] == "false" and cells["url"] == "https://x/a-1"
