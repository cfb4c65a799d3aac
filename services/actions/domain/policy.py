"""Reminder policies: what reminders an action's owners get, and when in their day.

A policy is a JSON object of these fields (the defaults below, as issue 8 gives them):

- ``on_assign``: a notice when the action is assigned;
- ``before_due_days``: the days before the due date a reminder comes (``[3, 1]``);
- ``on_due``: a reminder on the due day;
- ``overdue_every_days`` / ``overdue_max``: after the due day, a reminder every so many days, at most so often;
- ``no_due_every_days`` / ``no_due_max``: with no due date, a reminder every so many days while open, at most
  so often;
- ``window``: ``{"start": "HH:MM", "end": "HH:MM"}``, the civil hours (the owner's timezone) reminders are sent in.

An event's policy sets some fields over the defaults; an action's own policy (``Action.policy``) sets some
fields over its event's. Both are validated by :func:`validate` (a 422 naming the field, e.g.
``policy.window.start``); :func:`effective` merges them into a :class:`Policy`.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import time
from typing import Any, Mapping

from services.kit.problems import Invalid

DEFAULTS: dict[str, Any] = {
    "on_assign": True,
    "before_due_days": [3, 1],
    "on_due": True,
    "overdue_every_days": 7,
    "overdue_max": 4,
    "no_due_every_days": 14,
    "no_due_max": 3,
    "window": {"start": "09:00", "end": "18:00"},
}

# Bounds past which a value is absurd rather than a choice: a year between reminders, a year's
# notice ahead of a due date, a year of weekly chasing.
MAX_INTERVAL_DAYS = 365
MAX_BEFORE_DUE_DAYS = 365
MAX_BEFORE_DUE_COUNT = 10
MAX_COUNT = 52
# The shortest window reminders may be sent in, in minutes.
MIN_WINDOW_MINUTES = 30

FLAGS = ("on_assign", "on_due")
INTERVALS = ("overdue_every_days", "no_due_every_days")
COUNTS = ("overdue_max", "no_due_max")
WINDOW_FIELDS = ("start", "end")
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


@dataclass(frozen=True)
class Policy:
    """A complete policy, ready to plan with (``before_due_days`` largest first)."""

    on_assign: bool
    before_due_days: tuple[int, ...]
    on_due: bool
    overdue_every_days: int
    overdue_max: int
    no_due_every_days: int
    no_due_max: int
    window_start: time
    window_end: time

    def as_dict(self) -> dict[str, Any]:
        return {"on_assign": self.on_assign, "before_due_days": list(self.before_due_days), "on_due": self.on_due,
                "overdue_every_days": self.overdue_every_days, "overdue_max": self.overdue_max,
                "no_due_every_days": self.no_due_every_days, "no_due_max": self.no_due_max,
                "window": {"start": f"{self.window_start:%H:%M}", "end": f"{self.window_end:%H:%M}"}}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clock(value: Any, field: str) -> time:
    if not isinstance(value, str) or not CLOCK.match(value):
        raise Invalid(field, "a time of day as HH:MM (00:00 to 23:59)")
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def validate(fields: Any, prefix: str = "policy") -> dict[str, Any]:
    """The policy fields given, checked and normalised (``before_due_days`` unique, largest first).

    Some fields may be left out (they come from the event's policy or the defaults); an unknown
    field, a wrong type, a negative or absurd interval or count, a malformed time of day: 422
    naming the field (``policy.overdue_every_days``, ``policy.window.end`` ...). A window whose end
    is not after its start (given both, or one over the defaults) is refused naming ``window``.
    """
    if not isinstance(fields, Mapping):
        raise Invalid(prefix, "a JSON object of policy fields")
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        field = f"{prefix}.{name}"
        if name in FLAGS:
            if not isinstance(value, bool):
                raise Invalid(field, "true or false")
            clean[name] = value
        elif name in INTERVALS:
            if not _is_int(value) or not 1 <= value <= MAX_INTERVAL_DAYS:
                raise Invalid(field, f"a whole number of days from 1 to {MAX_INTERVAL_DAYS}")
            clean[name] = value
        elif name in COUNTS:
            if not _is_int(value) or not 0 <= value <= MAX_COUNT:
                raise Invalid(field, f"a whole number from 0 to {MAX_COUNT}")
            clean[name] = value
        elif name == "before_due_days":
            if not isinstance(value, list) or len(value) > MAX_BEFORE_DUE_COUNT:
                raise Invalid(field, f"a list of at most {MAX_BEFORE_DUE_COUNT} numbers of days")
            for day in value:
                if not _is_int(day) or not 1 <= day <= MAX_BEFORE_DUE_DAYS:
                    raise Invalid(field, f"each a whole number of days from 1 to {MAX_BEFORE_DUE_DAYS}")
            clean[name] = sorted(set(value), reverse=True)
        elif name == "window":
            if not isinstance(value, Mapping):
                raise Invalid(field, 'an object {"start": "HH:MM", "end": "HH:MM"}')
            window = {}
            for part, text in value.items():
                if part not in WINDOW_FIELDS:
                    raise Invalid(f"{field}.{part}", "unknown field (a window has start and end)")
                _clock(text, f"{field}.{part}")
                window[part] = text
            clean[name] = window
        else:
            raise Invalid(field, f"unknown field; a policy has {', '.join(DEFAULTS)}")
    if "window" in clean:
        _check_window({**DEFAULTS["window"], **clean["window"]}, f"{prefix}.window")
    return clean


def _check_window(window: Mapping[str, str], field: str) -> tuple[time, time]:
    start, end = _clock(window["start"], f"{field}.start"), _clock(window["end"], f"{field}.end")
    if (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) < MIN_WINDOW_MINUTES:
        raise Invalid(field, f"end must be at least {MIN_WINDOW_MINUTES} minutes after start (same day)")
    return start, end


def merge(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """The defaults with each layer's fields over the one before (the window merged field by field)."""
    merged = copy.deepcopy(DEFAULTS)
    for layer in layers:
        for name, value in (layer or {}).items():
            if name == "window":
                merged["window"] = {**merged["window"], **value}
            else:
                merged[name] = copy.deepcopy(value)
    return merged


def effective(event_policy: Mapping[str, Any] | None = None,
              action_policy: Mapping[str, Any] | None = None) -> Policy:
    """The policy an action is reminded by: the defaults, its event's fields, its own fields.

    A stored combination whose window no longer makes sense (an event's start after an action's
    end) is refused as on input, naming ``policy.window``.
    """
    data = merge(event_policy, action_policy)
    start, end = _check_window(data["window"], "policy.window")
    return Policy(on_assign=data["on_assign"], before_due_days=tuple(sorted(set(data["before_due_days"]), reverse=True)),
                  on_due=data["on_due"], overdue_every_days=data["overdue_every_days"],
                  overdue_max=data["overdue_max"], no_due_every_days=data["no_due_every_days"],
                  no_due_max=data["no_due_max"], window_start=start, window_end=end)


DEFAULT = effective()


def for_planning(event_policy: Mapping[str, Any] | None, action_policy: Mapping[str, Any] | None) -> Policy:
    """:func:`effective`, never refusing: planning falls back to the event's policy (then the
    defaults) when a stored combination no longer makes sense, rather than stop reminding."""
    for layers in ((event_policy, action_policy), (event_policy,)):
        try:
            return effective(*layers)
        except Invalid:
            continue
    return DEFAULT
