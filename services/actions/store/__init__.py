"""Actions persistence: the SQLAlchemy models and every query of the service.

- :mod:`.models`: the tables;
- :mod:`.tracks`: the copy of the schedule's tracks;
- :mod:`.people`: the people directory, owner resolution;
- :mod:`.actions`: action items, their owners and history;
- :mod:`.sources`: the note items actions come from, and the announcement applied to each last.

Everything is importable from here (``store.Action``, ``store.get_action``).
"""
from .actions import actions_page, add_action, change_action, find_by_source_item, get_action, record_history, set_owners
from .models import (Action, ActionOwner, Base, HistoryEntry, Person, PersonAlias, Reminder, ReminderPolicy, Track,
                     UsedLink)
from .people import find_person, get_person, link_owners, person_keys, resolve
from .tracks import follow_track, get_track_copy
from .sources import NoteItemSource, claim_source, hand_edited_fields, record_source

__all__ = [
    "actions_page", "add_action", "change_action", "find_by_source_item", "get_action", "record_history", "set_owners",
    "Action", "ActionOwner", "Base", "HistoryEntry", "Person", "PersonAlias", "Reminder", "ReminderPolicy", "Track",
    "UsedLink",
    "find_person", "get_person", "link_owners", "person_keys", "resolve",
    "follow_track", "get_track_copy",
    "NoteItemSource", "claim_source", "hand_edited_fields", "record_source",
]
