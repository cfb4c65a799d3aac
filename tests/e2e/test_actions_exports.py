"""Action exports through the gateway only, on PostgreSQL: the CSV (its type, its attachment name,
its rows parsed back) and a track's to-do feed (parsed back, conditional GET), as a client sees them."""
from __future__ import annotations

import csv
import io

import pytest
import requests
from icalendar import Calendar

from services.actions.domain.exports import CSV_COLUMNS

from ..infra import wait_until

pytestmark = pytest.mark.e2e

EVENT = {"slug": "denver8", "name": "Denver VIII PTG", "timezone": "America/Denver",
         "start_date": "2019-05-02", "end_date": "2019-05-04"}


def test_the_csv_and_a_tracks_feed_through_the_gateway(start_stack):
    stack = start_stack(postgres=True)
    s = stack.session
    assert s.post(stack.url("/events"), json=EVENT).status_code == 201
    assert s.post(stack.url("/events/denver8/tracks"), json={"slug": "kolla", "name": "Kolla"}).status_code == 201

    def create(title, **fields):
        return s.post(stack.url("/actions"), json={"title": title, "owners": ["mgoddard"], "event": "denver8",
                                                   "track": "kolla", **fields})

    # actions knows the track once it has seen ptghub.schedule.track.created
    wait_until(lambda: create("warm-up").status_code == 201, timeout=20, message="actions seeing the kolla track")
    spec = create('write the "python3" spec, then\nreview it', due_date="2019-06-01").json()
    formula = create("=HYPERLINK(\"http://evil.example\")", status="dropped").json()

    exported = s.get(stack.url("/actions.csv"), params={"event": "denver8", "track": "kolla"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"] == 'attachment; filename="actions-denver8-kolla.csv"'
    header, *rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8"), newline="")))
    assert header == list(CSV_COLUMNS)
    by_id = {row[0]: dict(zip(header, row)) for row in rows}
    assert len(rows) == 3
    assert by_id[spec["id"]]["title"] == 'write the "python3" spec, then\nreview it'
    assert by_id[spec["id"]]["url"].endswith(f"/api/v1/actions/{spec['id']}")
    assert by_id[formula["id"]]["title"] == "'=HYPERLINK(\"http://evil.example\")"
    assert by_id[formula["id"]]["status"] == "dropped"
    dropped = s.get(stack.url("/actions.csv"), params={"status": "dropped"})
    assert dropped.status_code == 200, dropped.text
    assert [row[0] for row in list(csv.reader(io.StringIO(dropped.text, newline="")))[1:]] == [formula["id"]]
    bad = s.get(stack.url("/actions.csv"), params={"status": "maybe"})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert requests.get(stack.url("/actions.csv")).status_code == 401, "the exports are read with a token, as the list"

    feed = s.get(stack.url("/events/denver8/tracks/kolla/actions.ics"))
    assert feed.status_code == 200 and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.headers["content-disposition"] == 'attachment; filename="actions-denver8-kolla.ics"'
    todos = {str(t["UID"]): t for t in Calendar.from_ical(feed.content).walk("VTODO")}
    assert len(todos) == 3
    assert str(todos[f"{formula['id']}@ptghub"]["STATUS"]) == "CANCELLED"
    assert todos[f"{spec['id']}@ptghub"].decoded("DUE").isoformat() == "2019-06-01"
    current = s.get(stack.url("/events/denver8/tracks/kolla/actions.ics"), headers={"If-None-Match": feed.headers["etag"]})
    assert current.status_code == 304
    assert s.get(stack.url("/events/denver8/tracks/nova/actions.ics")).status_code == 404
    unknown = s.get(stack.url("/people/nobody/actions.ics"))
    assert unknown.status_code == 404 and "nick" in unknown.json()["errors"]
