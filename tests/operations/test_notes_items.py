"""Items drawn out of a note on every save: markers and suggestions, identity across saves, a chair's
confirm or dismiss, and ``note.items.changed`` through the outbox."""
import json
import uuid

import pytest

from services.kit.copies import TrackChange
from services.kit.problems import Forbidden, NotFound
from services.notes.descriptor import DESCRIPTOR
from services.notes.domain import NoteKey
from services.notes.operations import copies, notes

from .conftest import run, transaction

ORGANISER = {"sub": "organiser-token", "name": "ops", "role": "organiser", "tracks": []}
KOLLA_CHAIR = {"sub": str(uuid.uuid4()), "name": "mgoddard", "role": "chair",
               "tracks": [{"event": "denver", "track": "kolla"}]}
NOVA_CHAIR = {"sub": str(uuid.uuid4()), "name": "gibi", "role": "chair", "tracks": [{"event": "denver", "track": "nova"}]}
KOLLA = NoteKey.of_track("denver", "kolla")


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    with transaction(database) as uow:
        copies.follow_track(uow, TrackChange("created", "kolla-id", "denver", "kolla", "Kolla"),
                            [{"nick": "hrw", "name": "Marcin Juszkiewicz", "email": None}])
    return database


def save(database, body, who=ORGANISER):
    with database.unit_of_work(readonly=True) as uow:
        revision = notes.get_note(uow, KOLLA).revision
    return run(database, notes.edit_note, who, notes.NoteEdit(KOLLA, body, revision))


def items(database):
    with database.unit_of_work(readonly=True) as uow:
        return [(i.id, i.kind, i.text, list(i.owners), i.suggested, i.state, i.line)
                for i in notes.list_items(uow, KOLLA)]


def changes(database) -> list[dict]:
    with database.engine.connect() as connection:
        rows = connection.execute(database.outbox.select().order_by(database.outbox.c.seq)).all()
    return [json.loads(row.payload)["data"] for row in rows if row.event_type == "ptghub.notes.note.items.changed"]


def test_the_readmes_demo_note_yields_an_action_for_mgoddard(database):
    save(database, "#action mgoddard write the spec")
    [(_id, kind, text, owners, suggested, state, line)] = items(database)
    assert (kind, text, owners, suggested, state, line) == ("action", "write the spec", ["mgoddard"], False,
                                                           "confirmed", 1)
    [change] = changes(database)
    assert change["note"] == {"id": change["note"]["id"], "kind": "track", "session_id": None, "event": "denver",
                              "track": "kolla", "slug": None}
    assert [i["text"] for i in change["added"]] == ["write the spec"] and change["changed"] == change["removed"] == []
    assert set(change["added"][0]) >= {"id", "kind", "text", "owners", "due", "suggested", "state", "line"}


def test_a_suggestion_from_prose_is_open_and_i_is_the_author(database):
    save(database, "I volunteered to look at this, and hrw volunteered to help", KOLLA_CHAIR)
    [(_id, kind, text, owners, suggested, state, _line)] = items(database)
    assert (kind, text, owners, suggested, state) == ("action", "look at this", ["mgoddard", "hrw"], True, "open")


def test_items_keep_their_identity_across_saves(database):
    save(database, "#action hrw fix the gate\n#agreed py3 images first\n#link https://etherpad.opendev.org/p/kolla")
    before = {text: item_id for item_id, _k, text, *_ in items(database)}
    save(database, "intro line\n#action hrw fix the gate jobs\n#agreed py3 images first\n#info new thing")
    after = {text: (item_id, line) for item_id, _k, text, _o, _s, _st, line in items(database)}
    assert after["py3 images first"] == (before["py3 images first"], 3)  # unchanged, moved down a line
    assert after["fix the gate jobs"][0] == before["fix the gate"]       # same line, edited
    assert "https://etherpad.opendev.org/p/kolla" not in after
    last = changes(database)[-1]
    assert [i["text"] for i in last["changed"]] == ["fix the gate jobs"]
    assert [i["kind"] for i in last["removed"]] == ["link"] and [i["text"] for i in last["added"]] == ["new thing"]
    count = len(changes(database))
    save(database, "intro line, reworded\n#action hrw fix the gate jobs\n#agreed py3 images first\n#info new thing")
    assert len(changes(database)) == count  # no item changed: no event


def test_a_chair_confirms_or_dismisses_and_the_state_survives_saves(database):
    save(database, "mnasiadka offered to pick this up\n#action hrw fix it")
    suggestion = next(i for i in items(database) if i[4])
    confirmed = run(database, notes.decide_item, KOLLA_CHAIR, notes.ItemDecision(KOLLA, suggestion[0], "confirmed"))
    assert confirmed.state == "confirmed"
    assert changes(database)[-1]["changed"][0]["state"] == "confirmed"
    count = len(changes(database))
    run(database, notes.decide_item, ORGANISER, notes.ItemDecision(KOLLA, suggestion[0], "confirmed"))
    assert len(changes(database)) == count  # no change, no event
    run(database, notes.decide_item, ORGANISER, notes.ItemDecision(KOLLA, suggestion[0], "dismissed"))
    save(database, "Monday\nmnasiadka offered to pick this up\n#action hrw fix it")
    assert next(i for i in items(database) if i[0] == suggestion[0])[5] == "dismissed"


def test_another_tracks_chair_may_not_decide_and_an_unknown_item_is_404(database):
    save(database, "#action hrw fix it")
    [item] = items(database)
    with pytest.raises(Forbidden) as caught:
        run(database, notes.decide_item, NOVA_CHAIR, notes.ItemDecision(KOLLA, item[0], "dismissed"))
    assert "track" in caught.value.errors
    with pytest.raises(NotFound) as caught:
        run(database, notes.decide_item, KOLLA_CHAIR, notes.ItemDecision(KOLLA, str(uuid.uuid4()), "confirmed"))
    assert "item" in caught.value.errors
    assert items(database)[0][5] == "confirmed"


def test_chairs_of_the_track_are_people_extraction_knows(database):
    save(database, "Marcin Juszkiewicz offered to pick this up")
    assert [owners for _i, _k, _t, owners, *_ in items(database)] == [["hrw"]]
