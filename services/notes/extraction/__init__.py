"""Items drawn out of a note's text: MeetBot markers, links and commitments or decisions written as
prose. Pure functions, no I/O: text (and who wrote it, and the people ptghub knows) in, items out.

    from services.notes.extraction import Calendar, Context, People, extract, reconcile
    items = extract(body, Context(author="mgoddard", people=People({"hrw": ["Marcin Juszkiewicz"]}),
                                  calendar=Calendar(start, end, "America/Denver").on(saved_at)))
    changes = reconcile(previous_items_by_id, items)   # added / changed / removed / kept

Modules, one job each: :mod:`sentences` (the shapes of pad and mail text), :mod:`markers` (MeetBot
markers and bare URLs), :mod:`owners` (who owns an item), :mod:`dates` (due dates), :mod:`prose`
(commitments and decisions written as sentences), :mod:`identity` (items across saves), :mod:`engine`
(putting them together, a note read block by block), :mod:`context` (author, people, calendar),
:mod:`memo` (what a block, a marker line or a sentence gave, remembered across saves).
"""
from .context import Calendar, Context, People
from .engine import Extraction, InvalidNote, analyse, extract
from .identity import Changes, reconcile
from .items import (ACCEPTED, ACTION, DECISION, HELP, IDEA, INFO, KINDS, LINK, REJECTED, TOPIC, Item)
from .markers import Invalid
from .memo import caching

__all__ = [
    "ACCEPTED", "ACTION", "DECISION", "HELP", "IDEA", "INFO", "KINDS", "LINK", "REJECTED", "TOPIC",
    "Calendar", "Changes", "Context", "Extraction", "Invalid", "InvalidNote", "Item", "People",
    "analyse", "caching", "extract", "reconcile",
]
