"""Search's pure rules, no I/O: what a query may be, the words drawn out of it, and the safe snippet.

A query is at most :data:`MAX_QUERY` characters and must hold at least one word (letters or
digits): empty or punctuation only is a 400 naming ``q``. Its words are searched for together; how
each database is given them is the store's (:mod:`..store.search`).

The databases highlight with the sentinels :data:`START` and :data:`STOP` (private-use characters);
:func:`safe_snippet` escapes the text as HTML and only then turns the sentinels into ``<mark>`` and
``</mark>``: a ``<script>`` in a note comes back as ``&lt;script&gt;``.
"""
from __future__ import annotations

import html
import re

from services.kit.problems import Problem

MAX_QUERY = 500
START, STOP = "\ue000", "\ue001"
MARK, UNMARK = "<mark>", "</mark>"
_WORD = re.compile(r"\w+", re.UNICODE)


def terms(q: str | None) -> list[str]:
    """The words of a query, in order (at most :data:`MAX_QUERY` characters; at least one word)."""
    if q is None or not q.strip():
        raise _bad("give the words to search for")
    if len(q) > MAX_QUERY:
        raise _bad(f"at most {MAX_QUERY} characters")
    words = [word.replace("_", " ").strip() for word in _WORD.findall(q.replace(START, " ").replace(STOP, " "))]
    words = [word for word in words if word]
    if not words:
        raise _bad("give at least one word (letters or digits), not only punctuation")
    return words


def _bad(message: str) -> Problem:
    return Problem(f"q: {message}", errors={"q": [message]})


def safe_snippet(highlighted: str | None) -> str:
    """A database's highlighted excerpt as safe HTML: the text escaped, the sentinels made ``<mark>``."""
    text = html.escape(highlighted or "", quote=True)
    opened = False
    out = []
    for part in re.split(f"([{START}{STOP}])", text):
        if part == START:
            if not opened:
                out.append(MARK)
                opened = True
        elif part == STOP:
            if opened:
                out.append(UNMARK)
                opened = False
        else:
            out.append(part)
    if opened:
        out.append(UNMARK)
    return " ".join("".join(out).split())
