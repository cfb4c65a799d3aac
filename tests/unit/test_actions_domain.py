"""The actions service's pure rules."""
from datetime import date, datetime, timezone

import pytest

from services.actions import domain
from services.actions.domain import Status
from services.kit.problems import Conflict, Invalid

NOW = datetime(2019, 5, 3, 12, tzinfo=timezone.utc)
EARLIER = datetime(2019, 5, 2, 12, tzinfo=timezone.utc)
LATER = date(2019, 6, 1)


def test_a_new_action_is_open():
    assert domain.next_status(None, {}, NOW) == Status("open")


def test_an_action_created_done_is_completed_now():
    assert domain.next_status(None, {"status": "done"}, NOW) == Status("done", None, NOW)


@pytest.mark.parametrize("before, after", [
    ("open", "done"), ("open", "dropped"), ("snoozed", "open"), ("snoozed", "done"), ("snoozed", "dropped"),
    ("done", "open"), ("dropped", "open"), ("done", "done"), ("open", "open"),
])
def test_allowed_transitions(before, after):
    domain.check_transition(before, after)


@pytest.mark.parametrize("before, after", [
    ("done", "dropped"), ("done", "snoozed"), ("dropped", "done"), ("dropped", "snoozed"),
])
def test_done_and_dropped_only_reopen(before, after):
    with pytest.raises(Conflict) as caught:
        domain.check_transition(before, after)
    assert "status" in caught.value.errors


def test_snoozing_needs_a_date():
    with pytest.raises(Invalid) as caught:
        domain.next_status(Status("open"), {"status": "snoozed"}, NOW)
    assert "snoozed_until" in caught.value.errors
    with pytest.raises(Invalid):
        domain.next_status(None, {"status": "snoozed", "snoozed_until": None}, NOW)
    assert domain.next_status(Status("open"), {"status": "snoozed", "snoozed_until": LATER}, NOW) == \
        Status("snoozed", LATER)


def test_only_a_snoozed_action_has_a_snooze_date():
    with pytest.raises(Invalid) as caught:
        domain.next_status(Status("open"), {"snoozed_until": LATER}, NOW)
    assert "snoozed_until" in caught.value.errors


def test_leaving_snoozed_clears_the_date_and_staying_keeps_it():
    snoozed = Status("snoozed", LATER)
    assert domain.next_status(snoozed, {"status": "open"}, NOW) == Status("open")
    assert domain.next_status(snoozed, {}, NOW) == snoozed
    assert domain.next_status(snoozed, {"snoozed_until": date(2019, 7, 1)}, NOW) == Status("snoozed", date(2019, 7, 1))


def test_completion_time_is_set_once_and_cleared_on_reopen():
    done = domain.next_status(Status("open"), {"status": "done"}, NOW)
    assert done.completed_at == NOW
    assert domain.next_status(Status("done", None, EARLIER), {"status": "done"}, NOW).completed_at == EARLIER
    assert domain.next_status(Status("done", None, EARLIER), {"status": "open"}, NOW) == Status("open")


def test_arrival_verbs():
    assert domain.arrival_verbs(Status("open"), Status("done", None, NOW)) == ["completed"]
    assert domain.arrival_verbs(None, Status("done", None, NOW)) == ["completed"]
    assert domain.arrival_verbs(Status("snoozed", LATER), Status("dropped")) == ["dropped"]
    assert domain.arrival_verbs(Status("done", None, NOW), Status("done", None, NOW)) == []
    assert domain.arrival_verbs(Status("done", None, NOW), Status("open")) == []
    assert domain.arrival_verbs(None, Status("open")) == []


def test_a_track_is_named_within_an_event():
    domain.check_scope(None, None)
    domain.check_scope("denver", None)
    domain.check_scope("denver", "kolla")
    with pytest.raises(Invalid) as caught:
        domain.check_scope(None, "kolla")
    assert "event" in caught.value.errors


def test_owner_addresses_compare_in_lower_case():
    assert domain.normalise_email(" MGoddard@StackHPC.com ") == "mgoddard@stackhpc.com"


def test_changed_fields_keeps_only_differences():
    assert domain.changed_fields({"a": 1, "b": None}, {"a": 1, "b": 2}) == {"b": 2}


def test_an_owner_filter_is_matched_in_lower_case():
    assert domain.normalise_owner(" MGoddard ") == "mgoddard"
    assert domain.normalise_owner("Sean@Example.com") == "sean@example.com"
