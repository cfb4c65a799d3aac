"""The gateway's own cache of public reads: anonymous GETs answered from memory, in front of connexion.

What is kept: the 200 answers to a ``GET`` without ``Authorization`` of an operation the document
declares public (``security: []``: the board, ptg.json and the other exports, the listings of
events, rooms, tracks and sessions), whole (status, headers, body), keyed by path, query and
``Accept``. Not kept: an answer marked ``no-store`` or ``private``, one that sets a cookie, one over
:data:`MAX_BODY` bytes. A kept answer serves ``If-None-Match`` with a 304 itself; what it serves carries ``Age`` (RFC 9111).

When an answer stops being true: every entry belongs to an event (the ``{event}`` of its path, or to
none: ``/events``, ``/sessions/{id}``). :meth:`PublicReads.changed` drops an event's entries and
the eventless ones; the gateway calls it for every event it consumes from the exchange (the live
stream's queue: a change from any process, any gateway worker) and for every write that passes
through it (this worker's writer reads its write at once). An entry also expires after
``PTGHUB_PUBLIC_CACHE_TTL`` seconds (30), the bound on staleness should an event be lost.

After an invalidation the entries read lately are fetched again at once (refresh-ahead), so the
first reader after a change finds the new answer made or being made; readers of an entry being
fetched wait for that one fetch (single flight) instead of each asking the service. A fetch that an
invalidation overtook (it may hold the old answer) is not kept, and is followed by another.

A schedule write through this worker answers once those fetches are done (at most
:data:`REFRESH_WAIT` seconds later): its writer, and every reader after it, then reads the new
answer from memory. The services name the events a write committed (``Ptghub-Committed-Events``,
kept from the client; none for a write of many, an import): when one of them reaches the live queue
it drops nothing here (:meth:`PublicReads.heard`): this worker dropped what it changed when the
write answered, and fetched it again after the commit.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from . import document

logger = logging.getLogger(__name__)

MAX_BODY = 4 * 1024 * 1024
MAX_BYTES = 256 * 1024 * 1024
DEFAULT_TTL = 30.0
REFRESH_WAIT = 1.0  # seconds a write's answer waits, at most, for the public reads it made untrue
OWN_EVENTS_KEPT = 4096  # ids of the events this worker's writes committed, not yet heard on the queue
_EVENT_PATH = re.compile(r"^/events/([^/]+)")
_UNCACHEABLE = re.compile(rb"no-store|private", re.IGNORECASE)
_DROPPED_HEADERS = {b"content-length", b"date", b"server", b"x-request-id", b"set-cookie"}


def _path_pattern(template: str, base_path: str) -> re.Pattern:
    pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part)
                      for part in re.split(r"(\{[^}]+\})", template))
    return re.compile(re.escape(base_path) + pattern + "$")


def public_get_paths(spec_file: Path, base_path: str) -> list[re.Pattern]:
    """The path patterns of the document's public GETs (``security: []``)."""
    return [_path_pattern(template, base_path) for template, item in document.paths(spec_file).items()
            if item.get("get") is not None and item["get"].get("security") == []]


def schedule_writes(spec_file: Path, base_path: str) -> list[tuple[str, re.Pattern]]:
    """(method, path pattern) of the document's writes the schedule answers (``schedule.*`` operations):
    the writes that can change a public read (every public read is the schedule's)."""
    return [(method.upper(), _path_pattern(template, base_path))
            for template, item in document.paths(spec_file).items() for method in ("put", "post", "patch", "delete")
            if str((item.get(method) or {}).get("operationId", "")).startswith("schedule.")]


def event_of(path: str, base_path: str) -> str | None:
    """The event an API path belongs to (``/events/{event}/...``), or None."""
    match = _EVENT_PATH.match(path[len(base_path):] if path.startswith(base_path) else path)
    return match.group(1) if match else None


@dataclass
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes | None
    event: str | None
    expires: float
    stored_at: float = field(default_factory=time.monotonic)
    read_at: float = field(default_factory=time.monotonic)


class PublicReads:
    """The entries, by key; a generation per event so a fetch overtaken by an invalidation is not kept."""

    def __init__(self, ttl: float = DEFAULT_TTL, max_bytes: int = MAX_BYTES):
        self.ttl, self.max_bytes = ttl, max_bytes
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.size = 0
        self.generations: dict[str | None, int] = {}
        self.inflight: dict[tuple, asyncio.Future] = {}
        self.inflight_events: dict[tuple, str | None] = {}  # the event of each key being fetched
        self.own_events: OrderedDict[str, None] = OrderedDict()
        self.fetch_again = None  # set by the middleware: fetches a list of keys again, in the background
        self.hits = self.misses = 0

    def generation(self, event: str | None) -> tuple[int, int]:
        return self.generations.get(event, 0), self.generations.get(None, 0)

    def fresh(self, key: tuple) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        now = time.monotonic()
        if entry.expires <= now:
            self._drop(key)
            return None
        entry.read_at = now
        self.entries.move_to_end(key)
        return entry

    def keep(self, key: tuple, entry: Entry, generation: tuple[int, int]) -> None:
        if generation != self.generation(entry.event):
            return  # an invalidation came while it was being fetched: it may be the old answer
        self._drop(key)
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.max_bytes and self.entries:
            self._drop(next(iter(self.entries)))

    def changed(self, event: str | None = None) -> list[asyncio.Future]:
        """``event`` changed (None: something did): drop what that may have made untrue and fetch the
        entries read lately again; answers those fetches. Call it in the gateway's event loop."""
        again = self.drop(event)
        if again and self.fetch_again is not None:
            return self.fetch_again(again)
        return []

    def drop(self, event: str | None = None) -> list[tuple]:
        """Drop ``event``'s entries and the eventless ones (all, for None); the keys read within the
        TTL, to fetch again, and those being fetched (what they get may be the old answer)."""
        self.generations[None] = self.generations.get(None, 0) + 1
        if event is not None:
            self.generations[event] = self.generations.get(event, 0) + 1
        now = time.monotonic()
        again = []
        for key, entry in list(self.entries.items()):
            if event is None or entry.event in (event, None):
                if now - entry.read_at < self.ttl:
                    again.append(key)
                self._drop(key)
        again.extend(key for key, key_event in self.inflight_events.items()
                     if (event is None or key_event in (event, None)) and key not in again)
        return again

    def made(self, event_ids: list[str]) -> None:
        """Events a write through this worker committed: :meth:`heard` knows them when they arrive."""
        for event_id in event_ids:
            self.own_events[event_id] = None
        while len(self.own_events) > OWN_EVENTS_KEPT:
            self.own_events.popitem(last=False)

    def heard(self, event_id: str) -> bool:
        """Whether the event heard on the live queue is one a write through this worker committed
        (then its changes were dropped and fetched again here already); forgets it."""
        return self.own_events.pop(event_id, False) is None

    def _drop(self, key: tuple) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry.body)


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value
    return None


def _etag_matches(if_none_match: bytes, etag: bytes) -> bool:
    """RFC 9110 weak comparison of an ``If-None-Match`` list with an entity tag."""
    bare = etag.removeprefix(b"W/")
    return any(tag.strip() == b"*" or tag.strip().removeprefix(b"W/") == bare for tag in if_none_match.split(b","))


class PublicReadsMiddleware:
    """Serves kept public reads before connexion routes, validates or authenticates anything; keeps
    the answers it lets through; invalidates on writes. ``reads`` is shared with the stream's consumer."""

    def __init__(self, app, patterns: list[re.Pattern], reads: PublicReads, base_path: str,
                 schedule_writes: list[tuple[str, re.Pattern]] = ()):
        self.app, self.patterns, self.reads, self.base_path = app, patterns, reads, base_path
        self.schedule_writes = schedule_writes
        self._tasks: set[asyncio.Task] = set()
        reads.fetch_again = self.fetch_again

    def cacheable(self, scope) -> bool:
        return (scope["method"] in ("GET", "HEAD") and _header(scope, b"authorization") is None
                and any(p.match(scope["path"]) for p in self.patterns))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            return await self._write(scope, receive, send)
        if not self.cacheable(scope):
            return await self.app(scope, receive, send)
        key = (scope["path"], scope.get("query_string", b""), _header(scope, b"accept"))
        entry = self.reads.fresh(key)
        if entry is None and key in self.reads.inflight:
            entry = await asyncio.shield(self.reads.inflight[key])
        if entry is not None:
            self.reads.hits += 1
            return await self._serve(entry, scope, send)
        self.reads.misses += 1
        if scope["method"] == "HEAD":
            return await self.app(scope, receive, send)
        await self._fetch(key, scope, receive, send)

    async def _serve(self, entry: Entry, scope, send) -> None:
        if_none_match = _header(scope, b"if-none-match")
        if entry.etag is not None and if_none_match is not None and _etag_matches(if_none_match, entry.etag):
            headers = [(k, v) for k, v in entry.headers if k in (b"etag", b"cache-control", b"last-modified")]
            headers.append((b"age", str(int(time.monotonic() - entry.stored_at)).encode()))
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        age = str(int(time.monotonic() - entry.stored_at)).encode()  # RFC 9111: a cache says how old
        headers = entry.headers + [(b"content-length", str(len(entry.body)).encode()), (b"age", age)]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else entry.body})

    async def _fetch(self, key: tuple, scope, receive, send) -> None:
        """Let the request through, passing its answer on as it comes and keeping it if it may be."""
        event = event_of(scope["path"], self.base_path)
        generation = self.reads.generation(event)
        future = asyncio.get_running_loop().create_future()
        self.reads.inflight[key] = future
        self.reads.inflight_events[key] = event
        start: dict = {}
        chunks: list[bytes] = []
        held = 0

        async def capture(message):
            nonlocal held
            if message["type"] == "http.response.start":
                start.update(message)
                if any(k.lower() == b"content-type" and v.startswith(b"text/event-stream")
                       for k, v in message.get("headers", [])):
                    start["status"] = None  # a stream is never kept (nor held in memory)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                held += len(message.get("body", b""))
                if held > MAX_BODY:
                    start["status"] = None
                    chunks.clear()
                else:
                    chunks.append(message.get("body", b""))
            if send is not None:
                await send(message)

        entry = None
        try:
            # a conditional request passes as it came (the service may answer 304: nothing to keep then)
            await self.app(scope, receive, capture)
            entry = self._entry(start, chunks, event)
            if entry is not None:
                self.reads.keep(key, entry, generation)
        finally:
            if self.reads.inflight.get(key) is future:
                del self.reads.inflight[key]
                del self.reads.inflight_events[key]
            future.set_result(entry)

    def _entry(self, start: dict, chunks: list[bytes], event: str | None) -> Entry | None:
        if start.get("status") != 200:
            return None
        headers = [(k.lower(), v) for k, v in start.get("headers", [])]
        body = b"".join(chunks)
        if len(body) > MAX_BODY or any(k == b"set-cookie" for k, _ in headers) or \
                any(k == b"cache-control" and _UNCACHEABLE.search(v) for k, v in headers):
            return None
        kept = [(k, v) for k, v in headers if k not in _DROPPED_HEADERS]
        etag = next((v for k, v in kept if k == b"etag"), None)
        return Entry(200, kept, body, etag, event, time.monotonic() + self.reads.ttl)

    async def _write(self, scope, receive, send) -> None:
        """Pass a write on; drop what it may change before its answer starts (so its writer, reading
        next, never gets the old copy from this worker), or when it ended without one. A schedule
        write that succeeded answers once what it dropped and was read lately is fetched again (at
        most :data:`REFRESH_WAIT` s): the next reader gets the new answer from memory, and writers
        wait for the fetches they cause rather than piling them up. (A write whose path names no
        event, ``/sessions/{id}``, drops and fetches again every event's.) A write of another
        service (notes, actions) drops what it may change and answers at once: public reads are the
        schedule's."""
        event = event_of(scope["path"], self.base_path)
        dropped = False

        async def answer(message):
            nonlocal dropped
            if message["type"] == "http.response.start" and not dropped:
                dropped = True
                fetches = self.reads.changed(event)
                if fetches and 200 <= message["status"] < 300 and any(
                        method == scope["method"] and pattern.match(scope["path"])
                        for method, pattern in self.schedule_writes):
                    await asyncio.wait(fetches, timeout=REFRESH_WAIT)
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            if not dropped:
                self.reads.changed(event)

    def fetch_again(self, keys: list[tuple]) -> list[asyncio.Task]:
        """Fetch ``keys`` again in the background, one fetch per key (after the one under way, which
        the change overtook); answers the fetches."""
        tasks = []
        for key in keys:
            task = asyncio.get_running_loop().create_task(self._refetch(key, self.reads.inflight.get(key)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            tasks.append(task)
        return tasks

    async def _refetch(self, key: tuple, overtaken: asyncio.Future | None = None) -> None:
        if overtaken is not None:
            await asyncio.shield(overtaken)
            if key in self.reads.entries or key in self.reads.inflight:
                return  # kept after all, or fetched again already (by a reader or another refetch)
        path, query, accept = key
        headers = [(b"host", b"gateway")] + ([(b"accept", accept)] if accept is not None else [])
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
                 "root_path": "", "headers": headers, "client": ("127.0.0.1", 0), "server": ("gateway", 80)}
        try:
            await self._fetch(key, scope, _request_without_body(), None)
        except Exception:  # a refetch is a courtesy: the next reader asks itself
            logger.warning("fetching %s again failed", path, exc_info=True)


def _request_without_body():
    """The ``receive`` of a GET made here: its empty body once, then, as a server does until the
    client goes, nothing (never a second request message: an app waiting for a disconnect waits)."""
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    return receive
