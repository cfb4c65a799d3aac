"""A bounded memo for extraction's pure steps (a marker line, a unit's sentences, a sentence's items).

A note is saved again and again with most of its lines unchanged: remembering what a line or a sentence
gave makes a re-save cost little more than reading the text. Every memoised function is pure (its
answer depends on its arguments only), so remembering changes no result. :func:`caching` turns it off
(and empties it), to measure extraction as for text never seen.

A memoised function is a module-level function, called through its module's global name (``parse(...)``
in its module, ``markers.parse(...)`` elsewhere; never imported by name into another module): turning
the memo on or off rebinds that name to the cached function or to the plain one, so a call costs no
wrapper of ours either way.
"""
from __future__ import annotations

import sys
from functools import lru_cache

_ON = [True]
_MEMOS: list = []   # (module, name, plain function, cached function)


def memo(maxsize: int):
    def decorate(fn):
        cached = lru_cache(maxsize=maxsize)(fn)
        cached.uncached = fn
        fn.uncached = fn
        _MEMOS.append((fn.__module__, fn.__name__, fn, cached))
        return cached if _ON[0] else fn
    return decorate


def caching(enabled: bool) -> None:
    """Turn the memo on or off; off also empties it."""
    _ON[0] = enabled
    for module, name, fn, cached in _MEMOS:
        if not enabled:
            cached.cache_clear()
        setattr(sys.modules[module], name, cached if enabled else fn)
