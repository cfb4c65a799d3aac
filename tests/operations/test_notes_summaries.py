"""The summaries' operations against a SQLite database: previews in three formats, publishing a
track's and the event's summary, the update and the refusal of an unchanged one, who may."""
import json
import uuid

import pytest
import sqlalchemy as sa

from services.kit.copies import TrackChange
from services.kit.problems import Conflict, Forbidden, Invalid, NotFound
from services.notes.descriptor import DESCRIPTOR
from services.notes.domain import NoteKey
from services.notes.operations import copies, notes, summaries
from services.notes.operations.copies import EventChange, SessionChange
from services.notes.operations.summaries import PreviewRequest, SummaryRequest
from services.notes.schemas.schedule_events import ScheduleEventSchema, ScheduleSessionSchema

from .conftest import outbox_types, run

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}
KOLLA_CHAIR = {"sub": str(uuid.uuid4()), "name": "mgoddard", "role": "chair",
               "tracks": [{"event": "denver", "track": "kolla"}]}
MORNING = "Python 3 images for Train.\n#agreed build python3 images by default\n#action mgoddard write the spec\n"
AFTERNOON = "Upgrades.\nhttps://review.opendev.org/642375\n#help reviewers for the upgrade jobs\n#action write the docs\n"


def session_data(event="denver", track="kolla", title="Python 3 images", start="09:00", end="10:45", **extra):
    return ScheduleSessionSchema().load({
        "id": str(uuid.uuid4()), "event": event, "track": track, "room": "aspen",
        "start": f"2019-05-02T{start}:00-06:00", "end": f"2019-05-02T{end}:00-06:00", "title": title,
        "status": "scheduled", "timezone": "America/Denver", "updated_at": "2019-04-01T10:00:00+00:00", **extra})


def track_change(verb="created", event="denver", slug="kolla", track_id=None, name=None):
    return TrackChange(verb, track_id or f"{event}-{slug}-id", event, slug, name or slug.title(),
                       f"{slug}@lists.example.org", slug)


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def schedule(database, body="", **kwargs) -> str:
    data = session_data(**kwargs)
    run(database, copies.follow_session, SessionChange("scheduled", data))
    if body:
        run(database, notes.edit_note, ORGANISER, notes.NoteEdit(NoteKey.of_session(data["id"]), body, 0))
    return data["id"]


def edit(database, session_id, body):
    with database.unit_of_work(readonly=True) as uow:
        revision = notes.get_note(uow, NoteKey.of_session(session_id)).revision
    run(database, notes.edit_note, ORGANISER, notes.NoteEdit(NoteKey.of_session(session_id), body, revision))


def preview(database, event="denver", track="kolla", format="text", **kwargs):
    with database.unit_of_work(readonly=True) as uow:
        return summaries.preview_summary(uow, PreviewRequest(event, track, format, **kwargs))


def publish(database, principal=ORGANISER, event="denver", track="kolla", **kwargs):
    return run(database, summaries.publish_summary, principal, SummaryRequest(event, track, **kwargs))


def published_events(database) -> list[dict]:
    with database.engine.connect() as connection:
        return [json.loads(row.payload)["data"] if isinstance(row.payload, str) else row.payload["data"]
                for row in connection.execute(database.outbox.select().order_by(database.outbox.c.seq))
                if row.event_type == summaries.PUBLISHED]


def event_change(verb="created", name="Denver III PTG", updated_at="2019-04-01T09:00:00+00:00", slug="denver"):
    return EventChange(verb, ScheduleEventSchema().load({
        "id": "denver-id", "slug": slug, "name": name, "timezone": "America/Denver", "start_date": "2019-05-02",
        "end_date": "2019-05-04", "updated_at": updated_at, "version": 3}))


def gather_kolla(database) -> dict:
    """kolla's morning and afternoon sessions with notes, nova's, a cancelled one: kolla's two session ids."""
    run(database, copies.follow_event, event_change())
    run(database, copies.follow_track, track_change())
    afternoon = schedule(database, AFTERNOON, title="Upgrades", start="13:30", end="15:00")
    morning = schedule(database, MORNING)
    schedule(database, "nova's own business", title="Cells v2", track="nova")
    schedule(database, "#agreed never said", title="Dropped", start="15:30", end="16:00", status="cancelled")
    return {"morning": morning, "afternoon": afternoon}


@pytest.fixture
def kolla(database):
    return gather_kolla(database)


def lines_under(text: str, heading: str) -> list[str]:
    lines = text.split("\n")
    start = lines.index(heading) + 1
    end = next((n for n in range(start, len(lines)) if lines[n].startswith("# ") or lines[n] == "-- "), len(lines))
    return [line for line in lines[start:end] if line]


# -- previews -----------------------------------------------------------------------------------
def test_the_track_preview_has_the_layout_a_team_lead_sends(database, kolla):
    result = preview(database)
    assert result.media_type == "text/plain; charset=utf-8"
    text = result.body
    headings = [line for line in text.split("\n") if line.startswith("# ")]
    assert headings == ["# Python 3 images", "# Upgrades", "# Decisions", "# Action items, by person",
                        "# Needs an owner", "# Help wanted", "# References"]
    assert "Thu 2019-05-02 09:00-10:45 America/Denver, aspen" in text
    assert "Agreed: build python3 images by default" in text and "#agreed" not in text and "#action" not in text
    assert lines_under(text, "# Decisions") == ["- build python3 images by default (Python 3 images)"]
    assert lines_under(text, "# Action items, by person") == ["- mgoddard: write the spec (Python 3 images)"]
    assert lines_under(text, "# Needs an owner") == ["- write the docs (Upgrades)"]
    assert lines_under(text, "# Help wanted") == ["- reviewers for the upgrade jobs (Upgrades)"]
    assert lines_under(text, "# References") == ["[1] https://review.opendev.org/642375"]
    assert "See [1]." in text
    assert "Cells v2" not in text and "Dropped" not in text and "never said" not in text
    assert all(len(line) <= 72 for line in text.split("\n") if not line.startswith("["))
    assert text.endswith("\n-- \nKolla team, Denver III PTG\n")  # the event's name, from notes' copy
    assert "ptghub.notes.summary.published" not in outbox_types(database)  # a preview publishes nothing


def test_the_preview_in_markdown_and_html(database, kolla):
    markdown = preview(database, format="markdown")
    assert markdown.media_type == "text/markdown; charset=utf-8"
    assert "# Decisions" in markdown.body and "[1]: <https://review.opendev.org/642375>" in markdown.body
    html = preview(database, format="html")
    assert html.media_type == "text/html; charset=utf-8"
    assert html.body.lstrip().startswith("<!DOCTYPE html>")
    assert '<a href="https://review.opendev.org/642375">' in html.body and "Action items, by person" in html.body


def test_suggested_items_can_be_marked_or_left_out_of_the_preview(database, kolla):
    edit(database, kolla["morning"], MORNING + "TheJulia is going to look into the pre-upgrade checks.\n")
    assert "- TheJulia: look into the pre-upgrade checks (Python 3 images)" in preview(database).body
    marked = " ".join(preview(database, suggested="mark").body.split())  # the line is wrapped
    assert "- TheJulia: look into the pre-upgrade checks (Python 3 images; suggested)" in marked
    assert "- TheJulia:" not in preview(database, suggested="omit").body


def test_the_summary_lists_the_stored_items_with_the_chairs_decisions(database, kolla):
    edit(database, kolla["morning"], MORNING + "TheJulia is going to look into the pre-upgrade checks.\n"
                                    "hrw is going to write the release notes.\n")
    with database.unit_of_work(readonly=True) as uow:
        stored = {i.text: (i.id, i.suggested, i.state)
                  for i in notes.list_items(uow, NoteKey.of_session(kolla["morning"]))}
    confirm, dismiss = stored["look into the pre-upgrade checks"], stored["write the release notes"]
    assert confirm[1:] == dismiss[1:] == (True, "open")
    key = NoteKey.of_session(kolla["morning"])
    run(database, notes.decide_item, ORGANISER, notes.ItemDecision(key, confirm[0], "confirmed"))
    run(database, notes.decide_item, ORGANISER, notes.ItemDecision(key, dismiss[0], "dismissed"))
    for policy in ("include", "mark", "omit"):  # a confirmed suggestion is listed, unmarked, whatever the policy
        text = " ".join(preview(database, suggested=policy).body.split())
        assert "- TheJulia: look into the pre-upgrade checks (Python 3 images)" in text
        assert "release notes (Python 3 images" not in text  # dismissed: out of the sections
        assert "- mgoddard: write the spec (Python 3 images)" in text  # a marker: confirmed as written


def test_the_tracks_own_note_follows_its_sessions(database, kolla):
    track_note = NoteKey.of_track("denver", "kolla")
    run(database, notes.edit_note, ORGANISER, notes.NoteEdit(track_note, "Etherpad for the week.\n"
                                                                         "#action hrw chase the gate\n", 0))
    text = preview(database).body
    assert text.index("# Upgrades") < text.index("Etherpad for the week.")
    assert "- hrw: chase the gate" in " ".join(text.split())
    run(database, copies.follow_track, track_change(slug="edge"))  # no sessions, only its note: summarised
    run(database, notes.edit_note, ORGANISER, notes.NoteEdit(NoteKey.of_track("denver", "edge"),
                                                            "#agreed edge sites use kolla\n", 0))
    assert "edge sites use kolla" in preview(database, track="edge").body
    event = preview(database, track=None).body
    assert "Etherpad for the week." in event and "edge sites use kolla" in event


def test_the_preview_of_an_unknown_retired_or_empty_track_is_refused(database, kolla):
    with pytest.raises(NotFound) as caught:
        preview(database, track="ironic")
    assert "track" in caught.value.errors
    run(database, copies.follow_track, track_change(slug="edge"))
    with pytest.raises(Invalid) as empty:
        preview(database, track="edge")
    assert empty.value.status == 422 and "track" in empty.value.errors
    run(database, copies.follow_track, track_change("deleted"))
    with pytest.raises(Conflict) as retired:
        preview(database)
    assert "track" in retired.value.errors


def test_the_event_preview_has_every_track_with_sessions(database, kolla):
    run(database, copies.follow_track, track_change(slug="nova"))
    run(database, copies.follow_track, track_change(slug="edge"))  # no sessions: left out
    text = preview(database, track=None).body
    assert [line for line in text.split("\n") if line.startswith("# ")] == ["# Kolla", "# Nova", "# References"]
    assert "## Python 3 images" in text and "## Cells v2" in text and "## Decisions" in text
    assert text.endswith("\n-- \nThe Denver III PTG organisers\n")
    with pytest.raises(NotFound) as caught:
        preview(database, event="berlin", track=None)
    assert "event" in caught.value.errors


def test_the_event_is_named_from_its_copy_and_by_its_slug_without_one(database, kolla):
    run(database, copies.follow_event, event_change("updated", "OpenStack PTG Denver", "2019-04-02T09:00:00+00:00"))
    run(database, copies.follow_event, event_change("updated", "an older name", "2019-04-01T12:00:00+00:00"))
    assert preview(database).body.endswith("\n-- \nKolla team, OpenStack PTG Denver\n")  # the stale one ignored
    run(database, copies.follow_event, event_change("deleted", "OpenStack PTG Denver", "2019-04-02T09:00:00+00:00"))
    with database.engine.connect() as connection:
        assert connection.execute(sa.text("select name, deleted from events")).all() == [("OpenStack PTG Denver", True)]
    assert preview(database, track=None).body.endswith("\nThe OpenStack PTG Denver organisers\n")  # deleted: its name kept
    run(database, copies.follow_track, track_change(event="berlin"))
    schedule(database, "#agreed berlin", event="berlin")
    assert preview(database, event="berlin").body.endswith("\n-- \nKolla team, berlin\n")  # no copy: the slug


# -- publishing ---------------------------------------------------------------------------------
def test_publishing_a_track_summary_emits_the_three_renderings(database, kolla):
    published = publish(database, KOLLA_CHAIR)
    assert published.scope == "track" and not published.update and published.thread == published.row.id
    assert published.subject == "[kolla] Denver III PTG summary" == published.row.title
    assert published.row.text == preview(database).body.replace(
        "This is an update of the summary sent earlier, and replaces it.\n\n", "")
    assert published.content_hash.startswith("sha256:")
    (data,) = published_events(database)
    assert set(data) >= {"text", "markdown", "html", "subject", "thread", "update", "content_hash", "tracks"}
    assert data["subject"] == "[kolla] Denver III PTG summary" and data["update"] is False
    assert data["tracks"] == ["kolla"] and data["scope"] == "track" and data["track"] == "kolla"
    assert "# Action items, by person" in data["text"] and "<h1" in data["html"] and "# Decisions" in data["markdown"]
    assert [s["title"] for s in data["sessions"]] == ["Python 3 images", "Upgrades"]
    assert data["sessions"][0]["track"] == "kolla" and data["sessions"][0]["start"] == "2019-05-02T09:00:00-06:00"


def test_an_unchanged_summary_is_refused_unless_forced_and_an_edit_publishes_an_update(database, kolla):
    first = publish(database)
    with pytest.raises(Conflict) as caught:
        publish(database)
    assert "summary" in caught.value.errors and "force" in caught.value.detail
    assert len(published_events(database)) == 1

    forced = publish(database, force=True)
    assert forced.update and forced.thread == first.row.id
    assert forced.row.text.startswith("This is an update of the summary sent earlier")
    assert forced.content_hash == first.content_hash  # the notice alone is no change
    with pytest.raises(Conflict):
        publish(database)  # the last one was an update: still nothing new

    edit(database, kolla["afternoon"], AFTERNOON + "#agreed ship the upgrade jobs\n")
    update = publish(database)
    assert update.update and update.thread == first.row.id and update.content_hash != first.content_hash
    assert "ship the upgrade jobs" in update.row.text
    assert [d["update"] for d in published_events(database)] == [False, True, True]
    assert {d["thread"] for d in published_events(database)} == {first.row.id}


def test_a_new_title_is_a_change_and_gets_the_tag(database, kolla):
    publish(database)
    titled = publish(database, title="Train PTG")
    assert titled.subject == "[kolla] Train PTG" and titled.update
    assert publish(database, title="[kolla] Train PTG", force=True).subject == "[kolla] Train PTG"


def test_only_organisers_and_the_tracks_chairs_publish_it(database, kolla):
    with pytest.raises(Forbidden):
        publish(database, {**KOLLA_CHAIR, "tracks": [{"event": "denver", "track": "nova"}]})
    with pytest.raises(Forbidden):
        publish(database, KOLLA_CHAIR, event="shanghai")
    with pytest.raises(Forbidden):
        publish(database, KOLLA_CHAIR, track=None)  # the event's summary is the organisers'
    assert published_events(database) == []


def test_the_event_summary_is_published_with_every_track_and_refused_unchanged(database, kolla):
    run(database, copies.follow_track, track_change(slug="nova"))
    first = publish(database, track=None)
    assert first.scope == "event" and first.subject == "Denver III PTG summary" and first.tracks == ("kolla", "nova")
    (data,) = published_events(database)
    assert data["track"] is None and data["track_name"] is None and data["scope"] == "event"
    assert [s["track"] for s in data["sessions"]] == ["kolla", "kolla", "nova"]
    with pytest.raises(Conflict) as caught:
        publish(database, track=None)
    assert "summary" in caught.value.errors
    publish(database)  # a track's summary is another thread: not refused
    edit(database, kolla["morning"], MORNING + "#agreed and one more thing\n")
    update = publish(database, track=None)
    assert update.update and update.thread == first.row.id
    with database.unit_of_work(readonly=True) as uow:
        assert summaries.get_summary(uow, update.row.id).track == ""


def test_an_event_without_sessions_has_no_summary(database):
    run(database, copies.follow_track, track_change())
    with pytest.raises(Invalid) as caught:
        publish(database, track=None)
    assert "event" in caught.value.errors


def test_a_retired_track_publishes_no_summary_until_it_is_created_again(database):
    run(database, copies.follow_track, track_change())
    schedule(database)
    run(database, copies.follow_track, track_change("deleted"))
    with pytest.raises(Conflict) as caught:
        publish(database)
    assert "track" in caught.value.errors and "kolla" in caught.value.detail
    assert outbox_types(database) == []

    run(database, copies.follow_track, track_change(track_id="kolla-again"))
    assert publish(database).row.track == "kolla"


def test_an_unknown_track_is_404(database):
    with pytest.raises(NotFound) as caught:
        publish(database, track="nova")
    assert "track" in caught.value.errors


def test_a_summary_is_kept_as_sent(database, kolla):
    published = publish(database)
    with database.unit_of_work(readonly=True) as uow:
        kept = summaries.get_summary(uow, published.row.id)
        assert kept.text == published.row.text and kept.title == "[kolla] Denver III PTG summary"
    with database.engine.connect() as connection:
        assert connection.execute(sa.text("select count(*) from summaries")).scalar_one() == 1
