"""MeetBot markers: ``#action``, ``#agreed`` ... at the start of a line (after an optional bullet), the
minutes' forms ``ACTION:``, ``AGREED:`` ..., and lines that are only a URL.

- ``#action`` ``#agreed``/``#agree`` ``#accepted`` ``#rejected`` ``#info`` ``#idea`` ``#help`` ``#link``
  ``#topic``, any case; ``#action:`` with a colon too. ``#undo``, ``#chair``, ``#startmeeting`` and other
  commands are not items. ``#`` followed by a space is a markdown heading, not a marker.
- The minutes' forms and their pad cousins, a word and a colon, any case: ``ACTION:``, ``ACTION ITEM:``,
  ``AGREED:``, ``DECISION:``, ``IDEA:``, ``HELP:``, ``INFO:``, ``LINK:``, ``ACCEPTED:``, ``REJECTED:``, ``TODO:``.
  The trailer MeetBot adds to each minutes line, "(nick, 15:03:01)", says who typed it, not who owns it:
  it is dropped.
- A line that is only a URL (``https://...``, ``<https://...>``, a reference ``[1] https://...``, a
  markdown ``[text](https://...)``) is a link.
- A ``#`` marker with no text is a :class:`Invalid` problem (the API answers 422 naming the line). A colon
  form with nothing after it is a list heading instead ("Action items:" over a list of actions).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .memo import memo
from .items import ACCEPTED, ACTION, DECISION, HELP, IDEA, INFO, LINK, REJECTED, TOPIC


@dataclass(frozen=True, slots=True)
class Invalid:
    """A line extraction cannot accept: a marker with no text."""

    line: int
    marker: str
    message: str


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str
    text: str            # after the marker, the MeetBot trailer removed
    marker: str          # as written: "#action", "AGREED:", "url"
    url: str | None = None


HASH_MARKERS = {
    "action": ACTION, "agreed": DECISION, "agree": DECISION, "accepted": ACCEPTED, "rejected": REJECTED,
    "info": INFO, "idea": IDEA, "help": HELP, "link": LINK, "topic": TOPIC,
}
COLON_MARKERS = {
    "action": ACTION, "action item": ACTION, "action-item": ACTION, "ai": ACTION, "todo": ACTION,
    "agreed": DECISION, "decision": DECISION, "decided": DECISION, "conclusion": DECISION,
    "outcome": DECISION, "consensus": DECISION, "resolution": DECISION, "resolved": DECISION,
    "idea": IDEA, "help": HELP,
    "help wanted": HELP, "info": INFO, "link": LINK, "accepted": ACCEPTED, "rejected": REJECTED,
}

URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}]|\bwww\.[\w-]+\.[^\s<>\"']+[\w/]")
_HASH = re.compile(r"^#([A-Za-z]+)\b:?[ \t]*(.*)$", re.S)
_COLON = re.compile(
    r"^(action[ -]items?|action|ai|todo|agreed|decision|decided|conclusion|outcome|consensus|resolution|"
    r"resolved|idea|help wanted|help|info|link|accepted|rejected)[ \t]*(?:\((?P<who>[^()]{1,60})\))?"
    r"[ \t]*(?::|[-–—](?=[ \t]))[ \t]*(.*)$", re.I | re.S)
# "ACTION(gthiemonge) upgrade docs" without a colon
_OWNED = re.compile(r"^(action|ai|todo)[ \t]*\((?P<who>[^()]{1,60})\)[ \t]*(.*)$", re.I | re.S)
# A marker at the end of a line: "johnsom: try the minimal kernel -- ACTION", "moves to Thursdays (agreed)"
_TRAILING = re.compile(
    r"(?:[ \t]+(?:--|-|–|—|=>)[ \t]*|[ \t]*[(\[][ \t]*)"
    r"(action(?:[ -]item)?|ai|todo|agreed|decision|decided)[ \t]*[)\]]?[ \t]*[.!]?$", re.I)
# The last letters of _TRAILING's words (any case, as re.I matches them): a text whose end, less the
# characters that may follow the word, has none of them cannot match it.
_TRAILING_LAST = frozenset("nNmMiIoOdD\u0130\u0131")
_TRAILER = re.compile(r"[ \t]*\([\w\-\[\]\\^{}|`]+,\s*\d{1,2}:\d{2}(?::\d{2})?\)[ \t]*$")
_ONLY_URL = re.compile(
    r"^(?:\[\d+\][ \t]*|\d+[.)][ \t]+)?(?:<(?P<a>[^>\s]+)>|\[[^\]]*\]\((?P<b>[^)\s]+)\)|(?P<c>(?:https?|ftp)://\S+))"
    r"[ \t]*$")
_EMPTY = re.compile(r"^[\s\-:.,;]*$")


def strip_trailer(text: str) -> str:
    """``mgoddard to write the spec  (mgoddard, 15:03:01)`` -> ``mgoddard to write the spec``."""
    return _TRAILER.sub("", text) if text.endswith(")") else text


@memo(65536)
def parse(text: str) -> Marker | None | str:
    """The marker a unit's text starts with, or None. A marker with no text answers its name (a str)."""
    if text.startswith("#"):
        match = _HASH.match(text)
        if not match:
            return None
        name = match.group(1).lower()
        kind = HASH_MARKERS.get(name)
        if kind is None:
            return None
        body = strip_trailer(" ".join(match.group(2).split()))
        if _EMPTY.match(body):
            return "#" + match.group(1)
        return _marker(kind, body, "#" + match.group(1))
    if ":" in text[:80] or "(" in text[:10] or " - " in text[:16] or " – " in text[:16]:
        match = _COLON.match(text) or _OWNED.match(text)
        if match:
            name = " ".join(match.group(1).lower().replace("-", " ").split())
            if name == "action items":
                name = "action item"
            kind = COLON_MARKERS[name]
            body = strip_trailer(" ".join(match.group(match.lastindex).split()))
            if _EMPTY.match(body):
                return None  # "Action items:" heads a list
            if match.group("who"):
                body = f"{match.group('who').strip()}: {body}"  # the owners, in MeetBot's place
            return _marker(kind, body, match.group(0)[:match.start(match.lastindex)].strip())
    if text[-1:] in "NnMmOoDd)].!" and len(text) > 8 and text.rstrip(" \t.!)]\n")[-1:] in _TRAILING_LAST:
        tail = text[-30:]
        match = _TRAILING.search(tail)
        if match:
            match = _TRAILING.search(text, len(text) - len(tail) + match.start())
        if match:
            name = " ".join(match.group(1).lower().replace("-", " ").split())
            kind = COLON_MARKERS.get(name, COLON_MARKERS.get(name.split()[0]))
            body = strip_trailer(" ".join(text[:match.start()].split()))
            if kind is not None and not _EMPTY.match(body):
                return _marker(kind, body, match.group(0).strip())
    if "://" in text:
        match = _ONLY_URL.match(" ".join(text.split()))
        if match:
            url = match.group("a") or match.group("b") or match.group("c")
            return Marker(LINK, " ".join(text.split()), "url", url.rstrip(".,;"))
    return None


def _marker(kind: str, body: str, marker: str) -> Marker:
    url = None
    if kind == LINK:
        found = URL.search(body)
        url = found.group(0) if found else None
    return Marker(kind, body, marker, url)


def urls(text: str) -> tuple[str, ...]:
    if "://" not in text and "www." not in text:
        return ()
    return tuple(dict.fromkeys(match.group(0) for match in URL.finditer(text)))
