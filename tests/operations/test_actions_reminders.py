"""The reminder sweep and preview against a real (SQLite) database: one digest per person, nothing
twice, collapse after downtime, settled / snoozed / unreachable owners never reminded, policies."""
import json
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.actions import store
from services.actions.descriptor import DESCRIPTOR
from services.actions.domain import links
from services.actions.operations import lifecycle, reminders
from services.actions.timers import sweep_due
from services.kit.problems import Forbidden, Invalid

from .conftest import outbox_types, transaction

UTC = timezone.utc
DIGEST = "ptghub.actions.action.reminder.due"
ORGANISER = {"sub": "org", "name": "org", "role": "organiser", "tracks": []}
CHAIR = {"sub": "chair", "name": "chair", "role": "chair", "tracks": [{"event": "denver", "track": "nova"}]}
# 2026-06-01 10:00 in Denver (MDT, UTC-6): inside the default window.
T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def add_person(database, nick, tz="America/Denver", email=True, on=True):
    with transaction(database) as uow:
        person = store.Person(nick=nick, nick_key=nick.lower(), name=nick.title(), timezone=tz, reminders=on,
                              email=f"{nick}@example.org" if email else None)
        uow.session.add(person)
        uow.session.flush()
        return person.id


def add_action(database, title, owners, now=T0, **fields):
    with transaction(database) as uow:
        action = lifecycle.create(uow, {"title": title, "event": "denver", "track": fields.pop("track", "nova"),
                                        **fields}, owners, "org", now)
        return action.id


def change(database, action_id, now, **changes):
    with transaction(database) as uow:
        action = store.get_action(uow.session, action_id, lock=True)
        lifecycle.change(uow, action, changes, "org", now)


def sweep(database, now):
    with transaction(database) as uow:
        return reminders.sweep(uow, now)


def digests(database):
    with database.engine.connect() as connection:
        rows = connection.execute(database.outbox.select().where(database.outbox.c.event_type == DIGEST)
                                  .order_by(database.outbox.c.seq))
        return [json.loads(row.payload)["data"] for row in rows]


def reminder_rows(database):
    with database.engine.connect() as connection:
        return connection.execute(sa.select(store.Reminder.owner_id, store.Reminder.reason, store.Reminder.digest_id)
                                  .order_by(store.Reminder.reason)).all()


def next_times(database):
    with database.engine.connect() as connection:
        return {row.name: row.next_reminder_at for row in connection.execute(
            sa.select(store.ActionOwner.name, store.ActionOwner.next_reminder_at))}


def test_one_digest_per_person_listing_all_their_due_items(database):
    add_person(database, "mgoddard")
    add_person(database, "ttx", tz="Europe/Berlin")
    first = add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    second = add_action(database, "review the spec", ["mgoddard", "ttx"])
    third = add_action(database, "book the room", ["@MGoddard"], due_date=date(2026, 6, 10))
    result = sweep(database, T0 + timedelta(minutes=1))  # 18:01 in Berlin: ttx waits for his morning
    assert len(result.digests) == 1
    [digest] = digests(database)
    assert digest["person"]["nick"] == "mgoddard" and digest["person"]["email"] == "mgoddard@example.org"
    assert [item["action_id"] for item in digest["items"]] == [third, first, second]  # by due date, none last
    assert {item["reason"] for item in digest["items"]} == {"assigned"}
    assert digest["items"][0]["days"] is None and digest["items"][0]["event"] == "denver"
    assert outbox_types(database).count(DIGEST) == 1
    ttx_next = next_times(database)["ttx"]
    assert ttx_next == datetime(2026, 6, 2, 7, 0, tzinfo=UTC)  # 09:00 CEST
    result = sweep(database, ttx_next)
    assert [digest["person"]["nick"] for digest in result.digests] == ["ttx"]
    assert [item["action_id"] for item in result.digests[0]["items"]] == [second]


def test_links_in_the_digest_are_signed_for_that_person_and_item(database, monkeypatch):
    monkeypatch.setenv("PTGHUB_PUBLIC_URL", "https://ptg.example.org/")
    person_id = add_person(database, "mgoddard")
    action_id = add_action(database, "write the spec", ["mgoddard"])
    [digest] = sweep(database, T0).digests
    item = digest["items"][0]
    for op in ("done", "snooze", "drop"):
        url = item["links"][op]
        assert url.startswith("https://ptg.example.org/api/v1/a/")
        claims = links.verify(url.rsplit("/", 1)[1], T0)
        assert (claims.op, claims.person_id, claims.action_id) == (op, person_id, action_id)
    assert digest["unsubscribe_url"].startswith("https://ptg.example.org/api/v1/unsubscribe/")
    claims = links.verify(digest["unsubscribe_url"].rsplit("/", 1)[1], T0)
    assert (claims.op, claims.person_id, claims.action_id) == ("unsubscribe", person_id, None)


def test_nothing_is_sent_twice(database):
    add_person(database, "mgoddard")
    add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    assert len(sweep(database, T0).digests) == 1
    assert sweep(database, T0).digests == []
    assert sweep(database, T0 + timedelta(hours=1)).digests == []
    assert [row.reason for row in reminder_rows(database)] == ["assigned"]
    # The next one comes when it is due, once.
    due = next_times(database)["mgoddard"]
    assert due == datetime(2026, 6, 17, 15, 0, tzinfo=UTC)
    assert sweep(database, due - timedelta(seconds=1)).digests == []
    [digest] = sweep(database, due).digests
    assert digest["items"][0]["reason"] == "before_due" and digest["items"][0]["days"] == 3
    assert sweep(database, due).digests == []


def test_missed_reminders_collapse_after_downtime(database):
    add_person(database, "mgoddard")
    add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    back = datetime(2026, 7, 5, 17, 0, tzinfo=UTC)  # 11:00 in Denver, two weeks overdue
    totals = sweep_due(database, back)
    assert totals.digests == 1
    [digest] = digests(database)
    assert [(item["reason"], item["days"]) for item in digest["items"]] == [("overdue", 15)]
    rows = reminder_rows(database)
    assert {row.reason for row in rows} == {"assigned", "before_due:3@2026-06-20", "before_due:1@2026-06-20",
                                            "on_due@2026-06-20", "overdue:1@2026-06-20", "overdue:2@2026-06-20"}
    assert len({row.digest_id for row in rows}) == 1 and rows[0].digest_id == digest["digest_id"]
    assert next_times(database)["mgoddard"] == datetime(2026, 7, 11, 15, 0, tzinfo=UTC)  # overdue:3
    assert sweep_due(database, back + timedelta(days=1)).digests == 0


def test_after_downtime_outside_the_window_the_digest_waits_for_the_morning(database):
    add_person(database, "mgoddard")
    add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    night = datetime(2026, 6, 18, 9, 0, tzinfo=UTC)  # 03:00 in Denver
    assert sweep(database, night).digests == []
    assert next_times(database)["mgoddard"] == datetime(2026, 6, 18, 15, 0, tzinfo=UTC)
    [digest] = sweep(database, datetime(2026, 6, 18, 15, 0, tzinfo=UTC)).digests
    assert digest["items"][0]["reason"] == "before_due"  # before_due:3 and :1 collapsed (and assigned)


@pytest.mark.parametrize("changes", [{"status": "done"}, {"status": "dropped"},
                                     {"snoozed_until": date(2026, 6, 25)}])
def test_done_dropped_or_snoozed_stops_reminders_at_once(database, changes):
    add_person(database, "mgoddard")
    action_id = add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    change(database, action_id, T0 + timedelta(seconds=5), **changes)
    assert sweep(database, T0 + timedelta(minutes=1)).digests == []
    if "snoozed_until" in changes:
        assert next_times(database)["mgoddard"] == datetime(2026, 6, 25, 15, 0, tzinfo=UTC)
        [digest] = sweep(database, datetime(2026, 6, 25, 15, 0, tzinfo=UTC)).digests
        assert digest["items"][0]["reason"] == "on_due"
    else:
        assert next_times(database)["mgoddard"] is None
        assert sweep(database, datetime(2026, 7, 30, 16, 0, tzinfo=UTC)).digests == []
    # Reopened, a settled action is reminded again (what was sent stays sent).
    if changes.get("status"):
        change(database, action_id, datetime(2026, 6, 2, 16, 0, tzinfo=UTC), status="open")
        assert next_times(database)["mgoddard"] == datetime(2026, 6, 2, 16, 0, tzinfo=UTC)


def test_unknown_owners_people_with_reminders_off_or_no_address_get_nothing(database):
    add_person(database, "quiet", on=False)
    add_person(database, "noaddress", email=False)
    add_action(database, "a", ["quiet", "noaddress", "stranger"])
    assert set(next_times(database).values()) == {None}
    assert sweep(database, T0).digests == []


def test_a_person_switching_reminders_off_is_cleared_by_the_sweep(database):
    person_id = add_person(database, "mgoddard")
    add_action(database, "write the spec", ["mgoddard"])
    with transaction(database) as uow:
        uow.session.get(store.Person, person_id).reminders = False
    assert sweep(database, T0).digests == []
    assert next_times(database)["mgoddard"] is None


def test_the_preview_sends_nothing_and_says_who_gets_what(database):
    add_person(database, "mgoddard")
    add_person(database, "ttx", tz="Asia/Tokyo")
    add_action(database, "write the spec", ["mgoddard", "ttx"], due_date=date(2026, 6, 20))
    add_action(database, "elsewhere", ["mgoddard"], track="other")
    before = next_times(database)
    with database.unit_of_work(readonly=True) as uow:
        view = reminders.preview(uow, ORGANISER, "denver", datetime(2026, 6, 17, 16, 0, tzinfo=UTC))
    assert [(d["person"]["nick"], [(i["title"], i["reason"], i["days"]) for i in d["items"]])
            for d in view["digests"]] == [("mgoddard", [("write the spec", "before_due", 3),
                                                        ("elsewhere", "no_due", None)])]  # 01:00 in Tokyo
    with database.unit_of_work(readonly=True) as uow:
        chair_view = reminders.preview(uow, CHAIR, "denver", datetime(2026, 6, 17, 16, 0, tzinfo=UTC))
    assert [i["title"] for i in chair_view["digests"][0]["items"]] == ["write the spec"]
    assert outbox_types(database).count(DIGEST) == 0 and reminder_rows(database) == []
    assert next_times(database) == before
    with database.unit_of_work(readonly=True) as uow, pytest.raises(Forbidden):
        reminders.preview(uow, {**CHAIR, "tracks": [{"event": "berlin", "track": "nova"}]}, "denver", T0)


def test_an_event_policy_is_validated_and_replans_its_actions(database):
    add_person(database, "mgoddard")
    add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    sweep(database, T0)
    with transaction(database) as uow, pytest.raises(Invalid) as caught:
        reminders.put_event_policy(uow, ORGANISER, "denver", {"overdue_every_days": -2})
    assert list(caught.value.errors) == ["policy.overdue_every_days"]
    with transaction(database) as uow, pytest.raises(Forbidden):
        reminders.put_event_policy(uow, CHAIR, "denver", {"on_due": False})
    with transaction(database) as uow:
        view = reminders.put_event_policy(uow, ORGANISER, "denver",
                                          {"before_due_days": [10], "window": {"start": "07:00"}}, T0)
    assert view["policy"]["before_due_days"] == [10] and view["policy"]["window"] == {"start": "07:00",
                                                                                       "end": "18:00"}
    assert view["fields_set"] == {"before_due_days": [10], "window": {"start": "07:00"}}
    sweep(database, T0 + timedelta(minutes=1))  # the woken owner is planned again
    assert next_times(database)["mgoddard"] == datetime(2026, 6, 10, 13, 0, tzinfo=UTC)  # 07:00 MDT
    with database.unit_of_work(readonly=True) as uow:
        assert reminders.get_event_policy(uow, CHAIR, "denver")["fields_set"]["before_due_days"] == [10]
        with pytest.raises(Forbidden):
            reminders.get_event_policy(uow, CHAIR, "berlin")  # a chair at denver only


def test_an_actions_own_policy_is_a_change_like_any_other(database):
    add_person(database, "mgoddard")
    action_id = add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    sweep(database, T0)
    with transaction(database) as uow:
        view = reminders.put_action_policy(uow, CHAIR, action_id, {"before_due_days": [], "on_due": False,
                                                                   "overdue_max": 1}, T0)
    assert view["policy"] == {"before_due_days": [], "on_due": False, "overdue_max": 1}
    assert view["effective"]["overdue_max"] == 1 and view["effective"]["overdue_every_days"] == 7
    assert next_times(database)["mgoddard"] == datetime(2026, 6, 27, 15, 0, tzinfo=UTC)
    with database.engine.connect() as connection:
        kinds = [row.kind for row in connection.execute(sa.select(store.HistoryEntry.kind).order_by(
            store.HistoryEntry.at))]
    assert kinds == ["created", "reminded", "changed"]
    with transaction(database) as uow, pytest.raises(Forbidden):
        reminders.put_action_policy(uow, {**CHAIR, "tracks": [{"event": "denver", "track": "other"}]}, action_id, {})
    with transaction(database) as uow, pytest.raises(Invalid) as caught:
        reminders.put_action_policy(uow, ORGANISER, action_id, {"window": {"end": "08:00"}})
    assert list(caught.value.errors) == ["policy.window"]
    with transaction(database) as uow:
        assert reminders.put_action_policy(uow, ORGANISER, action_id, {})["policy"] is None


def test_a_sweep_batch_takes_every_due_row_of_its_people(database):
    add_person(database, "mgoddard")
    for number in range(5):
        add_action(database, f"item {number}", ["mgoddard"])
    with transaction(database) as uow:
        result = reminders.sweep(uow, T0, limit=2)
    assert len(result.digests) == 1 and len(result.digests[0]["items"]) == 5
    assert result.looked_at == 2 and result.planned == 5


def test_the_digest_is_the_contracts_schema_with_the_person_as_subject(database):
    from services.actions.schemas.reminders import ReminderDigestSchema

    person_id = add_person(database, "mgoddard")
    add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    sweep(database, T0)
    with database.engine.connect() as connection:
        [row] = connection.execute(database.outbox.select().where(database.outbox.c.event_type == DIGEST)).all()
    event = json.loads(row.payload)
    assert event["subject"] == person_id
    loaded = ReminderDigestSchema().load(event["data"])
    assert loaded["items"][0]["due_date"] == date(2026, 6, 20) and loaded["at"] == T0


def test_a_person_switching_reminders_back_on_is_planned_again(database):
    from services.actions.operations import reminding

    person_id = add_person(database, "mgoddard", on=False)
    add_action(database, "write the spec", ["mgoddard"], due_date=date(2026, 6, 20))
    assert next_times(database)["mgoddard"] is None
    with transaction(database) as uow:
        person = uow.session.get(store.Person, person_id)
        person.reminders = True
        assert reminding.reschedule_person(uow, person, T0) == 1
    assert next_times(database)["mgoddard"] == T0
    assert len(sweep(database, T0).digests) == 1
