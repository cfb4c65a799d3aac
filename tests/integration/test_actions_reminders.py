"""The reminder sweep on real PostgreSQL: two sweepers at once (two threads, two sessions) never
send anything twice nor split a person's digest; a person another sweeper holds is skipped, not waited for."""
import json
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.actions import store
from services.actions.descriptor import DESCRIPTOR
from services.actions.operations import lifecycle, reminders
from services.actions.timers import sweep_due
from services.kit import migrations
from services.kit.db import Database

pytestmark = pytest.mark.integration

UTC = timezone.utc
DIGEST = "ptghub.actions.action.reminder.due"
NOW = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)  # 10:00 in Denver


@pytest.fixture
def database(infra):
    url = infra.database_url("actions_reminders")
    migrations.upgrade(DESCRIPTOR.package_dir, url)
    database = Database(url, DESCRIPTOR.metadata, source="/ptghub/actions")
    yield database
    database.dispose()


def populate(database, people: int, actions_each: int) -> None:
    with database.unit_of_work() as uow:
        for number in range(people):
            nick = f"p{number:03d}"
            uow.session.add(store.Person(nick=nick, nick_key=nick, email=f"{nick}@example.org",
                                         timezone="America/Denver"))
        uow.session.flush()
        for number in range(people):
            for item in range(actions_each):
                lifecycle.create(uow, {"title": f"item {item}", "event": "denver"}, [f"p{number:03d}"], "org",
                                 NOW - timedelta(minutes=5))
        uow.commit()


def digests(database):
    with database.engine.connect() as connection:
        return [json.loads(row.payload) for row in connection.execute(
            database.outbox.select().where(database.outbox.c.event_type == DIGEST))]


def test_two_concurrent_sweepers_never_double_send(database):
    populate(database, people=60, actions_each=4)
    barrier = threading.Barrier(2)
    totals, errors = [], []

    def sweeper():
        try:
            barrier.wait()
            totals.append(sweep_due(database, NOW, batch=7))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    events = digests(database)
    per_person = Counter(event["subject"] for event in events)
    assert len(per_person) == 60 and set(per_person.values()) == {1}  # one digest per person, none twice
    assert sum(len(event["data"]["items"]) for event in events) == 240
    assert sum(total.digests for total in totals) == 60
    with database.engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(store.Reminder)) == 240
    # Both sweepers again: nothing is due, nothing is sent.
    assert sweep_due(database, NOW).digests == 0 and len(digests(database)) == 60


def test_a_person_held_by_another_sweeper_is_skipped_not_waited_for(database):
    populate(database, people=3, actions_each=2)
    with database.unit_of_work() as holder:
        held = holder.session.scalars(sa.select(store.Person).where(store.Person.nick == "p001")
                                      .with_for_update()).one()
        done = []
        thread = threading.Thread(target=lambda: done.append(sweep_due(database, NOW)))
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the sweep waited for a locked person"
        assert {event["subject"] for event in digests(database)} == {
            person_id for (person_id,) in holder.session.execute(
                sa.select(store.Person.id).where(store.Person.nick != "p001"))}
        held_id = held.id
    assert done[0].digests == 2
    with database.unit_of_work() as uow:
        result = reminders.sweep(uow, NOW)
        uow.commit()
    assert [digest["person"]["id"] for digest in result.digests] == [held_id]
    assert len(result.digests[0]["items"]) == 2
    assert Counter(event["subject"] for event in digests(database)).most_common(1)[0][1] == 1


def test_the_reminder_routes_answer_with_problems_naming_the_field(start_service):
    from ..conftest import ORGANISER, principal_header

    service = start_service(DESCRIPTOR, timers=lambda _database: [])
    client = service.client
    got = client.get("/events/denver/reminder-policy", headers=ORGANISER)
    assert got.status_code == 200 and got.json["policy"]["before_due_days"] == [3, 1] and got.json["updated_at"] is None
    bad = client.put("/events/denver/reminder-policy", json={"overdue_every_days": -1}, headers=ORGANISER)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert list(bad.json["errors"]) == ["policy.overdue_every_days"]
    unknown = client.put("/events/denver/reminder-policy", json={"every": 3}, headers=ORGANISER)
    assert unknown.status_code == 400 and "every" in unknown.json["errors"]
    chair = principal_header("chair", tracks=[("denver", "nova")])
    assert client.put("/events/denver/reminder-policy", json={}, headers=chair).status_code == 403
    assert client.get("/events/denver/reminder-policy", headers=chair).status_code == 200
    assert client.get("/events/denver/reminder-policy").status_code == 403  # the public
    put = client.put("/events/denver/reminder-policy", json={"window": {"start": "08:00"}}, headers=ORGANISER)
    assert put.status_code == 200 and put.json["policy"]["window"] == {"start": "08:00", "end": "18:00"}
    assert client.get("/events/denver/reminders/preview", headers=ORGANISER).status_code == 400
    naive = client.get("/events/denver/reminders/preview?at=2026-06-01T10:00:00", headers=ORGANISER)
    assert naive.status_code == 400 and "at" in naive.json["errors"]
    preview = client.get("/events/denver/reminders/preview?at=2026-06-01T10:00:00-06:00", headers=ORGANISER)
    assert preview.status_code == 200 and preview.json["digests"] == []
    assert client.get("/actions/nope/reminder-policy").status_code == 404
    assert client.put("/actions/nope/reminder-policy", json={}, headers=ORGANISER).status_code == 404
