"""A per-process cache of rendered responses, keyed by something that changes with the data
(for example an event's ``version``), so a repeated read costs one small query."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Hashable

from flask import Response, request


class RenderCache:
    """The most recent renderings by key, bounded in entries and bytes; thread-safe."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = body
            self._bytes += len(body)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _key, old = self._items.popitem(last=False)
                self._bytes -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def versioned(cache: RenderCache, key: Hashable, tag: str, produce, mimetype: str = "application/json") -> Response:
    """Answer 304 when the client holds ``tag``; else the cached body for ``key`` (or ``produce()``).

    ``tag`` and ``key`` must change whenever what ``produce`` returns would: derive both from a
    version the writes bump, never from the clock.
    """
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        body = cache.get(key)
        if body is None:
            body = produce()
            cache.put(key, body)
        response = Response(body, mimetype=mimetype)
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "no-cache"
    return response
