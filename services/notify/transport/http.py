"""The webhook loop's HTTP client: one asyncio loop on its own thread with one aiohttp session.

At most ``concurrency`` requests at once, and at most ``endpoint_concurrency`` to any one webhook
(:class:`Gate`), so a slow endpoint's deliveries queue behind each other, not in front of everybody
else's; an answer's body is read up to a cap (:func:`read_capped`).
"""
from __future__ import annotations

import asyncio
import ssl as ssl_module
import threading
from concurrent.futures import Future

import aiohttp

USER_AGENT = "ptghub-webhooks/1"


class HttpLoop:
    """An asyncio loop on its own thread with one aiohttp session: where every request is made.

    At most ``concurrency`` requests at once, and ``endpoint_concurrency`` per webhook; keep-alive
    connections are pooled per (checked address, port, server name)."""

    def __init__(self, concurrency: int, endpoint_concurrency: int, timeout: float,
                 ssl: ssl_module.SSLContext | None = None):
        self.ssl = ssl
        self.concurrency = concurrency
        self.endpoint_concurrency = endpoint_concurrency
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="webhook-http", daemon=True)
        self._thread.start()
        self._ready = self.submit(self._open())
        self._ready.result()

    async def _open(self) -> None:
        self.slots = asyncio.Semaphore(self.concurrency)
        self.gates: dict[str, list] = {}  # webhook id -> [semaphore, users]
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.concurrency, limit_per_host=0, use_dns_cache=False,
                                           keepalive_timeout=15, ssl=self.ssl if self.ssl is not None else True),
            # each step within the timeout, and the whole request within three of them (an endpoint
            # dripping its answer byte by byte does not hold a slot for longer)
            timeout=aiohttp.ClientTimeout(total=3 * self.timeout, connect=self.timeout, sock_connect=self.timeout,
                                          sock_read=self.timeout),
            headers={"user-agent": USER_AGENT}, auto_decompress=False, trust_env=False,
            skip_auto_headers=("accept-encoding",))

    def submit(self, coroutine) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def gate(self, webhook: str) -> "Gate":
        return Gate(self, webhook)

    def close(self) -> None:
        async def shut() -> None:
            await self.session.close()
        try:
            self.submit(shut()).result(timeout=5)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)
            self.loop.close()


class Gate:
    """``async with``: one of a webhook's ``endpoint_concurrency`` places, then one of the loop's
    ``concurrency`` slots (in that order: deliveries queued for a slow endpoint hold no slot)."""

    def __init__(self, http: HttpLoop, webhook: str):
        self.http, self.webhook = http, webhook

    async def __aenter__(self) -> None:
        gates = self.http.gates
        entry = gates.get(self.webhook)
        if entry is None:
            entry = gates[self.webhook] = [asyncio.Semaphore(self.http.endpoint_concurrency), 0]
        entry[1] += 1
        self.entry = entry
        try:
            await entry[0].acquire()
        except BaseException:
            self._leave()
            raise
        try:
            await self.http.slots.acquire()
        except BaseException:
            entry[0].release()
            self._leave()
            raise

    async def __aexit__(self, *exc_info) -> None:
        self.http.slots.release()
        self.entry[0].release()
        self._leave()

    def _leave(self) -> None:
        self.entry[1] -= 1
        if self.entry[1] == 0 and self.http.gates.get(self.webhook) is self.entry:
            del self.http.gates[self.webhook]


async def read_capped(response: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of the body, and whether that was all of it."""
    chunks, size = [], 0
    while size < limit:
        chunk = await response.content.read(limit - size)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), response.content.at_eof()
