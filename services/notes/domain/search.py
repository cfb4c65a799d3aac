"""Search's pure rules, no I/O: what a query may be, the words drawn out of it, and the safe snippet.

A query is at most :data:`MAX_QUERY` characters and must hold at least one word (letters or
digits): empty or punctuation only is a 400 naming ``q``. Its words are searched for together; how
each database is given them is the store's (:mod:`..store.search`).

The databases highlight with the sentinels :data:`START` and :data:`STOP` (private-use characters);
:func:`safe_snippet` escapes the text as HTML and only then turns the sentinels into ``<mark>`` and
``</mark>``: a ``<script>`` in a note comes back as ``&lt;script&gt;``.

PostgreSQL's ``ts_headline`` parses the whole text it is given (about 0.5 ms a 3 KB note, 30 ms a
200 KB track pad), so a note's excerpt is highlighted in :func:`excerpt_source`, the lines of its body
where the query's stems begin a word, not in the whole body.
"""
from __future__ import annotations

import html
import re

from services.kit.problems import Problem

MAX_QUERY = 500
START, STOP = "\ue000", "\ue001"
MARK, UNMARK = "<mark>", "</mark>"
_WORD = re.compile(r"\w+", re.UNICODE)
EXCERPT_CHARS = 1200


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


def excerpt_source(body: str, stems: list[str], limit: int = EXCERPT_CHARS) -> str:
    """The part of ``body`` a note's excerpt is highlighted in: its lines holding a word that begins with
    one of ``stems`` (the lexemes the database matched, e.g. ``agre`` for "agreed"), in order, joined by
    newlines, at most ``limit`` characters; a longer line is cut around that word at whitespace. An English
    stem begins its word but for a final ``i`` ("happi" for "happy"), dropped here. With no such line
    (the match was in the title, or a stem is not a prefix), the body's first ``limit`` characters."""
    prefixes = sorted({stem[:-1] if stem.endswith("i") and len(stem) > 2 else stem for stem in stems if stem},
                      key=len, reverse=True)
    if len(body) <= limit:
        return body
    if not prefixes:
        return body[:limit]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, prefixes)) + ")", re.IGNORECASE)
    parts: list[str] = []
    room, line_end = limit, -1
    for match in pattern.finditer(body):
        if match.start() < line_end:
            continue
        line_start = body.rfind("\n", 0, match.start()) + 1
        line_end = body.find("\n", match.end())
        line_end = len(body) if line_end < 0 else line_end
        if line_end - line_start <= room:
            parts.append(body[line_start:line_end])
        else:
            parts.append(_cut_around(body, line_start, line_end, match.start(), room))
        room -= len(parts[-1]) + 1
        if room <= 0:
            break
    return "\n".join(parts) if parts else body[:limit]


def _cut_around(body: str, start: int, end: int, at: int, size: int) -> str:
    """``size`` characters or fewer of ``body[start:end]`` around ``at`` (a third before it), cut at whitespace."""
    left = max(start, min(at - size // 3, end - size))
    right = min(end, left + size)
    if left > start:
        space = body.find(" ", left, at)
        left = space + 1 if space >= 0 else left
    if right < end:
        space = body.rfind(" ", at, right)
        right = space if space > at else right
    return body[left:right]
