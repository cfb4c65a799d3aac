"""The notes API, a module per feature: :mod:`.notes` (a note, by :mod:`.shapes` for the three kinds,
with its :mod:`.revisions` and :mod:`.items`), :mod:`.free_notes` (an event's free notes as a
collection), :mod:`.summaries`, :mod:`.search` share the blueprint ``notes`` (endpoint ``notes.<view>``,
operationId ``notes.notes.<view>`` at the gateway); :mod:`.track_notes` has its own. Each route loads
the request with a schema, calls one operation, commits the unit of work and dumps the result with a
schema."""
