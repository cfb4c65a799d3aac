"""The live stream under load: 500 open streams, a normal GET meanwhile, and event -> client latency.

1. **GET alone.** ``wrk -t2 -c16 --latency`` on ``GET /api/v1/events/<slug>/sessions?limit=50`` through
   the gateway (50 small JSON objects, as bench/baseline.py reads): requests/s, p50, p99.
2. **500 streams.** ``--streams`` clients (asyncio + aiohttp, one process) open
   ``GET /api/v1/events/<slug>/stream`` and hold it; each must see its ``: connected`` comment.
3. **GET with the streams open.** The same wrk run while every stream stays open: the p99 must not
   suffer (the streams must not block request handling); the streams still open afterwards are counted.
4. **Event -> client.** ``--events`` status changes, paced (``--rate``/s):
   a. published straight on the exchange (a CloudEvent as the schedule would publish it, confirmed),
      the clock starting just before the publish: the gateway's queue, its hand-over to the loop,
      the fan-out and the socket to every client; target p99 <= 100 ms over every (event, client);
   b. written through the API (``POST .../status/now``), the clock starting when the POST returns:
      the schedule's outbox relay and the broker hop on top (reported, no target).
   Every client must get every event.

The stack is bench/baseline.py's (``deploy/launcher.py`` in a fresh var dir, free ports, its own broker
namespace, removed afterwards), with ``PTGHUB_GATEWAY_WORKERS`` gateway processes (default 2; each has
its own queue and serves part of the streams). Without ``wrk`` on PATH the GET load comes from an
aiohttp loop in this process instead (said in the output). See bench/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import (DEFAULT_PG_ADMIN, Api, Stack, fmt, load, log, measure_on_stack, percentile,  # noqa: E402
                      rounded, seed, stop_on_sigterm, write_figures)

STATUS = "ptghub.schedule.status.changed"
TARGET_P99_MS = 100.0
MARK = re.compile(r'"now":"bench (\d+) ([ab])"')


class StreamClient:
    """One held stream: when each marked status change reached it."""

    def __init__(self, n: int):
        self.n = n
        self.connected = asyncio.Event()
        self.arrivals: dict[tuple[int, str], float] = {}
        self.heartbeats = 0
        self.closed: str | None = None

    async def run(self, session: aiohttp.ClientSession, url: str) -> None:
        try:
            async with session.get(url, headers={"Accept": "text/event-stream"}) as response:
                if response.status != 200:
                    self.closed = f"status {response.status}"
                    return
                async for line in response.content:
                    arrived = time.perf_counter()
                    if line.startswith(b"data:"):
                        found = MARK.search(line.decode())
                        if found:
                            self.arrivals.setdefault((int(found.group(1)), found.group(2)), arrived)
                    elif line.startswith(b": connected"):
                        self.connected.set()
                    elif line.startswith(b": heartbeat"):
                        self.heartbeats += 1
            self.closed = "ended by the server"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # counted and reported: a stream that broke
            self.closed = repr(exc)


def raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))


def wrk_latency(url: str, duration: float, threads: int = 2, connections: int = 16) -> dict:
    """wrk's requests/s and latency percentiles for ``url``."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(duration)}s", "--latency", url],
                         capture_output=True, text=True, timeout=duration + 60).stdout
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * units[unit]

    figures = {"tool": f"wrk -t{threads} -c{connections} -d{int(duration)}s"}
    for percent in ("50", "90", "99"):
        found = re.search(rf"^\s+{percent}(?:\.000)?%\s+([\d.]+(?:us|ms|s))", out, re.M)
        figures[f"p{percent}_ms"] = rounded(ms(found.group(1))) if found else None
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    figures["requests_per_s"] = float(rate.group(1)) if rate else None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    figures["errors"] = (int(non2xx.group(1)) if non2xx else 0)
    figures["socket_errors"] = errors.group(0) if errors else None
    if figures["p99_ms"] is None:
        raise RuntimeError(f"wrk printed no latency distribution:\n{out}")
    return figures


async def get_load(url: str, duration: float) -> dict:
    if shutil.which("wrk"):
        return await asyncio.to_thread(wrk_latency, url, duration)
    figures = await load(url, clients=16, warmup=1, duration=duration)
    return {"tool": "aiohttp loop (no wrk on PATH), 16 clients", **figures}


class Publisher:
    """Publishes CloudEvents on the run's exchange from its own thread (pika is not thread-safe)."""

    def __init__(self, amqp_url: str, exchange: str):
        import pika

        self.pika = pika
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()
        self.lock = threading.Lock()
        self.exchange = exchange

    def publish(self, envelope: dict) -> float:
        body = json.dumps(envelope).encode()
        with self.lock:
            sent = time.perf_counter()
            self.channel.basic_publish(self.exchange, envelope["type"], body, self.pika.BasicProperties(
                content_type="application/cloudevents+json", delivery_mode=2, message_id=envelope["id"],
                type=envelope["type"]))
        return sent

    def close(self) -> None:
        self.connection.close()


def status_event(slug: str, track: str, text: str) -> dict:
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/ptghub/schedule", "type": STATUS,
            "subject": f"{slug}/{track}", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "datacontenttype": "application/json",
            "data": {"event": slug, "track": track, "name": track, "now": text, "next": [], "location": None,
                     "updated_at": None}}


async def latency_round(kind: str, clients: list[StreamClient], count: int, rate: float, send) -> dict:
    """``count`` marked events of ``kind`` ("a" exchange, "b" API), one every 1/rate s; per (event, client)."""
    sent_at: dict[int, float] = {}
    for n in range(count):
        began = time.perf_counter()
        sent_at[n] = await send(n)
        await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - began)))
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        if all((n, kind) in c.arrivals for c in clients for n in sent_at):
            break
        await asyncio.sleep(0.05)
    latencies = [(c.arrivals[(n, kind)] - sent_at[n]) * 1000 for c in clients for n in sent_at
                 if (n, kind) in c.arrivals]
    missing = len(clients) * count - len(latencies)
    return {"events": count, "clients": len(clients), "deliveries": len(latencies), "missing": missing,
            "p50_ms": rounded(percentile(latencies, 50)), "p99_ms": rounded(percentile(latencies, 99)),
            "max_ms": rounded(max(latencies) if latencies else None)}


async def measure(stack: Stack, args: argparse.Namespace) -> dict:
    raise_file_limit(args.streams * 2 + 256)
    figures: dict = {"streams": args.streams, "gateway_workers": stack.gateway_workers(),
                     "load_at_start": [round(x, 1) for x in os.getloadavg()], "cpus": os.cpu_count()}
    async with aiohttp.ClientSession() as session:
        api = Api(session, stack.gateway, stack.token)
        event = await seed(api, stack.run_id, 0)
        track = event.tracks[0]
        read_url = f"{stack.gateway}/api/v1/events/{event.slug}/sessions?limit=50"
        log(f"GET alone: {read_url}")
        figures["get_alone"] = await get_load(read_url, args.duration)

        stream_url = f"{stack.gateway}/api/v1/events/{event.slug}/stream"
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        streams = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None, sock_connect=30))
        clients = [StreamClient(n) for n in range(args.streams)]
        tasks = []
        try:
            opened = time.perf_counter()
            for client in clients:
                tasks.append(asyncio.ensure_future(client.run(streams, stream_url)))
                if len(tasks) % 50 == 0:
                    await asyncio.sleep(0.05)  # a ramp, not a SYN flood on the listen backlog
            await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)), 60)
            figures["streams_opened_s"] = round(time.perf_counter() - opened, 2)
            log(f"{len(clients)} streams open in {figures['streams_opened_s']} s; GET with them open")
            figures["get_with_streams"] = await get_load(read_url, args.duration)
            figures["streams_open_after_get"] = sum(1 for c in clients if c.closed is None)

            publisher = await asyncio.to_thread(Publisher, stack.amqp_url, stack.exchange)
            try:
                log(f"event -> client: {args.events} events on the exchange at {args.rate}/s")
                figures["exchange_to_client"] = await latency_round(
                    "a", clients, args.events, args.rate,
                    lambda n: asyncio.to_thread(publisher.publish, status_event(event.slug, track, f"bench {n} a")))
            finally:
                await asyncio.to_thread(publisher.close)

            async def write(n: int) -> float:
                async with session.post(f"{api.base}/events/{event.slug}/tracks/{track}/status/now",
                                        json={"text": f"bench {n} b"}, headers=api.headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"POST status/now answered {response.status}")
                    return time.perf_counter()

            log(f"write -> client: {args.events} POST .../status/now at {args.rate}/s")
            figures["write_to_client"] = await latency_round("b", clients, args.events, args.rate, write)
            figures["streams_open_at_end"] = sum(1 for c in clients if c.closed is None)
            broken = [c.closed for c in clients if c.closed]
            figures["streams_broken"] = {"count": len(broken), "first": broken[:3]}
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await streams.close()
    return figures


def summary(figures: dict) -> str:
    alone, loaded = figures["get_alone"], figures["get_with_streams"]
    a, b = figures["exchange_to_client"], figures["write_to_client"]
    ratio = (loaded["p99_ms"] / alone["p99_ms"]) if alone.get("p99_ms") and loaded.get("p99_ms") else None
    verdict = "OK" if a["p99_ms"] is not None and a["p99_ms"] <= TARGET_P99_MS and not a["missing"] else "MISSED"
    lines = [
        f"ptghub live stream bench ({figures['gateway_workers']} gateway workers, {figures['streams']} streams; "
        f"{figures['cpus']} CPUs, load average {'/'.join(map(str, figures['load_at_start']))} at the start)",
        f"  GET sessions?limit=50 alone          {alone['requests_per_s']} req/s, p50 {fmt(alone['p50_ms'])}, "
        f"p99 {fmt(alone['p99_ms'])}  [{alone['tool']}]",
        f"  GET with {figures['streams']} streams open         {loaded['requests_per_s']} req/s, "
        f"p50 {fmt(loaded['p50_ms'])}, p99 {fmt(loaded['p99_ms'])}"
        + (f"  (p99 x{ratio:.2f} of alone)" if ratio else ""),
        f"  streams opened in {figures['streams_opened_s']} s; open after the GET load "
        f"{figures['streams_open_after_get']}, at the end {figures['streams_open_at_end']}",
        f"  exchange -> client ({a['events']} events x {a['clients']} clients = {a['deliveries']} deliveries, "
        f"{a['missing']} missing): p50 {fmt(a['p50_ms'])}, p99 {fmt(a['p99_ms'])}, max {fmt(a['max_ms'])}"
        f"  target p99 <= {TARGET_P99_MS:.0f} ms: {verdict}",
        f"  API write -> client ({b['deliveries']} deliveries, {b['missing']} missing): p50 {fmt(b['p50_ms'])}, "
        f"p99 {fmt(b['p99_ms'])}, max {fmt(b['max_ms'])}  (outbox relay + broker on top)",
    ]
    if figures["streams_broken"]["count"]:
        lines.append(f"  broken streams: {figures['streams_broken']}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="fresh PostgreSQL databases instead of SQLite")
    parser.add_argument("--pg-admin-url", default=os.environ.get("PTGHUB_BENCH_PG_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--streams", "-s", type=int, default=500, help="streams held open")
    parser.add_argument("--duration", "-d", type=float, default=10.0, help="seconds of each GET load")
    parser.add_argument("--events", "-e", type=int, default=40, help="marked events per latency round")
    parser.add_argument("--rate", type=float, default=10.0, help="events per second in a latency round")
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir (logs) afterwards")
    args = parser.parse_args(argv)
    if args.streams < 1 or args.events < 1 or args.rate <= 0 or args.duration < 1:
        parser.error("--streams and --events >= 1, --rate > 0, --duration >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    try:
        figures = measure_on_stack(measure, args, args.postgres)
    except KeyboardInterrupt:
        return 130
    if figures is None:
        return 1
    print(summary(figures), flush=True)
    write_figures(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
