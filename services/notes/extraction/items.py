"""What extraction finds in a note: one :class:`Item` per action, decision, link, ... ."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The kinds of item, as the API names them.
ACTION = "action"
DECISION = "decision"
ACCEPTED = "accepted"
REJECTED = "rejected"
INFO = "info"
IDEA = "idea"
HELP = "help"
LINK = "link"
TOPIC = "topic"
KINDS = (ACTION, DECISION, ACCEPTED, REJECTED, INFO, IDEA, HELP, LINK, TOPIC)


@dataclass(frozen=True)
class Item:
    """One thing a note says was decided, is to be done, or is worth keeping.

    ``suggested`` items come from prose ("mnasiadka offered to pick this up"): a chair confirms or
    dismisses them. Marker items (``#action``, ``AGREED:``, a bare URL line) are not suggested.
    """

    kind: str
    text: str                      # the item as a reader would list it (the marker removed)
    line: int                      # 1-based line of the note where it starts
    source: str                    # the sentence or line it came from, as written
    owners: tuple[str, ...] = ()   # people (nicks or e-mail addresses); () when the text names none
    due: date | None = None
    suggested: bool = False
    url: str | None = None         # links: the URL
    urls: tuple[str, ...] = field(default_factory=tuple)  # every URL the item's text mentions
