"""Reminder policies: the issue's defaults, validation naming the field, merging an action's fields."""
from datetime import time

import pytest

from services.actions.domain import policy
from services.kit.problems import Invalid


def test_defaults_are_the_issues():
    assert policy.DEFAULTS == {"on_assign": True, "before_due_days": [3, 1], "on_due": True,
                               "overdue_every_days": 7, "overdue_max": 4, "no_due_every_days": 14, "no_due_max": 3,
                               "window": {"start": "09:00", "end": "18:00"}}
    assert policy.DEFAULT.as_dict() == policy.DEFAULTS
    assert policy.DEFAULT.window_start == time(9) and policy.DEFAULT.window_end == time(18)


@pytest.mark.parametrize("fields, field", [
    ({"overdue_every_days": -1}, "policy.overdue_every_days"),
    ({"overdue_every_days": 0}, "policy.overdue_every_days"),
    ({"no_due_every_days": 100000}, "policy.no_due_every_days"),
    ({"overdue_every_days": 1.5}, "policy.overdue_every_days"),
    ({"overdue_every_days": True}, "policy.overdue_every_days"),
    ({"overdue_max": -3}, "policy.overdue_max"),
    ({"no_due_max": 1000}, "policy.no_due_max"),
    ({"before_due_days": [3, -1]}, "policy.before_due_days"),
    ({"before_due_days": [0]}, "policy.before_due_days"),
    ({"before_due_days": list(range(1, 20))}, "policy.before_due_days"),
    ({"before_due_days": 3}, "policy.before_due_days"),
    ({"on_due": "yes"}, "policy.on_due"),
    ({"window": {"start": "25:00"}}, "policy.window.start"),
    ({"window": {"end": "9am"}}, "policy.window.end"),
    ({"window": {"begin": "09:00"}}, "policy.window.begin"),
    ({"window": "09-18"}, "policy.window"),
    ({"window": {"start": "18:00", "end": "09:00"}}, "policy.window"),
    ({"window": {"start": "17:50"}}, "policy.window"),  # over the default end: a 10-minute window
    ({"remind_on_weekends": True}, "policy.remind_on_weekends"),
])
def test_bad_fields_are_refused_naming_the_field(fields, field):
    with pytest.raises(Invalid) as caught:
        policy.validate(fields)
    assert list(caught.value.errors) == [field]
    assert caught.value.status == 422


def test_not_an_object_is_refused():
    with pytest.raises(Invalid) as caught:
        policy.validate([1, 2])
    assert list(caught.value.errors) == ["policy"]


def test_validate_normalises_before_due_days():
    assert policy.validate({"before_due_days": [1, 7, 3, 7]}) == {"before_due_days": [7, 3, 1]}
    assert policy.validate({}) == {}
    assert policy.validate({"overdue_max": 0, "window": {"end": "20:30"}}) == {
        "overdue_max": 0, "window": {"end": "20:30"}}


def test_merge_layers_action_over_event_over_defaults():
    event = {"overdue_every_days": 3, "window": {"start": "08:00"}}
    action = {"overdue_max": 1, "window": {"end": "12:00"}, "on_assign": False}
    merged = policy.effective(event, action)
    assert merged.overdue_every_days == 3 and merged.overdue_max == 1 and not merged.on_assign
    assert (merged.window_start, merged.window_end) == (time(8), time(12))
    assert merged.no_due_every_days == 14  # a default
    assert policy.DEFAULTS["window"] == {"start": "09:00", "end": "18:00"}  # the defaults are not changed


def test_an_incoherent_combination_is_refused_but_planning_falls_back():
    event = {"window": {"start": "13:00"}}
    action = {"window": {"end": "12:00"}}
    with pytest.raises(Invalid) as caught:
        policy.effective(event, action)
    assert list(caught.value.errors) == ["policy.window"]
    assert policy.for_planning(event, action).window_start == time(13)
    assert policy.for_planning(event, action).window_end == time(18)
