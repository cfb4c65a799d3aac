"""One-click links in the operations tier: a link acts once, on its own item only, for its owner;
an expired, forged, used or other page's link changes nothing; unsubscribe turns reminders off."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.actions import store
from services.actions.descriptor import DESCRIPTOR
from services.actions.domain import links
from services.actions.operations import lifecycle, links as link_operations
from services.kit.problems import Forbidden, NotFound, Problem

from .conftest import outbox_types, transaction

KEY = b"operations-test-internal-key"
NOW = datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)  # already 2 December in Auckland


@pytest.fixture(autouse=True)
def internal_key(monkeypatch):
    monkeypatch.setenv("PTGHUB_INTERNAL_KEY", KEY.decode())
    from services.kit import identity
    identity.internal_key.cache_clear()
    yield
    identity.internal_key.cache_clear()


@pytest.fixture
def database(make_database):
    return make_database(DESCRIPTOR)


def add_person(database, nick: str, tz: str = "UTC") -> str:
    with transaction(database) as uow:
        person = store.Person(nick=nick, nick_key=nick.lower(), email=f"{nick}@example.org", timezone=tz)
        uow.session.add(person)
        uow.session.flush()
        return person.id


def add_action(database, title: str, owners: list[str]) -> str:
    with transaction(database) as uow:
        action = lifecycle.create(uow, {"title": title, "event": None, "track": None}, owners, "tester", NOW)
        return action.id


def action(database, action_id: str) -> store.Action:
    with database.unit_of_work(readonly=True) as uow:
        found = store.get_action(uow.session, action_id)
        uow.session.expunge(found)
        return found


def use(database, token: str, ops=links.ITEM_OPS, now=NOW):
    with transaction(database) as uow:
        return link_operations.use(uow, token, ops=ops, now=now)


def show(database, token: str, ops=links.ITEM_OPS, now=NOW):
    """What the page would say: the outcome, and the item's title and status as the page shows them."""
    with database.unit_of_work(readonly=True) as uow:
        seen = link_operations.show(uow, token, ops=ops, now=now)
        return seen.outcome, seen.action and (seen.action.title, seen.action.status)


@pytest.fixture
def mgoddard(database):
    person = add_person(database, "mgoddard", tz="Pacific/Auckland")
    return person, add_action(database, "write the spec", ["mgoddard"]), add_action(database, "review it", ["mgoddard"])


def test_show_changes_nothing_and_use_marks_the_item_done_once(database, mgoddard):
    person, spec, _review = mgoddard
    token = links.sign(links.DONE, person, spec, NOW)
    before = outbox_types(database)
    assert show(database, token) == ("ready", ("write the spec", "open"))
    assert action(database, spec).status == "open" and outbox_types(database) == before

    done = use(database, token)
    assert (done.outcome, done.changed) == ("done", True)
    assert action(database, spec).status == "done"
    assert outbox_types(database)[len(before):] == ["ptghub.actions.action.updated", "ptghub.actions.action.completed"]
    with database.unit_of_work(readonly=True) as uow:
        (entry,) = [e for e in uow.session.scalars(sa.select(store.HistoryEntry).where(
            store.HistoryEntry.action_id == spec)) if e.actor == lifecycle.LINK]
        assert entry.changes["status"] == {"from": "open", "to": "done"}

    after = outbox_types(database)
    with pytest.raises(Problem) as second:
        use(database, token)
    assert second.value.status == 410 and second.value.errors == {"token": ["used"]}
    with pytest.raises(Problem) as shown:
        show(database, token)
    assert shown.value.status == 410
    assert outbox_types(database) == after


def test_snooze_is_a_week_from_the_owners_today_and_drop_drops(database, mgoddard):
    person, spec, review = mgoddard
    snoozed = use(database, links.sign(links.SNOOZE, person, spec, NOW))
    assert snoozed.outcome == "snoozed"
    assert action(database, spec).snoozed_until == date(2026, 12, 9)  # Auckland's 2 December + 7
    assert action(database, spec).status == "open"
    assert use(database, links.sign(links.DROP, person, review, NOW)).outcome == "dropped"
    assert action(database, review).status == "dropped"


def test_a_settled_item_is_said_so_and_left_alone(database, mgoddard):
    person, spec, _review = mgoddard
    assert use(database, links.sign(links.DROP, person, spec, NOW)).outcome == "dropped"
    version = action(database, spec).version
    before = outbox_types(database)
    token = links.sign(links.DONE, person, spec, NOW)
    assert show(database, token) == ("already", ("write the spec", "dropped"))
    result = use(database, token)
    assert (result.outcome, result.changed) == ("already", False)
    assert action(database, spec).status == "dropped" and action(database, spec).version == version
    assert outbox_types(database) == before


def test_a_token_acts_on_the_item_it_names_only(database, mgoddard):
    person, spec, review = mgoddard
    token = links.sign(links.DONE, person, spec, NOW)
    signature = token.rsplit(".", 1)[1]
    other = links.sign(links.DONE, person, review, NOW)
    spliced = other.rsplit(".", 1)[0] + "." + signature  # another item's claims under this signature
    with pytest.raises(Problem) as forged:
        use(database, spliced)
    assert forged.value.status == 400
    assert action(database, spec).status == "open" and action(database, review).status == "open"
    use(database, token)
    assert action(database, spec).status == "done" and action(database, review).status == "open"


def test_another_persons_link_to_an_item_they_do_not_own_is_refused(database, mgoddard):
    _person, spec, _review = mgoddard
    stranger = add_person(database, "ttx")
    with pytest.raises(Forbidden):
        use(database, links.sign(links.DONE, stranger, spec, NOW))
    assert action(database, spec).status == "open"


def test_expired_forged_and_wrong_page_links_change_nothing(database, mgoddard):
    person, spec, _review = mgoddard
    token = links.sign(links.DONE, person, spec, NOW - timedelta(days=31))
    with pytest.raises(Problem) as expired:
        use(database, token)
    assert expired.value.status == 410 and expired.value.errors == {"token": ["expired"]}
    with pytest.raises(Problem) as forged:
        use(database, links.sign(links.DONE, person, spec, NOW, key=b"another key"))
    assert forged.value.status == 400
    with pytest.raises(Problem) as wrong_page:
        use(database, links.sign(links.UNSUBSCRIBE, person, None, NOW))  # an unsubscribe link at /a/
    assert wrong_page.value.status == 400
    with pytest.raises(Problem) as item_at_unsubscribe:
        use(database, links.sign(links.DONE, person, spec, NOW), ops=(links.UNSUBSCRIBE,))
    assert item_at_unsubscribe.value.status == 400
    assert action(database, spec).status == "open"
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(store.UsedLink)) == 0


def test_a_link_to_an_item_that_is_gone_is_a_404(database, mgoddard):
    person, _spec, _review = mgoddard
    with pytest.raises(NotFound):
        use(database, links.sign(links.DONE, person, "no-such-action", NOW))


def test_unsubscribe_turns_reminders_off_and_plans_no_more(database, mgoddard):
    person, spec, review = mgoddard
    with transaction(database) as uow:
        for owner in uow.session.scalars(sa.select(store.ActionOwner)):
            owner.next_reminder_at = NOW + timedelta(days=1)
    token = links.sign(links.UNSUBSCRIBE, person, None, NOW)
    assert show(database, token, ops=(links.UNSUBSCRIBE,)) == ("ready", None)
    result = use(database, token, ops=(links.UNSUBSCRIBE,))
    assert result.outcome == "unsubscribed"
    with database.unit_of_work(readonly=True) as uow:
        assert uow.session.get(store.Person, person).reminders is False
    # An RFC 8058 client posting twice is told it is off already; nothing else changes.
    assert use(database, token, ops=(links.UNSUBSCRIBE,)).outcome == "already"
    assert show(database, token, ops=(links.UNSUBSCRIBE,)) == ("already", None)
    # Reminders turned on again: the used link does not turn them off a second time.
    with transaction(database) as uow:
        uow.session.get(store.Person, person).reminders = True
    with pytest.raises(Problem) as reused:
        use(database, token, ops=(links.UNSUBSCRIBE,))
    assert reused.value.status == 410
