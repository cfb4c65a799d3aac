"""The notes service layer: one function per use case, by area.

- :mod:`.notes`: every kind of note (a session's, a track's, an event's free notes), their revisions,
  lines and items;
- :mod:`.free_notes`: an event's free notes as a collection: listed, created, retitled, deleted;
- :mod:`.summaries`: a track's and an event's summary, previewed and published;
- :mod:`.copies`: the copies of the schedule's tracks and sessions, kept from its events;
- :mod:`.search`: full-text search over an event's notes and their items;
- :mod:`.track_notes`: a track's notes at a glance (links, item counts, the latest summary).

Each takes a unit of work (and the principal, where who may do it depends on the note or track),
applies the domain's rules, queues its events in the outbox and returns the result. The caller owns
the transaction: a route commits the unit of work after the operation returns, the kit's event
router commits it together with the event's inbox row.
"""
