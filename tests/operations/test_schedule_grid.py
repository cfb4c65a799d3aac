"""The schedule's slot grid and link operations, in-process (SQLite, no Flask, no broker)."""
import pytest

from services.kit.problems import Conflict
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import grid, links, rooms
from services.schedule.schemas.gathering import LinkChanges, LinkSchema, RoomChanges, SlotGridSchema

from .conftest import outbox_types, transaction
from .schedule_gathering import GRID, ORGANISER, make_gathering, schedule


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    make_gathering(database, grid_slots=True)
    return database


def test_sending_the_grid_it_has_changes_and_publishes_nothing(database):
    published = len(outbox_types(database))
    with transaction(database) as uow:
        same = grid.replace_slots(uow, ORGANISER, "denver", SlotGridSchema().load(GRID))
        assert [slot.code for slot in same["slots"]] == ["ThuA1", "ThuA2", "FriA1"]
    assert len(outbox_types(database)) == published


def test_slots_in_use_stay_and_rooms_stop_offering_slots_that_left(database):
    row = schedule(database, slots=["ThuA1"])
    with transaction(database) as uow:
        rooms.update_room(uow, ORGANISER, "denver", "boulder", RoomChanges.load({"offered_slots": ["ThuA2", "FriA1"]}))
    with pytest.raises(Conflict) as in_use, transaction(database) as uow:
        grid.replace_slots(uow, ORGANISER, "denver", SlotGridSchema().load({"slots": GRID["slots"][1:]}))
    assert in_use.value.extra == {"conflicting_session": row.id} and "slots" in in_use.value.errors
    with pytest.raises(Conflict), transaction(database) as uow:
        grid.delete_slot(uow, ORGANISER, "denver", "ThuA1")
    published = len(outbox_types(database))
    with transaction(database) as uow:
        grid.delete_slot(uow, ORGANISER, "denver", "ThuA2")
    assert outbox_types(database)[published:] == ["ptghub.schedule.room.updated", "ptghub.schedule.slot.changed"]
    with transaction(database) as uow:
        assert rooms.get_room(uow, "denver", "boulder").offered_slots == ["FriA1"]


def test_links_keep_their_order(database):
    made = []
    for label in ("map", "pads", "wiki"):
        with transaction(database) as uow:
            made.append(links.create_link(uow, ORGANISER, "denver", LinkSchema().load(
                {"label": label, "url": f"https://example.org/{label}"})).id)
    with transaction(database) as uow:
        links.update_link(uow, ORGANISER, "denver", made[2], LinkChanges.load({"position": 0}))
    with transaction(database) as uow:
        links.delete_link(uow, ORGANISER, "denver", made[0])
    with database.unit_of_work(readonly=True) as uow:
        items, _cursor = links.list_links(uow, "denver", {"limit": 10, "cursor": None})
        assert [(link.label, link.position) for link in items] == [("wiki", 0), ("pads", 1)]
    assert outbox_types(database).count("ptghub.schedule.link.changed") == 5
