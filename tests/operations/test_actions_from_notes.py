"""Action items from the notes' ``note.items.changed``, in process on SQLite, through the actions
service's own consumer (the kit's event router): created, updated, withdrawn or kept, once per
item however often or late the announcements arrive; owners found and never invented."""
import json
import uuid
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from services.actions import store
from services.actions.consumers import subscriptions
from services.actions.descriptor import DESCRIPTOR
from services.actions.operations import lifecycle
from services.kit.cloudevents import CloudEvent
from services.kit.consuming import EventRouter

from .conftest import outbox_types, transaction

NOTE = {"id": "session-1", "kind": "session", "session_id": "session-1", "event": "denver", "track": "kolla"}
T0 = datetime(2027, 5, 2, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    with transaction(database) as uow:
        uow.session.add_all([
            store.Person(nick="mgoddard", nick_key="mgoddard", name="Mark Goddard", email="mgoddard@example.com"),
            store.Person(nick="hrw", nick_key="hrw", name="Marcin Juszkiewicz", email="hrw@example.com",
                         aliases=[store.PersonAlias(key="marcin", alias="Marcin")]),
        ])
    return database


@pytest.fixture
def router(database):
    return EventRouter(database, subscriptions(database))


def item(text="write the spec", *, id="item-1", kind="action", owners=("mgoddard",), due=None, suggested=False,
         state=None, line=1, source=None, **extra):
    return {**extra, "id": id, "kind": kind, "text": text, "owners": list(owners), "due": due, "suggested": suggested,
            "state": state or ("open" if suggested else "confirmed"), "line": line,
            "source": source or f"#action {' '.join(owners)} {text}".replace("  ", " ")}


def announce(router, revision, added=(), changed=(), removed=(), note=NOTE, at=None, event_id=None, extra=None):
    """Deliver one ``note.items.changed`` as the notes service publishes it; returns whether it was applied."""
    data = {"note": note, "revision": revision, "added": list(added), "changed": list(changed),
            "removed": list(removed), **(extra or {})}
    at = at or T0 + timedelta(minutes=revision)
    cloud_event = CloudEvent(type="ptghub.notes.note.items.changed", source="/ptghub/notes", data=data,
                             subject=note["id"], time=at.isoformat().replace("+00:00", "Z"),
                             **({"id": event_id} if event_id else {}))
    return router.handle(CloudEvent.from_json(cloud_event.to_json().encode()))


COLUMNS = ("id", "title", "due_date", "status", "event", "track", "session_id", "source_note_id", "source_item_id",
           "source_text", "source_line", "source_removed", "edited", "version", "needs_owner")


def actions(database) -> list[SimpleNamespace]:
    """Every action, oldest first, as read after the fact (owners: ``(name as written, person's nick)``)."""
    with database.unit_of_work(readonly=True) as uow:
        return [SimpleNamespace(**{name: getattr(action, name) for name in COLUMNS}, owners=[
                    (owner.name, owner.person.nick if owner.person else None) for owner in action.owners])
                for action in uow.session.scalars(sa.select(store.Action).order_by(store.Action.created_at,
                                                                                     store.Action.source_item_id))]


def the_action(database) -> store.Action:
    [action] = actions(database)
    return action


def owners(action) -> list[tuple[str, str | None]]:
    return action.owners


def history(database, action_id) -> list[tuple[str, str, dict]]:
    with database.unit_of_work(readonly=True) as uow:
        return [(entry.actor, entry.kind, entry.changes) for entry in uow.session.scalars(
            sa.select(store.HistoryEntry).where(store.HistoryEntry.action_id == action_id)
            .order_by(store.HistoryEntry.at, store.HistoryEntry.id))]


def published(database) -> list[tuple[str, dict]]:
    with database.engine.connect() as connection:
        rows = connection.execute(database.outbox.select().order_by(database.outbox.c.seq)).all()
    return [(row.event_type, json.loads(row.payload)["data"]) for row in rows]


def edit_by_hand(database, action_id, changes, owners=None):
    with transaction(database) as uow:
        action = store.get_action(uow.session, action_id, lock=True)
        assert lifecycle.change(uow, action, changes, "ops", datetime.now(timezone.utc), owners=owners)


def test_an_added_action_item_becomes_an_action_with_its_owner_due_date_note_and_sentence(database, router):
    assert announce(router, 1, added=[item("write the spec due 2027-06-01", due="2027-06-01",
                                           source="#action mgoddard write the spec due 2027-06-01", line=3)])
    action = the_action(database)
    assert (action.title, action.due_date, action.status) == ("write the spec due 2027-06-01", date(2027, 6, 1), "open")
    assert (action.event, action.track, action.session_id) == ("denver", "kolla", "session-1")
    assert (action.source_note_id, action.source_item_id, action.source_line) == ("session-1", "item-1", 3)
    assert action.source_text == "#action mgoddard write the spec due 2027-06-01"
    assert owners(action) == [("mgoddard", "mgoddard")] and not action.edited and not action.source_removed
    [(actor, kind, _changes)] = history(database, action.id)
    assert (actor, kind) == ("notes", "created")
    assert outbox_types(database) == ["ptghub.actions.action.created"]
    # no track copy is needed: the schedule's track event may come later
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.scalars(sa.select(store.Track)).all() == []


def test_a_changed_item_updates_its_action_and_says_so_in_the_history(database, router):
    announce(router, 1, added=[item()])
    announce(router, 2, changed=[item("write the spec and the docs", owners=("mgoddard", "hrw"), due="2027-06-15",
                                      line=4)])
    action = the_action(database)
    assert (action.title, action.due_date, action.source_line) == ("write the spec and the docs", date(2027, 6, 15), 4)
    assert owners(action) == [("mgoddard", "mgoddard"), ("hrw", "hrw")]
    assert not action.edited
    _created, (actor, kind, changes) = history(database, action.id)
    assert (actor, kind) == ("notes", "source_changed")
    assert changes["title"] == {"from": "write the spec", "to": "write the spec and the docs"}
    assert changes["owners"] == {"from": ["mgoddard"], "to": ["mgoddard", "hrw"]}
    assert changes["due_date"] == {"from": None, "to": "2027-06-15"}
    assert outbox_types(database) == ["ptghub.actions.action.created", "ptghub.actions.action.updated"]


def test_a_removed_item_withdraws_its_untouched_open_action(database, router):
    announce(router, 1, added=[item()])
    action_id = the_action(database).id
    announce(router, 2, removed=[item()])
    assert actions(database) == []
    kind, data = published(database)[-1]
    assert kind == "ptghub.actions.action.withdrawn" and data["id"] == action_id


def test_the_same_event_twice_and_the_same_change_again_make_one_action(database, router):
    event_id = str(uuid.uuid4())
    assert announce(router, 1, added=[item()], event_id=event_id)
    assert not announce(router, 1, added=[item()], event_id=event_id)  # redelivered: the kit's inbox
    assert announce(router, 1, added=[item()])  # the same announcement again, under a new id
    announce(router, 2, changed=[item()])  # a save that left the item as it was
    action = the_action(database)
    assert action.version == 1 and len(history(database, action.id)) == 1
    assert outbox_types(database) == ["ptghub.actions.action.created"]


def test_a_stale_announcement_arriving_late_changes_nothing_and_brings_nothing_back(database, router):
    announce(router, 1, added=[item()])
    announce(router, 3, changed=[item("write the spec and the docs")])
    announce(router, 2, changed=[item("write the spec, maybe")])  # published before revision 3's
    assert the_action(database).title == "write the spec and the docs"

    announce(router, 5, removed=[item("write the spec and the docs")])
    assert actions(database) == []
    announce(router, 4, changed=[item("write the spec and the docs, soon")])  # late: the item is gone since 5
    assert actions(database) == []
    # an added arriving after its own removal does not create it either
    announce(router, 7, removed=[item(id="item-2")])
    announce(router, 6, added=[item(id="item-2")])
    assert actions(database) == []


def test_a_suggestion_becomes_an_action_only_when_confirmed(database, router):
    suggestion = dict(text="pick up the python3 images", owners=("hrw",), suggested=True,
                      source="hrw offered to pick up the python3 images", id="item-s")
    announce(router, 1, added=[item(**suggestion)])
    assert actions(database) == []
    confirm_at = T0 + timedelta(minutes=1, seconds=30)  # a chair's confirm keeps the note's revision
    announce(router, 1, changed=[item(**suggestion, state="confirmed")], at=confirm_at)
    action = the_action(database)
    assert (action.title, owners(action), action.source_item_id) == (
        "pick up the python3 images", [("hrw", "hrw")], "item-s")
    # the save announced before the confirm, delivered after it, does not undo it
    announce(router, 1, added=[item(**suggestion)], at=T0 + timedelta(minutes=1))
    assert the_action(database).id == action.id


def test_a_dismissed_suggestion_is_no_action_and_withdraws_the_one_it_had(database, router):
    suggestion = dict(text="look at the gate", owners=(), suggested=True, source="someone should look at the gate",
                      id="item-d")
    announce(router, 1, added=[item(**suggestion)])
    announce(router, 1, changed=[item(**suggestion, state="dismissed")], at=T0 + timedelta(minutes=2))
    assert actions(database) == []
    announce(router, 2, changed=[item(**suggestion, state="confirmed")])
    assert the_action(database).needs_owner
    announce(router, 2, changed=[item(**suggestion, state="dismissed")], at=T0 + timedelta(minutes=2, seconds=5))
    assert actions(database) == []
    assert outbox_types(database)[-1] == "ptghub.actions.action.withdrawn"


def test_an_item_no_longer_an_action_is_treated_as_removed(database, router):
    announce(router, 1, added=[item()])
    announce(router, 2, changed=[item("we write the spec", kind="decision")])
    assert actions(database) == []


def test_an_action_changed_by_hand_keeps_its_fields_and_stays_when_its_item_goes(database, router):
    announce(router, 1, added=[item(due="2027-06-01")])
    action_id = the_action(database).id
    edit_by_hand(database, action_id, {"title": "write the python3 images spec"}, owners=["hrw"])

    announce(router, 2, changed=[item("write the spec today", due="2027-05-20", line=7,
                                      source="#action mgoddard write the spec today")])
    action = the_action(database)
    assert action.title == "write the python3 images spec" and owners(action) == [("hrw", "hrw")]
    assert action.due_date == date(2027, 5, 20)  # nobody changed the due date by hand: the notes' to set
    assert (action.source_text, action.source_line) == ("#action mgoddard write the spec today", 7)
    *_before, (actor, kind, changes) = history(database, action_id)
    assert (actor, kind) == ("notes", "source_changed") and set(changes) == {"due_date", "source_text", "source_line"}

    announce(router, 3, removed=[item("write the spec today")])
    action = the_action(database)
    assert action.id == action_id and action.source_removed and action.status == "open"
    *_before, (actor, kind, changes) = history(database, action_id)
    assert (actor, kind, changes) == ("notes", "source_removed", {"source_removed": {"from": False, "to": True}})
    announce(router, 3, removed=[item("write the spec today")], at=T0 + timedelta(minutes=3, seconds=1))
    assert len(history(database, action_id)) == 4  # removed again: nothing more to say


def test_an_action_no_longer_open_stays_when_its_item_goes(database, router):
    announce(router, 1, added=[item()])
    action_id = the_action(database).id
    with transaction(database) as uow:  # a one-click link in a reminder: by hand, too
        lifecycle.change(uow, store.get_action(uow.session, action_id, lock=True), {"status": "done"},
                         lifecycle.LINK, datetime.now(timezone.utc))
    announce(router, 2, removed=[item()])
    action = the_action(database)
    assert action.status == "done" and action.source_removed


def test_an_owner_is_a_known_persons_whole_word_in_the_text(database, router):
    announce(router, 1, added=[
        item("ask HRW about the arm64 images.", owners=(), id="a"),  # a nick, any case, a full stop after it
        item("Marcin to review it", owners=(), id="b"),  # an alias names its person
        item("hrwx and shrw are not hrw's", owners=(), id="c"),  # only the whole word hrw in "hrw's"
        item("mgoddard, hrw: pair on it", owners=(), id="d"),
    ])
    by_item = {action.source_item_id: owners(action) for action in actions(database)}
    assert by_item == {"a": [("hrw", "hrw")], "b": [("hrw", "hrw")], "c": [("hrw", "hrw")],
                       "d": [("mgoddard", "mgoddard"), ("hrw", "hrw")]}


def test_no_owner_is_invented(database, router):
    announce(router, 1, added=[
        item("kolla team to fix CI", owners=(), id="a"),  # a team is no person
        item("hrwx to look at the gate", owners=(), id="b"),  # a word that merely contains a nick
        item("write the docs", owners=(), id="c"),
    ])
    found = actions(database)
    assert len(found) == 3 and all(action.needs_owner for action in found)


def test_written_owners_win_and_an_unknown_nick_is_kept_as_written(database, router):
    announce(router, 1, added=[item("yoctozepto and hrw write it", owners=("yoctozepto",)),
                               item("mail it", owners=("Someone@Example.com", "not a nick!"), id="item-2")])
    first, second = actions(database)
    assert owners(first) == [("yoctozepto", None)]  # the notes named an owner: the text is not searched
    assert owners(second) == [("Someone@Example.com", None)]  # what names no one is left out, not refused


def test_a_track_note_and_an_event_note_and_fields_added_later(database, router):
    announce(router, 1, note={"id": "track-note", "kind": "track", "session_id": None, "event": "denver",
                              "track": "nova"}, added=[item(id="t", extra_field="ignored")],
             extra={"new_field": {"anything": 1}})
    announce(router, 1, note={"id": "event-note", "kind": "event", "session_id": None, "event": "denver",
                              "track": None}, added=[item(id="e")])
    by_item = {action.source_item_id: (action.event, action.track, action.session_id) for action in actions(database)}
    assert by_item == {"t": ("denver", "nova", None), "e": ("denver", None, None)}


def test_several_items_of_one_save_each_make_their_own_action(database, router):
    announce(router, 1, added=[item(id="x1"), item("fix the gate", id="x2", owners=("hrw",)),
                               item("a decision", id="x3", kind="decision")])
    assert [(a.source_item_id, a.title) for a in actions(database)] == [("x1", "write the spec"),
                                                                          ("x2", "fix the gate")]
