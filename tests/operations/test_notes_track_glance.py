"""A track's notes at a glance (what the gateway's track overview shows of notes): each session note's
link and item counts in schedule order, the track note's, the latest summary published."""
import pytest

from services.kit.problems import NotFound
from services.notes.descriptor import DESCRIPTOR
from services.notes.domain import NoteKey
from services.notes.operations import notes, track_notes
from services.notes.schemas.track_notes import TrackNotesSchema

from .conftest import run
from .test_notes_summaries import ORGANISER, gather_kolla, publish


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


@pytest.fixture
def kolla(database):
    """The summaries' tests' gathering: kolla's morning and afternoon, nova's, a cancelled one."""
    return gather_kolla(database)


def glance(database, event="denver", track="kolla") -> dict:
    with database.unit_of_work(readonly=True) as uow:
        return TrackNotesSchema().dump(track_notes.track_notes(uow, event, track))


def test_each_session_note_with_its_link_and_item_counts_in_schedule_order(database, kolla):
    found = glance(database)
    assert (found["event"], found["track"]) == ("denver", "kolla")
    assert [(s["title"], s["status"]) for s in found["sessions"]] == [
        ("Python 3 images", "scheduled"), ("Upgrades", "scheduled"), ("Dropped", "cancelled")]
    morning, afternoon, _dropped = found["sessions"]
    assert morning["session_id"] == kolla["morning"] and morning["url"] == f"/api/v1/sessions/{kolla['morning']}/note"
    assert morning["revision"] == 1 and morning["updated_at"]
    assert morning["item_counts"] == {"action": 1, "decision": 1}
    assert afternoon["item_counts"]["action"] == 1 and afternoon["item_counts"]["help"] == 1
    assert found["track_note"] is None and found["latest_summary"] is None


def test_a_dismissed_item_is_not_counted_and_the_track_note_and_summary_show(database, kolla):
    key = NoteKey.of_session(kolla["morning"])
    with database.unit_of_work(readonly=True) as uow:
        decision = next(i.id for i in notes.list_items(uow, key) if i.kind == "decision")
    run(database, notes.decide_item, ORGANISER, notes.ItemDecision(key, decision, "dismissed"))
    run(database, notes.edit_note, ORGANISER, notes.NoteEdit(NoteKey.of_track("denver", "kolla"), "#idea a forum session", 0))
    published = publish(database)
    found = glance(database)
    assert found["sessions"][0]["item_counts"] == {"action": 1}
    assert found["track_note"]["session_id"] is None
    assert found["track_note"]["url"] == "/api/v1/events/denver/tracks/kolla/note"
    assert found["track_note"]["item_counts"] == {"idea": 1}
    assert found["latest_summary"]["id"] == published.row.id
    assert found["latest_summary"]["url"] == f"/api/v1/summaries/{published.row.id}"


def test_a_track_the_schedule_never_announced_is_a_404_naming_it(database, kolla):
    with pytest.raises(NotFound) as refused:
        glance(database, track="cinder")
    assert set(refused.value.errors) == {"track"}
