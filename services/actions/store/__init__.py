"""Actions persistence: the SQLAlchemy models and every query of the service.

- :mod:`.models`: the tables;
- :mod:`.tracks`: the copy of the schedule's tracks;
- :mod:`.people`: the people directory, owner resolution;
- :mod:`.actions`: action items, their owners and history;
- :mod:`.sources`: the note items actions come from, and the announcement applied to each last;
- :mod:`.reminders`: the due set, policies, reminders sent;
- :mod:`.links`: the one-click links used;
- :mod:`.exports`: what an export holds, read in batches.

Everything is importable from here (``store.Action``, ``store.get_action``).
"""
from .actions import (actions_page, add_action, change_action, filtered, find_by_source_item, get_action, history_page,
                      lock_actions, owner_matches, record_history, set_owners)
from .models import (Action, ActionOwner, Base, HistoryEntry, Person, PersonAlias, Reminder, ReminderPolicy, Track,
                     UsedLink)
from .people import (add_person, change_person, email_holder, find_person, get_person, link_owners, name_holder,
                     people_page, person_keys, resolve, unlink_owners)
from .tracks import follow_track, get_track_copy
from .sources import NoteItemSource, claim_source, hand_edited_fields, record_source

__all__ = [
    "actions_page", "add_action", "change_action", "filtered", "find_by_source_item", "get_action", "history_page",
    "lock_actions", "owner_matches", "record_history", "set_owners",
    "Action", "ActionOwner", "Base", "HistoryEntry", "Person", "PersonAlias", "Reminder", "ReminderPolicy", "Track",
    "UsedLink",
    "add_person", "change_person", "email_holder", "find_person", "get_person", "link_owners", "name_holder",
    "people_page", "person_keys", "resolve", "unlink_owners",
    "follow_track", "get_track_copy",
    "NoteItemSource", "claim_source", "hand_edited_fields", "record_source",
]
