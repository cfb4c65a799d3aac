"""Schedule rules, free of I/O. One module per topic:

- :mod:`.calendar`: IANA timezones, an event's days, session intervals (UTC, half-open);
- :mod:`.grid`: the slot grid, sessions placed in its slots, a new grid against the current one;
- :mod:`.sessions`: kinds and statuses, moderators, clashes and conflicts, the sequence rule;
- :mod:`.gathering`: an event and what it holds: new days or timezone, track fields, deleting.

The names are also importable from here (``domain.check_clashes``).
"""
from .calendar import (UTC, Interval, check_event_dates, check_session_times, day_bounds, event_bounds,
                       is_known_timezone, known_timezones, local_day, outside_event, rezone)
from .gathering import (TRACK_FIELDS_FOR_CHAIRS, Held, changed_fields, check_cascade, check_chairs,
                        check_event_empty, check_track_fields, is_sender, plan_event_days, SENDER_PATTERN)
from .grid import (CLOCK, GridChange, SlotView, check_grid, check_offered_slots, check_slot, check_slots_unused,
                   grid_order, local_instant, parse_clock, plan_grid, slots_span, without_slots)
from .sessions import (CANCELLED, KINDS, SCHEDULED, SEQUENCED_FIELDS, STATUSES, Clash, ConflictPair, SessionView,
                       change_verb, check_allow_conflict_right, check_clashes, check_new_status, clashes,
                       find_conflicts, moderator_key, normalise_moderators, sequence_changes)

__all__ = [
    "UTC", "Interval", "check_event_dates", "check_session_times", "day_bounds", "event_bounds",
    "is_known_timezone", "known_timezones", "local_day", "outside_event", "rezone",
    "TRACK_FIELDS_FOR_CHAIRS", "Held", "changed_fields", "check_cascade", "check_chairs", "check_event_empty",
    "check_track_fields", "is_sender", "plan_event_days", "SENDER_PATTERN",
    "CLOCK", "GridChange", "SlotView", "check_grid", "check_offered_slots", "check_slot", "check_slots_unused",
    "grid_order", "local_instant", "parse_clock", "plan_grid", "slots_span", "without_slots",
    "CANCELLED", "KINDS", "SCHEDULED", "SEQUENCED_FIELDS", "STATUSES", "Clash", "ConflictPair", "SessionView",
    "change_verb", "check_allow_conflict_right", "check_clashes", "check_new_status", "clashes",
    "find_conflicts", "moderator_key", "normalise_moderators", "sequence_changes",
]
