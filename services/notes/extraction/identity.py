"""Items keep their identity across saves of a note.

Given the items the previous revision had (with their ids) and the items of the new text:

- *kept*: an item whose content is unchanged (kind, text, owners, due, URL, suggested) is the same item,
  even when lines above it moved it to another line (the new line is in the kept pair);
- *changed*: an edited line is the same item changed when it is clearly the same: same kind, same owners
  (case-insensitive), and most words kept (token Jaccard similarity >= 0.6, see :func:`similarity`);
- otherwise the old item is *removed* and the new one *added*.

Equal items are paired in order, the nearest line first; fuzzy pairs are taken best first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from .items import Item

THRESHOLD = 0.6
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Changes:
    added: tuple[Item, ...]
    changed: tuple[tuple[str, Item], ...]   # (id of the previous item, the item it now is)
    removed: tuple[str, ...]                # ids
    kept: tuple[tuple[str, Item], ...]      # (id, the item as it is now: its line may have moved)

    @property
    def any(self) -> bool:
        """Whether the save changed the items (what ``note.items.changed`` is emitted for)."""
        return bool(self.added or self.changed or self.removed)


def tokens(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in _WORD.findall(text))


def similarity(a: str, b: str) -> float:
    """Token Jaccard similarity of two texts (1.0: the same words)."""
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:
        return 1.0
    return len(ta & tb) / len(ta | tb)


def _content(item: Item) -> tuple:
    return (item.kind, " ".join(item.text.split()).lower(), tuple(o.lower() for o in item.owners), item.due,
            item.url, item.suggested)


def _owners(item: Item) -> frozenset[str]:
    return frozenset(o.lower() for o in item.owners)


def reconcile(previous: Mapping[str, Item] | Iterable[tuple[str, Item]], current: Iterable[Item],
              *, threshold: float = THRESHOLD) -> Changes:
    """Pair the new items with the previous ones (see the module's docstring)."""
    old = list(previous.items()) if isinstance(previous, Mapping) else list(previous)
    new = list(current)
    kept: list[tuple[str, Item]] = []
    free_old = dict(enumerate(old))
    free_new = dict(enumerate(new))

    by_content: dict[tuple, list[int]] = {}
    for i, (_, item) in free_old.items():
        by_content.setdefault(_content(item), []).append(i)
    for j, item in list(free_new.items()):
        candidates = [i for i in by_content.get(_content(item), ()) if i in free_old]
        if not candidates:
            continue
        i = min(candidates, key=lambda i: abs(old[i][1].line - item.line))
        kept.append((old[i][0], item))
        del free_old[i], free_new[j]

    # Fuzzy pairs: only items of the same kind and owners can pair, each text's words worked out once.
    by_group: dict[tuple, list[tuple[int, frozenset[str]]]] = {}
    for j, after in free_new.items():
        by_group.setdefault((after.kind, _owners(after)), []).append((j, tokens(after.text)))
    pairs = []
    for i, (_, before) in free_old.items():
        group = by_group.get((before.kind, _owners(before)))
        if not group:
            continue
        words_before = tokens(before.text)
        for j, words_after in group:
            after = free_new[j]
            union = words_before | words_after
            score = len(words_before & words_after) / len(union) if union else 1.0
            if score >= threshold:
                pairs.append((-score, abs(before.line - after.line), i, j))
    changed: list[tuple[str, Item]] = []
    for _, _, i, j in sorted(pairs):
        if i in free_old and j in free_new:
            changed.append((old[i][0], new[j]))
            del free_old[i], free_new[j]
    return Changes(tuple(free_new[j] for j in sorted(free_new)), tuple(changed),
                   tuple(old[i][0] for i in sorted(free_old)), tuple(kept))
