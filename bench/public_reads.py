"""Public reads from the gateway's own cache (gateway/public_reads.py) beside its static files, with wrk.

    .venv/bin/python bench/public_reads.py [--postgres] [--duration 5] [--samples 20]

Starts the stack as ``make run`` does (bench/baseline.py's Stack), builds bench/exports.py's gathering
(60 tracks, 40 rooms, 5 x 8 slots, 2,000 sessions), then, against the same gateway in one run:

1. Throughput with wrk (``-t2 -c16``, a C load generator: a Python client would take the cores the
   gateway needs), anonymous GETs: ``/healthz``; a 50-session listing served from the cache and the
   same bytes as a static file (``/static/...``); ptg.json from the cache and the same bytes as a
   static file. Target: a cached public read >= 0.5x the static file's throughput for the same bytes.
2. The first read after a change: a change to the event through the gateway (a track's ``now``;
   then a session's title), then at once an anonymous GET of ptg.json, timed and checked fresh (a
   new ETag, and the track's new ``now`` in it: ``stale`` counts reads that were not); beside it the
   same bytes from the static file. Target: the first read after a change <= 3x the static file's median.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import DEFAULT_AMQP, DEFAULT_PG_ADMIN, Api, Stack, log  # noqa: E402
from exports import build  # noqa: E402

WRK_THREADS, WRK_CONNECTIONS = 2, 16


def wrk(url: str, duration: float) -> dict:
    """Requests per second and latency of wrk against ``url`` (anonymous GETs, keep-alive)."""
    out = subprocess.run(["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration:g}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)

    def ms(match):
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": rate, "non_2xx": int(errors.group(1)) if errors else 0, "p50_ms": ms(p50), "p99_ms": ms(p99)}


async def fetch(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url) as response:
        assert response.status == 200, f"GET {url}: {response.status}"
        return await response.read()


async def timed(session: aiohttp.ClientSession, url: str) -> float:
    started = time.perf_counter()
    async with session.get(url) as response:
        await response.read()
        assert response.status == 200, f"GET {url}: {response.status}"
    return (time.perf_counter() - started) * 1000


async def timed_body(session: aiohttp.ClientSession, url: str) -> tuple[float, bytes, str]:
    started = time.perf_counter()
    async with session.get(url) as response:
        body = await response.read()
        assert response.status == 200, f"GET {url}: {response.status}"
    return (time.perf_counter() - started) * 1000, body, response.headers.get("etag", "")


async def patch(api: Api, path: str, body: dict) -> None:
    async with api.session.patch(api.base + path, json=body, headers=api.headers) as response:
        text = await response.text()
        if response.status != 200:
            raise RuntimeError(f"PATCH {path} answered {response.status}: {text[:500]}")


async def head(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        await response.read()
        return response.headers.get("etag", "")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def measure(stack: Stack, duration: float, samples: int) -> list[str]:
    slug = f"bench-{stack.run_id}"
    lines = []
    async with aiohttp.ClientSession() as session:
        api = Api(session, stack.gateway, stack.token)
        started = time.perf_counter()
        total = await build(api, slug, date.today() + timedelta(days=90))
        log(f"gathering built: {total} sessions in {time.perf_counter() - started:.0f}s")
        base = f"{stack.gateway}/api/v1/events/{slug}"
        reads = {"50-session listing": f"{base}/sessions?limit=50", "ptg.json": f"{base}/ptg.json"}
        static_dir = stack.var_dir / "static"
        static_dir.mkdir(exist_ok=True)
        statics = {}
        for name, url in reads.items():
            body = await fetch(session, url)
            file = static_dir / (re.sub(r"\W+", "-", name) + ".json")
            file.write_bytes(body)
            statics[name] = (f"{stack.gateway}/static/{file.name}", len(body))

        health = wrk(f"{stack.gateway}/healthz", duration)
        lines.append(f"  {'/healthz':34} {health['rps']:>9,.0f} req/s  p50 {health['p50_ms']:.2f} ms  "
                     f"p99 {health['p99_ms']:.2f} ms")
        ok = True
        for name, url in reads.items():
            static_url, size = statics[name]
            static = wrk(static_url, duration)
            cached = wrk(url, duration)
            ratio = cached["rps"] / static["rps"]
            ok &= ratio >= 0.5 and not cached["non_2xx"]
            lines.append(f"  {'static file, ' + name:34} {static['rps']:>9,.0f} req/s  p50 {static['p50_ms']:.2f} ms  "
                         f"p99 {static['p99_ms']:.2f} ms  ({size:,} bytes)")
            lines.append(f"  {'cached, ' + name:34} {cached['rps']:>9,.0f} req/s  p50 {cached['p50_ms']:.2f} ms  "
                         f"p99 {cached['p99_ms']:.2f} ms  ratio {ratio:.2f} (target >= 0.5) "
                         f"{'ok' if ratio >= 0.5 else 'MISSED'}{'' if not cached['non_2xx'] else ' NON-2XX'}")

        static_url = statics["ptg.json"][0]
        listing = await api.get(f"/events/{slug}/sessions?limit=1")
        session_id = listing["items"][0]["id"]
        changes = {
            "a track's now": lambda i: api.post(f"/events/{slug}/tracks/team-2/status/now", {"text": f"bench {i}"},
                                                expect=200),
            "a session's title": lambda i: patch(api, f"/sessions/{session_id}", {"title": f"bench {i}"}),
        }
        for what, change in changes.items():
            first, static_ms, stale = [], [], 0
            tag = (await head(session, reads["ptg.json"]))
            for i in range(samples):
                await change(i)
                took, body, new_tag = await timed_body(session, reads["ptg.json"])
                first.append(took)
                # fresh: the first read after the change shows it (a new version; the track's new now)
                stale += new_tag == tag or (what == "a track's now" and f'"bench {i}"'.encode() not in body)
                tag = new_tag
                static_ms.append(await timed(session, static_url))
                await asyncio.sleep(0.05)
            first_median, static_median = statistics.median(first), statistics.median(static_ms)
            ratio = first_median / static_median
            lines.append(f"  first ptg.json read after {what}: median {first_median:.1f} ms, p90 "
                         f"{percentile(first, 0.9):.1f} ms, max {max(first):.1f} ms; static file median "
                         f"{static_median:.1f} ms; ratio {ratio:.1f} (target <= 3) {'ok' if ratio <= 3 else 'MISSED'}; "
                         f"stale {stale}/{samples}")
        lines.insert(0, f"public reads ({total} sessions; {'PostgreSQL' if stack.postgres else 'SQLite'}; wrk "
                        f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{duration:g}s, anonymous; load "
                        f"{os.getloadavg()[0]:.1f}):")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--pg-admin-url", default=os.environ.get("PTGHUB_BENCH_PG_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--samples", type=int, default=20, help="changes, each followed by a first read")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("bench/public_reads.py needs wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    stack = Stack(postgres=args.postgres, amqp_url=os.environ.get("PTGHUB_AMQP_URL") or DEFAULT_AMQP,
                  pg_admin_url=args.pg_admin_url)
    failed = True
    try:
        stack.start(180)
        lines = asyncio.run(measure(stack, args.duration, args.samples))
        failed = False
    finally:
        stack.stop(failed)
    print("\n".join(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
