"""Summaries through the notes api on real PostgreSQL and RabbitMQ: previews in three formats, the
unchanged republish refused, forced and updated publishes, the event's summary on the exchange."""
import uuid

import pytest

from services.notes.descriptor import DESCRIPTOR as notes_service

from ..conftest import ORGANISER, principal_header
from .test_notes import KOLLA, Notes

pytestmark = pytest.mark.integration

NOVA = {**KOLLA, "id": str(uuid.uuid4()), "slug": "nova", "name": "Nova", "subject_tag": "nova"}
BODY = "Python 3 images for Train.\n#agreed build python3 images by default\n#action mgoddard write the spec\n"


@pytest.fixture
def notes(start_service, infra):
    return Notes(start_service(notes_service), infra)


@pytest.fixture
def kolla(notes):
    notes.event()
    notes.track()
    session_id = notes.schedule()
    assert notes.put(session_id, BODY, 0).status_code == 200
    return session_id


@pytest.mark.parametrize("format, media_type, marker", [
    ("text", "text/plain; charset=utf-8", "# Action items, by person\n\n- mgoddard: write the spec"),
    ("markdown", "text/markdown; charset=utf-8", "# Action items, by person"),
    ("html", "text/html; charset=utf-8", "Action items, by person</h"),
])
def test_the_track_preview_in_each_format(notes, kolla, format, media_type, marker):
    response = notes.client.get(f"/events/denver/tracks/kolla/summary?format={format}")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == media_type
    assert marker in response.text and "Decisions" in response.text
    assert notes.count("summaries") == 0 and notes.count("outbox", "event_type like '%summary%'") == 0


def test_the_preview_is_plain_text_by_default_for_any_token(notes, kolla):
    response = notes.client.get("/events/denver/tracks/kolla/summary")  # the public principal
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.text.startswith("Here is a summary of the Kolla sessions at the Denver III PTG:")


@pytest.mark.parametrize("query, field", [("format=pdf", "format"), ("suggested=all", "suggested"),
                                          ("colour=red", "colour")])
def test_a_bad_preview_query_is_a_400_naming_the_field(notes, kolla, query, field):
    response = notes.client.get(f"/events/denver/tracks/kolla/summary?{query}")
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_unknown_tracks_and_events_have_no_preview(notes, kolla):
    assert notes.client.get("/events/denver/tracks/ironic/summary").status_code == 404
    unknown = notes.client.get("/events/berlin/summary")
    assert unknown.status_code == 404 and "event" in unknown.get_json()["errors"]


def test_an_unchanged_summary_is_refused_until_forced_or_edited(notes, kolla, probe):
    path = "/events/denver/tracks/kolla/summary/publish"
    first = notes.client.post(path, headers=ORGANISER)
    assert first.status_code == 202 and first.get_json()["update"] is False
    again = notes.client.post(path, json={}, headers=ORGANISER)
    assert again.status_code == 409 and again.content_type == "application/problem+json"
    assert "summary" in again.get_json()["errors"]
    forced = notes.client.post(path, json={"force": True}, headers=ORGANISER)
    assert forced.status_code == 202 and forced.get_json()["update"] is True
    assert forced.get_json()["content_hash"] == first.get_json()["content_hash"]
    assert notes.put(kolla, BODY + "#agreed and ship it\n", 1).status_code == 200
    edited = notes.client.post(path, headers=principal_header("chair", [("denver", "kolla")]))
    assert edited.status_code == 202
    data = probe.wait_for("ptghub.notes.summary.published", lambda e: e["data"]["id"] == edited.get_json()["id"])["data"]
    assert data["update"] is True and data["thread"] == first.get_json()["id"]
    assert data["text"].startswith("This is an update of the summary sent earlier")
    assert "<!DOCTYPE html>" in data["html"] and "and ship it" in data["markdown"]
    assert notes.count("summaries") == 3
    preview = notes.client.get("/events/denver/tracks/kolla/summary")
    assert preview.text.startswith("This is an update of the summary sent earlier")


def test_the_event_summary_covers_every_track_and_is_the_organisers(notes, kolla, probe):
    notes.track(NOVA)
    notes.schedule(title="Cells v2", track="nova", day="2019-05-03")
    preview = notes.client.get("/events/denver/summary?format=markdown")
    assert preview.status_code == 200 and preview.mimetype == "text/markdown"
    assert "# Kolla" in preview.text and "# Nova" in preview.text and "## Cells v2" in preview.text

    refused = notes.client.post("/events/denver/summary/publish", headers=principal_header("chair", [("denver", "kolla")]))
    assert refused.status_code == 403
    response = notes.client.post("/events/denver/summary/publish", headers=ORGANISER)
    assert response.status_code == 202, response.text
    summary = response.get_json()
    assert summary["scope"] == "event" and summary["track"] is None and summary["tracks"] == ["kolla", "nova"]
    assert summary["subject"] == "Denver III PTG summary"
    event = probe.wait_for("ptghub.notes.summary.published", lambda e: e["data"]["id"] == summary["id"])
    assert event["subject"] == "denver" and event["data"] == summary
    again = notes.client.post("/events/denver/summary/publish", headers=ORGANISER)
    assert again.status_code == 409 and "summary" in again.get_json()["errors"]
