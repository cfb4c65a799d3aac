"""The gateway's live hub: every event on the exchange, as it arrives, for the process that serves.

Each gateway worker process binds one exclusive, auto-delete queue of its own to ``#`` on the
exchange (``<prefix>.gateway.live.<host>.<pid>.<random>``: it goes with the process) and consumes it
in one thread with the kit's pika :class:`~services.kit.amqp.Consumer`. The thread only parses the
CloudEvent and hands it to the event loop (``loop.call_soon_threadsafe``); everything else runs on
the loop, never blocking a request:

- :meth:`Hub.listen` ``(fn)``: ``fn(cloud_event)`` is called on the loop for every event consumed,
  whatever its type, once per event id (a redelivery is dropped). A public-read cache invalidates
  from here. It returns a function that removes the listener. :meth:`Hub.on_connect` ``(fn)``:
  ``fn()`` each time the queue is bound, at start and after a reconnection (events published during
  the gap never reached the new queue: drop what was cached; streams get ``event: reset``).
- :meth:`Hub.subscribe` ``(event, track=None, full=False, last_event_id=None)``: a
  :class:`Subscription` to the stream events of one gathering (:data:`STREAMED` types), optionally
  of one track (event-wide ones such as the message of the day always come), each as a ready
  Server-Sent Events frame; ``await subscription.next()`` gives the next frame (a heartbeat comment
  every ``PTGHUB_STREAM_HEARTBEAT`` seconds), ``None`` when the stream should end. Close it when done.
- Recent stream events are kept ``PTGHUB_STREAM_REPLAY`` seconds per gathering: a subscription
  with ``last_event_id`` first gets the events after it, or a ``reset`` frame when that id is no
  longer (or never was) kept, telling the client to read the board again.

What is public (:func:`public_data`): the schedule's events carry what its public reads show; a note's
items are read with a token only, so ``note.items.changed`` goes to anonymous subscribers as the
note, its revision and counts; a subscription made with a token (``full=True``) gets the items.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections import OrderedDict, deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Callable

from services.kit import amqp, config
from services.kit.cloudevents import CloudEvent, InvalidEvent

logger = logging.getLogger(__name__)

NOTE_ITEMS = "ptghub.notes.note.items.changed"
# The types a stream carries, as AMQP topic prefixes: the schedule's public state and a note's items.
STREAMED = (
    "ptghub.schedule.event.updated", "ptghub.schedule.event.deleted",
    "ptghub.schedule.room.", "ptghub.schedule.track.", "ptghub.schedule.slot.changed",
    "ptghub.schedule.link.changed", "ptghub.schedule.session.", "ptghub.schedule.status.changed",
    "ptghub.schedule.motd.changed", NOTE_ITEMS,
)
BINDING = "#"
DEFAULT_HEARTBEAT = 15.0
DEFAULT_REPLAY = 300.0
REPLAY_LIMIT = 2000      # stream events kept per gathering at most, however recent
QUEUE_LIMIT = 1000       # frames waiting for one slow client; past it its stream ends (it resumes)
RETRY_MS = 2000          # the reconnection delay a client is told
HEARTBEAT = b": heartbeat\n\n"


def streamed(event_type: str) -> bool:
    return any(event_type == t or (t.endswith(".") and event_type.startswith(t)) for t in STREAMED)


def scope_of(cloud_event: CloudEvent) -> tuple[str | None, str | None]:
    """``(event slug, track slug or None)`` a streamed event belongs to."""
    data = cloud_event.data if isinstance(cloud_event.data, dict) else {}
    kind = cloud_event.type
    if kind == NOTE_ITEMS:
        note = data.get("note") or {}
        return note.get("event"), note.get("track")
    if kind.startswith("ptghub.schedule.event."):
        return data.get("slug") or cloud_event.subject, None
    subject_event = (cloud_event.subject or "").partition("/")[0] or None
    event = data.get("event") or (subject_event if "/" in (cloud_event.subject or "") else None)
    if kind.startswith("ptghub.schedule.track."):
        return event, data.get("slug")
    if kind.startswith(("ptghub.schedule.session.", "ptghub.schedule.status.")):
        return event, data.get("track")
    return event or cloud_event.subject, None


def public_data(cloud_event: CloudEvent) -> Any:
    """The event's data as an anonymous reader may see it (see the module's docstring)."""
    data = cloud_event.data
    if cloud_event.type == NOTE_ITEMS and isinstance(data, dict):
        return {"note": data.get("note"), "revision": data.get("revision"),
                "counts": {key: len(data.get(key) or []) for key in ("added", "changed", "removed")}}
    return data


def frame(cloud_event: CloudEvent, data: Any) -> bytes:
    """One SSE frame: ``id`` (the CloudEvent id), ``event`` (its type), ``data`` (the CloudEvent JSON)."""
    envelope = CloudEvent(type=cloud_event.type, source=cloud_event.source, data=data, subject=cloud_event.subject,
                          id=cloud_event.id, time=cloud_event.time).to_json()
    return f"id: {cloud_event.id}\nevent: {cloud_event.type}\ndata: {envelope}\n\n".encode()


def reset_frame(last_event_id: str) -> bytes:
    """``event: reset``: some events cannot be given (the id is no longer kept, or, with no id, this
    worker lost the broker for a while): the client reads the board again."""
    detail = ("the events after this id are no longer kept" if last_event_id else
              "events may have been missed while the gateway reconnected to the broker")
    body = json.dumps({"last_event_id": last_event_id or None, "detail": detail + ": read the board again"})
    return f"event: reset\ndata: {body}\n\n".encode()


@dataclass(frozen=True)
class StreamEvent:
    """A streamed event of one gathering, rendered once for every subscriber."""

    id: str
    type: str
    event: str
    track: str | None
    public: bytes
    full: bytes
    arrived: float  # time.monotonic()


class Subscription:
    """One client's stream: frames waiting for it, in order."""

    def __init__(self, hub: "Hub", event: str, track: str | None, full: bool):
        self.hub, self.event, self.track, self.full = hub, event, track, full
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_LIMIT)
        self.closed = False

    def wants(self, item: StreamEvent) -> bool:
        return self.track is None or item.track is None or item.track == self.track

    def offer(self, data: bytes | None) -> None:
        if self.closed:
            return
        try:
            self._queue.put_nowait(data)
        except asyncio.QueueFull:  # too slow: end its stream; it comes back with Last-Event-ID
            logger.info("a stream client of %s fell %d events behind; ending its stream", self.event, QUEUE_LIMIT)
            self.close()
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)

    def deliver(self, item: StreamEvent) -> None:
        if self.wants(item):
            self.offer(item.full if self.full else item.public)

    async def next(self) -> bytes | None:
        """The next frame to send; ``None``: end the stream."""
        return await self._queue.get()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.hub._drop(self)


class Hub:
    """Fans consumed events out to listeners and stream subscriptions; runs on one event loop."""

    def __init__(self, heartbeat: float = DEFAULT_HEARTBEAT, replay: float = DEFAULT_REPLAY):
        self.heartbeat = heartbeat
        self.replay = replay
        self._listeners: list[Callable[[CloudEvent], None]] = []
        self._on_connect: list[Callable[[], None]] = []
        self._binds = 0
        self._subscriptions: dict[str, set[Subscription]] = {}
        self._recent: dict[str, deque[StreamEvent]] = {}
        self._seen: OrderedDict[str, float] = OrderedDict()  # event id -> arrival, for duplicates
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._consumer: amqp.Consumer | None = None
        self._thread: threading.Thread | None = None
        self._beat: asyncio.Task | None = None

    # -- the API the gateway's modules use ----------------------------------------------------
    def listen(self, fn: Callable[[CloudEvent], None]) -> Callable[[], None]:
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None

    def on_connect(self, fn: Callable[[], None]) -> Callable[[], None]:
        """``fn()`` on the loop each time this process's queue is bound: at start and after every
        reconnection, when events published during the gap are lost. Returns its remover."""
        self._on_connect.append(fn)
        return lambda: self._on_connect.remove(fn) if fn in self._on_connect else None

    def subscribe(self, event: str, track: str | None = None, full: bool = False,
                  last_event_id: str | None = None) -> Subscription:
        subscription = Subscription(self, event, track, full)
        if last_event_id:
            recent = self._recent.get(event, ())
            ids = [item.id for item in recent]
            if last_event_id in ids:
                for item in list(recent)[ids.index(last_event_id) + 1:]:
                    subscription.deliver(item)
            else:
                subscription.offer(reset_frame(last_event_id))
        self._subscriptions.setdefault(event, set()).add(subscription)
        return subscription

    def subscribers(self, event: str | None = None) -> int:
        if event is not None:
            return len(self._subscriptions.get(event, ()))
        return sum(len(s) for s in self._subscriptions.values())

    @property
    def connected(self) -> bool:
        """The process's queue is bound and consumed."""
        return self._consumer is not None and self._consumer.connected.is_set()

    # -- fan-out (on the loop) ----------------------------------------------------------------
    def publish(self, cloud_event: CloudEvent) -> None:
        now = time.monotonic()
        if cloud_event.id in self._seen:
            return
        self._seen[cloud_event.id] = now
        self._prune(now)
        for listener in list(self._listeners):
            try:
                listener(cloud_event)
            except Exception:  # one listener's bug must not starve the others or the streams
                logger.exception("live listener %r failed on %s", listener, cloud_event.type)
        if not streamed(cloud_event.type):
            return
        event, track = scope_of(cloud_event)
        if not event:
            return
        full = frame(cloud_event, cloud_event.data)
        public = frame(cloud_event, public_data(cloud_event)) if cloud_event.type == NOTE_ITEMS else full
        item = StreamEvent(cloud_event.id, cloud_event.type, event, track, public, full, now)
        recent = self._recent.setdefault(event, deque(maxlen=REPLAY_LIMIT))
        recent.append(item)
        for subscription in list(self._subscriptions.get(event, ())):
            subscription.deliver(item)

    def _prune(self, now: float) -> None:
        horizon = now - self.replay
        while self._seen and next(iter(self._seen.values())) < horizon:
            self._seen.popitem(last=False)
        for event in list(self._recent):
            recent = self._recent[event]
            while recent and recent[0].arrived < horizon:
                recent.popleft()
            if not recent:
                del self._recent[event]

    def _drop(self, subscription: Subscription) -> None:
        subscriptions = self._subscriptions.get(subscription.event)
        if subscriptions is not None:
            subscriptions.discard(subscription)
            if not subscriptions:
                del self._subscriptions[subscription.event]

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            self._prune(time.monotonic())
            for subscriptions in list(self._subscriptions.values()):
                for subscription in list(subscriptions):
                    subscription.offer(HEARTBEAT)

    def _bound(self) -> None:
        """On the loop, each time the queue is (re)bound. After a broker loss the queue was new: what
        was published meanwhile never reached it, so streams are told to read the board again and
        the connect hooks run (a cache drops what it holds)."""
        self._binds += 1
        if self._binds > 1:
            logger.info("the live queue is bound again; events of the gap are lost: streams get a reset")
            for subscriptions in list(self._subscriptions.values()):
                for subscription in list(subscriptions):
                    subscription.offer(reset_frame(""))
        for hook in list(self._on_connect):
            try:
                hook()
            except Exception:
                logger.exception("live connect hook %r failed", hook)

    # -- the consumer thread ------------------------------------------------------------------
    def _handle(self, body: bytes, _properties=None) -> None:
        """On the consumer thread: parse, hand to the loop. Never raises (the message is acked)."""
        try:
            cloud_event = CloudEvent.from_json(body)
        except InvalidEvent as exc:
            logger.warning("an unreadable event on the exchange was left out of the live stream: %s", exc)
            return
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self.publish, cloud_event)
            except RuntimeError:  # the loop closed meanwhile: the process is stopping
                pass

    async def start(self, settings: config.Settings | None = None, wait: float = 5.0) -> None:
        """Start consuming (and the heartbeats) for the running loop; waits up to ``wait`` s for the queue."""
        settings = settings or config.load("gateway")
        self._loop = asyncio.get_running_loop()
        self._stop.clear()
        self._binds = 0
        queue = f"{settings.queue_prefix}.gateway.live.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}"

        def declare(channel) -> None:
            amqp.declare_exchange(channel, settings.exchange)
            channel.queue_declare(queue=queue, exclusive=True, auto_delete=True,
                                  arguments={"x-max-length": 100_000})
            channel.queue_bind(queue=queue, exchange=settings.exchange, routing_key=BINDING)
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._bound)

        self._consumer = amqp.Consumer(settings.amqp_url, declare, queue, self._handle, self._stop, prefetch=256)
        self._thread = threading.Thread(target=self._consumer.run, name="live-consumer", daemon=True)
        self._thread.start()
        self._beat = asyncio.create_task(self._heartbeats())
        if wait > 0:
            connected = await asyncio.to_thread(self._consumer.connected.wait, wait)
            if not connected:
                logger.warning("the live stream's queue is not bound yet (broker %s unreachable?); "
                               "streams open, events flow once it is", settings.amqp_url.rsplit("@", 1)[-1])

    async def stop(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None
        for subscriptions in list(self._subscriptions.values()):
            for subscription in list(subscriptions):
                subscription.offer(None)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 3)
            self._thread = None
        self._loop = None


def settings_hub() -> Hub:
    return Hub(heartbeat=config.number("STREAM_HEARTBEAT", DEFAULT_HEARTBEAT, positive=True),
               replay=config.number("STREAM_REPLAY", DEFAULT_REPLAY))


HUB: Hub | None = None


def hub() -> Hub:
    """This process's hub (made from the settings on first use)."""
    global HUB
    if HUB is None:
        HUB = settings_hub()
    return HUB


@asynccontextmanager
async def lifespan(_app):
    """The gateway app's lifespan: this process's hub consumes while it serves (listeners added
    before it starts, at import or app creation, are kept)."""
    running = hub()
    await running.start()
    try:
        yield
    finally:
        await running.stop()
