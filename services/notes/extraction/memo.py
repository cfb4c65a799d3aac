"""A bounded memo for extraction's pure steps (a marker line, a unit's sentences, a sentence's items).

A note is saved again and again with most of its lines unchanged: remembering what a line or a sentence
gave makes a re-save cost little more than reading the text. Every memoised function is pure (its
answer depends on its arguments only), so remembering changes no result. :func:`caching` turns it off
(and empties it), to measure extraction as for text never seen.
"""
from __future__ import annotations

from functools import lru_cache, wraps

_ON = [True]
_MEMOS: list = []


def memo(maxsize: int):
    def decorate(fn):
        cached = lru_cache(maxsize=maxsize)(fn)
        _MEMOS.append(cached)

        @wraps(fn)
        def call(*args):
            return cached(*args) if _ON[0] else fn(*args)

        call.uncached = fn
        return call
    return decorate


def caching(enabled: bool) -> None:
    """Turn the memo on or off; off also empties it."""
    _ON[0] = enabled
    if not enabled:
        for cached in _MEMOS:
            cached.cache_clear()
