"""The message of the day and the live board, as operations on a SQLite database."""
import pytest

from services.kit.problems import Invalid, NotFound
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import board, live, motd

from .conftest import outbox_types
from .schedule_live_gathering import THURSDAY, build, local, outbox


@pytest.fixture
def database(make_database):
    database = make_database(DESCRIPTOR)
    build(database)
    return database


def test_the_message_of_the_day_is_one_ordered_list_published_whole(database):
    with database.unit_of_work() as uow:
        for level, message in (("info", "one"), ("warning", "two"), ("danger", "three")):
            listed = motd.add(uow, "denver", level, message)
        ids = [item["id"] for item in listed["items"]]
        assert [m["message"] for m in motd.reorder(uow, "denver", [ids[2], ids[0]])["items"]] == ["three", "one"]
        assert [m["number"] for m in motd.remove(uow, "denver", ids[2])["items"]] == [1]
        uow.commit()
    with database.unit_of_work() as uow:
        with pytest.raises(NotFound):
            motd.remove(uow, "denver", ids[1])  # dropped by the reorder
        with pytest.raises(Invalid):
            motd.reorder(uow, "denver", [ids[0], ids[0]])
        assert motd.clear(uow, "denver")["items"] == []
        uow.commit()
    assert outbox_types(database) == ["ptghub.schedule.motd.changed"] * 6
    assert outbox(database)[-1]["data"] == {"event": "denver", "items": []}
    with database.unit_of_work(readonly=True) as uow:
        assert motd.read(uow, "denver") == {"event": "denver", "items": []}


def test_the_board_shows_the_current_and_next_sessions_and_its_tag_follows_the_clock(database):
    with database.unit_of_work() as uow:
        live.set_now(uow, "denver", "nova", "cells", local(THURSDAY, 8))
        uow.commit()
    with database.unit_of_work(readonly=True) as uow:
        before = board.read(uow, "denver", local(THURSDAY, 8))
        during = board.read(uow, "denver", local(THURSDAY, 10))
        assert board.read(uow, "denver", local(THURSDAY, 10), is_current=during.tag.__eq__).board is None
        nova = next(t for t in before.board["tracks"] if t["track"] == "nova")
        assert nova["now"] == "cells" and nova["current_session"] is None and nova["next_session"].title == "Cells v2"
        ballroom = next(r for r in during.board["rooms"] if r["room"] == "ballroom")
        assert ballroom["current_session"].title == "Cells v2" and ballroom["next_session"] is None
    assert before.tag != during.tag  # the session started in between
