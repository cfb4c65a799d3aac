"""The schedule's public exports as pure renderers: ptgbot's ptg.json (:mod:`.ptg_json`), iCalendar
(:mod:`.ical`), frab/C3VOC XML and JSON (:mod:`.frab`), from the plain values of :mod:`.data`, with
the identifiers and ETags of :mod:`.ids`. Nothing here does I/O or reads a clock; the rows are read
by ``store.exports`` and the conditional GET is answered by ``routes.exports``.
"""
