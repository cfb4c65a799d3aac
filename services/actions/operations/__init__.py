"""The actions service layer: one module per feature, one function per use case.

Each operation takes a unit of work (and the principal, where who may act depends on the action's
track or owner), applies the domain's rules, queues its events in the outbox and returns the
result. The caller owns the transaction: a route commits the unit of work after the operation
returns, the kit's event router commits it together with the event's inbox row, a timer commits
its own.

- :mod:`.lifecycle`: how an action comes, changes and goes, for every way in;
- :mod:`.actions`: action items over the API (record, list, change, bulk, history);
- :mod:`.people`: the people directory;
- :mod:`.from_notes`: action items from the notes' items (``note.items.changed``);
- :mod:`.reminding`: each owner's next reminder, planned again after every change;
- :mod:`.reminders`: reminder policies, the sweep that queues digests, the preview;
- :mod:`.links`: the one-click links of a digest and the RFC 8058 unsubscribe;
- :mod:`.exports`: the CSV and the iCalendar to-do feeds;
- :mod:`.tracks`: the copy of the schedule's tracks.
"""
