"""ptgbot's JSON imported into an event (plan, then apply), as an operation on a SQLite database."""
import json
from datetime import date

import pytest
import sqlalchemy as sa

from services.kit.problems import Conflict, Invalid
from services.schedule import store
from services.schedule.descriptor import DESCRIPTOR
from services.schedule.operations import booking, importing

from ..infra import DENVER_BASE_JSON
from .conftest import outbox_types
from .schedule_live_gathering import THURSDAY, build, local, version

AT = local(THURSDAY, 10)
BASE = json.loads(DENVER_BASE_JSON.read_text())


@pytest.fixture
def denver(make_database):
    """An empty event on the dates of the Denver grid (Stein PTG, 10 to 14 September 2018)."""
    database = make_database(DESCRIPTOR)
    with database.unit_of_work() as uow:
        uow.session.add(store.Event(slug="denver", name="Denver PTG", timezone="America/Denver",
                                    start_date=date(2018, 9, 10), end_date=date(2018, 9, 14), organisers=["ttx"]))
        uow.commit()
    return database


def run(database, doc, slug="denver"):
    with database.unit_of_work() as uow:
        result = importing.import_ptgbot(uow, slug, doc, AT)
        uow.commit()
    return result


def count(database, model) -> int:
    with database.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_the_denver_grid_imports_and_a_second_import_changes_nothing(denver):
    first = run(denver, BASE)
    assert first["changed"] and first["slots"]["created"] == 20 and first["rooms"]["created"] == 23
    assert first["tracks"]["created"] == 44 and first["sessions"]["created"] == 356
    assert (count(denver, store.Slot), count(denver, store.Room), count(denver, store.SessionRow)) == (20, 23, 356)
    events, before = outbox_types(denver), version(denver)
    assert events[0] == "ptghub.schedule.slot.changed" and events.count("ptghub.schedule.session.scheduled") == 356
    again = run(denver, BASE)
    assert not again["changed"] and again["sessions"] == {"created": 0, "updated": 0, "unchanged": 356}
    assert version(denver) == before and outbox_types(denver) == events


def test_an_import_that_changes_one_thing_publishes_that_only(denver):
    run(denver, BASE)
    events = outbox_types(denver)
    result = run(denver, {**BASE, "now": {"swift": "rings"}, "motd": [{"level": "info", "message": "hi"}]})
    assert result["statuses_changed"] == 1 and result["motd_changed"] and result["changed"]
    assert outbox_types(denver)[len(events):] == ["ptghub.schedule.status.changed", "ptghub.schedule.motd.changed"]


def test_a_session_in_the_way_makes_the_import_write_nothing(make_database):
    database = make_database(DESCRIPTOR)
    build(database)
    with database.unit_of_work() as uow:  # kolla booked Aspen on Thursday afternoon
        booking.book(uow, "denver", "kolla", "aspen", "ThuP1")
        uow.commit()
    events, before = outbox_types(database), version(database)
    doc = {"slots": {"Thursday": [{"name": "ThuP1", "desc": "13:30-15:15"}]}, "schedule": {"Aspen": {"ThuP1": "swift"}},
           "motd": [{"level": "info", "message": "not written either"}]}
    with database.unit_of_work() as uow:
        with pytest.raises(Conflict) as refused:
            importing.import_ptgbot(uow, "denver", doc, AT)
    assert "schedule.Aspen.ThuP1" in refused.value.errors and refused.value.extra["room_slot"] == "aspen-ThuP1"
    assert outbox_types(database) == events and version(database) == before


def test_a_grid_that_does_not_fit_the_event_is_refused(denver):
    with denver.unit_of_work() as uow:
        with pytest.raises(Invalid) as refused:
            importing.import_ptgbot(uow, "denver", {"slots": {"Monday": [{"name": "MonA1", "desc": "soon"}]}}, AT)
    assert "slots.Monday.MonA1" in refused.value.errors and outbox_types(denver) == []
