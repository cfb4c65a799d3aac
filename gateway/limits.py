"""What the gateway refuses before any work is done: too many requests, too large a body.

- Rate: a token bucket per bearer token and one per client address, each refilled at
  ``PTGHUB_RATE_LIMIT`` requests per second up to ``PTGHUB_RATE_BURST`` (defaults 200 and 1000;
  ``PTGHUB_RATE_LIMIT=0`` turns limiting off, as the benchmarks do). A request takes one from
  its address's bucket and, when it carries ``Authorization: Bearer``, one from that token's
  (the token is not looked up: an unknown one is limited by its address like any other). Empty:
  ``429`` problem with ``Retry-After`` (whole seconds). The buckets live in each gateway worker
  (in-process, not shared): with N workers a client may get up to N times the rate. The address
  is the one the ASGI server reports: uvicorn takes ``X-Forwarded-For`` only from the addresses in
  ``FORWARDED_ALLOW_IPS`` (default 127.0.0.1, a proxy on the same host), never from anyone else.
- Body: at most ``PTGHUB_MAX_BODY`` bytes (default 10 MiB). A ``Content-Length`` above it is
  refused at once, without reading the body. A chunked body (no ``Content-Length``) is read as it
  arrives, counted, and refused the moment it passes the limit; under it, it is handed on with its
  length. Bytes are counted as they arrive in every case (should a server ever pass on more than
  the ``Content-Length`` said). ``413`` problem naming the limit.
- ``/healthz`` and ``/readyz`` are never limited (probes).
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass

from services.kit import config
from services.kit.problems import PROBLEM_JSON

DEFAULT_RATE = 200.0
DEFAULT_BURST = 1000.0
DEFAULT_MAX_BODY = 10 * 1024 * 1024
UNLIMITED_PATHS = ("/healthz", "/readyz")
MAX_BUCKETS = 100_000


@dataclass
class Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """``take(key)``: 0.0 when ``key`` may go on, else the seconds until it may."""

    def __init__(self, rate: float, burst: float, clock=time.monotonic):
        self.rate = rate
        self.burst = max(burst, 1.0)
        self.clock = clock
        self._buckets: dict[str, Bucket] = {}

    def take(self, key: str) -> float:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._drop_full(now)
            bucket = self._buckets[key] = Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _drop_full(self, now: float) -> None:
        """Forget the buckets that have refilled (they hold nothing a new one would not)."""
        full = [key for key, b in self._buckets.items() if b.tokens + (now - b.at) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= MAX_BUCKETS:
            self._buckets.clear()


@dataclass(frozen=True)
class Limits:
    rate: float
    burst: float
    max_body: int

    @classmethod
    def from_environment(cls) -> "Limits":
        return cls(rate=config.number("RATE_LIMIT", DEFAULT_RATE, what="requests a second"),
                   burst=config.number("RATE_BURST", DEFAULT_BURST, what="requests"),
                   max_body=config.count("MAX_BODY", DEFAULT_MAX_BODY, minimum=0))


def problem_message(status: int, title: str, detail: str, errors: dict, headers: list | None = None):
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail,
                       "errors": errors}).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
                         *(headers or [])]}
    return start, {"type": "http.response.body", "body": body}


def too_large(limit: int):
    return problem_message(413, "Content Too Large",
                           f"the request body is larger than this API accepts: at most {limit} bytes",
                           {"body": [f"at most {limit} bytes (PTGHUB_MAX_BODY)"]})


def too_many(retry_after: float, what: str):
    seconds = max(1, math.ceil(retry_after))
    return problem_message(429, "Too Many Requests",
                           f"too many requests from this {what}; try again in {seconds} s",
                           {"rate": [f"over the limit for this {what}"]},
                           headers=[(b"retry-after", str(seconds).encode())])


class BodyTooLarge(Exception):
    pass


def bearer(scope) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            scheme, _, credential = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credential.strip():
                return credential.strip()
    return None


def content_length(scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def chunked(scope) -> bool:
    return any(name == b"transfer-encoding" and b"chunked" in value.lower() for name, value in scope.get("headers") or ())


class LimitsMiddleware:
    """ASGI middleware: the rate and body limits above, outside routing and authentication."""

    def __init__(self, app, limits: Limits | None = None):
        self.app = app
        self.limits = limits or Limits.from_environment()
        self.buckets = TokenBuckets(self.limits.rate, self.limits.burst) if self.limits.rate > 0 else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] in UNLIMITED_PATHS:
            return await self.app(scope, receive, send)
        refused = self.refusal(scope)
        if refused is not None:
            for message in refused:
                await send(message)
            return
        if content_length(scope) is None and chunked(scope):
            return await self.buffered(scope, receive, send)
        await self.limited(scope, receive, send)

    def refusal(self, scope):
        if self.buckets is not None:
            address = (scope.get("client") or ("unknown", 0))[0]
            wait = self.buckets.take("address:" + address)
            if wait:
                return too_many(wait, "address")
            token = bearer(scope)
            if token is not None:
                wait = self.buckets.take("token:" + hashlib.sha256(token.encode()).hexdigest())
                if wait:
                    return too_many(wait, "token")
        length = content_length(scope)
        if length is not None and length > self.limits.max_body:
            return too_large(self.limits.max_body)
        return None

    async def buffered(self, scope, receive, send):
        """A body without ``Content-Length`` (chunked): read, counting, up to the limit (413 the
        moment it is passed), then handed on whole with its length, as connexion expects one."""
        limit = self.limits.max_body
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                for refusal in too_large(limit):
                    await send(refusal)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        headers = [(k, v) for k, v in scope.get("headers") or () if k != b"transfer-encoding"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        delivered = False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def limited(self, scope, receive, send):
        """The app, with the body counted as it arrives: past the limit, the app's answer (whatever
        it makes of the interrupted body) is replaced by the 413."""
        limit = self.limits.max_body
        seen = 0
        state = {"over": False, "started": False}

        async def counting_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    state["over"] = True
                    raise BodyTooLarge(limit)
            return message

        async def guarded_send(message):
            if state["over"]:
                return  # the app's answer to a body it did not get whole: ours is sent instead
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            pass
        if state["over"] and not state["started"]:
            for message in too_large(limit):
                await send(message)
