"""Action item rules, free of I/O, one module a concern:

- :mod:`.status`: the life cycle (open, in progress, done, dropped; reopen), snoozing, completion;
- :mod:`.owners`: what names an owner (a nick, an alias, an e-mail address) and how it is matched;
- :mod:`.history`: what a change changed, as the history records it;
- :mod:`.note_items`: which note items are action items, and what an action takes from its item;
- :mod:`.access`: who may change an action (a track's writer; an owner its status) or a person;
- :mod:`.versions`: the ETag (the version) and ``If-Match``;
- :mod:`.people`: a person's fields (timezone, aliases) checked;
- :mod:`.policy`: reminder policies: the defaults, their checks, an action's fields over its event's;
- :mod:`.reminders`: when each owner is next due a reminder, in their civil window;
- :mod:`.links`: signed, expiring one-click link tokens;
- :mod:`.exports`: the CSV and iCalendar renderings.
"""
