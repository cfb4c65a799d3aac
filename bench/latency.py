"""The fast event path: session change -> webhook delivered, at a paced rate through the gateway,
and one event fanned out to many webhook endpoints.

1. **Paced latency.** A webhook for ``ptghub.schedule.session.scheduled`` to a receiver the bench
   runs; then ``--rate`` session creations per second through the gateway for ``--duration``
   seconds, each sent at its own time (open loop: a slow answer delays no later request). Per
   session: the time from its POST returning 201 to its signed webhook reaching the receiver;
   p50/p99 are checked against the targets (p50 <= 20 ms, p99 <= 100 ms).
2. **Fan-out.** ``--fanout`` webhooks for ``ptghub.schedule.session.updated``, each on its own
   path of the receiver; then one session changed (``PATCH``), ``--fanout-rounds`` times. Per round:
   the time from the PATCH returning to the last of its deliveries, and deliveries per second.

The stack is the one ``bench/baseline.py`` starts (``deploy/launcher.py`` in a fresh var dir, own
ports and broker namespace, removed afterwards). SQLite by default, ``--postgres`` for PostgreSQL,
``--both`` for one run of each. See bench/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import time
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baseline  # noqa: E402
from baseline import (DEFAULT_PG_ADMIN, SCHEDULED, Api, Stack, WebhookReceiver, delivery_stages,  # noqa: E402
                      fmt, log, measure_on_stack, percentile, rounded, seed, stop_on_sigterm, write_figures)

UPDATED = "ptghub.schedule.session.updated"
TARGET_P50_MS, TARGET_P99_MS = 20.0, 100.0


class FanOutReceiver(WebhookReceiver):
    """Counts ``session.updated`` deliveries per event id, on any ``/fan/<n>`` path."""

    def __init__(self):
        super().__init__()
        self.fanned: dict[str, list[float]] = {}  # event id -> perf_counter() of each arrival

    async def handle_fan(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        body = await request.read()
        try:
            envelope = json.loads(body)
        except ValueError:
            return web.Response(status=400)
        if envelope.get("type") == UPDATED:
            self.fanned.setdefault(envelope.get("id"), []).append(arrived)
        return web.Response(status=204)


async def start_receiver(receiver: FanOutReceiver) -> None:
    """Both routes on one loopback port, with a listen backlog for the fan-out's bursts."""
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    app.router.add_post("/fan/{n}", receiver.handle_fan)
    receiver._runner = web.AppRunner(app, access_log=None)
    await receiver._runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    receiver.port = sock.getsockname()[1]
    await web.SockSite(receiver._runner, sock, backlog=1024).start()


async def paced_latency(api: Api, event, receiver: FanOutReceiver, rate: float, duration: float,
                        wait: float) -> dict:
    created = await api.post("/webhooks", {"url": f"http://127.0.0.1:{receiver.port}/hook",
                                           "event_types": [SCHEDULED], "description": "latency receiver"})
    receiver.secret = created.get("secret")
    count = max(1, int(rate * duration))
    returned: dict[str, float] = {}
    returned_wall: dict[str, float] = {}
    post_ms: list[float] = []
    late: list[float] = []
    errors: list[str] = []

    async def change(body: dict) -> None:
        sent = time.perf_counter()
        try:
            session = await api.post(f"/events/{event.slug}/sessions", body)
        except (RuntimeError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            errors.append(repr(exc)[:200])
            return
        done = time.perf_counter()
        returned[session["id"]], returned_wall[session["id"]] = done, time.time()
        post_ms.append((done - sent) * 1000)

    bodies = [event.session_body("Paced session") for _ in range(count)]
    began = time.perf_counter()
    tasks = []
    for n, body in enumerate(bodies):
        due = began + n / rate
        pause = due - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
        late.append(max(0.0, (time.perf_counter() - due) * 1000))
        tasks.append(asyncio.ensure_future(change(body)))
    await asyncio.gather(*tasks)
    sent_for = time.perf_counter() - began
    deadline = time.perf_counter() + wait
    while time.perf_counter() < deadline and not returned.keys() <= receiver.arrived.keys():
        await asyncio.sleep(0.05)
    latencies = [(receiver.arrived[sid] - t) * 1000 for sid, t in returned.items() if sid in receiver.arrived]
    stages = await delivery_stages(api, created["id"], receiver, returned_wall)
    stages_p99 = await delivery_stages(api, created["id"], receiver, returned_wall, p=99)
    return {"rate_per_s": rate, "achieved_rate_per_s": rounded(count / sent_for, 1), "sessions": count,
            "created": len(returned), "received": len(latencies), "errors": errors[:5],
            "p50_ms": rounded(percentile(latencies, 50)), "p99_ms": rounded(percentile(latencies, 99)),
            "max_ms": rounded(max(latencies) if latencies else None),
            "post_p50_ms": rounded(percentile(post_ms, 50)), "post_p99_ms": rounded(percentile(post_ms, 99)),
            "send_late_p99_ms": rounded(percentile(late, 99)),
            "duplicates": receiver.duplicates, "bad_signatures": receiver.bad_signatures,
            "stages_p50_ms": stages, "stages_p99_ms": stages_p99, "target_p50_ms": TARGET_P50_MS, "target_p99_ms": TARGET_P99_MS}


async def fan_out(api: Api, event, receiver: FanOutReceiver, endpoints: int, rounds: int, wait: float) -> dict:
    log(f"fan-out: {endpoints} webhooks for {UPDATED}")
    for n in range(endpoints):
        await api.post("/webhooks", {"url": f"http://127.0.0.1:{receiver.port}/fan/{n}",
                                     "event_types": [UPDATED], "description": f"fan-out {n}"})
    session = await api.post(f"/events/{event.slug}/sessions", event.session_body("Fan-out session"))
    results = []
    for n in range(rounds):
        await asyncio.sleep(0.5)
        async with api.session.patch(f"{api.base}/sessions/{session['id']}", headers=api.headers,
                                     json={"title": f"Fan-out session, change {n + 1}"}) as response:
            if response.status != 200:
                raise RuntimeError(f"PATCH session answered {response.status}: {(await response.text())[:300]}")
        changed = time.perf_counter()
        deadline = changed + wait
        arrived: list[float] = []
        while time.perf_counter() < deadline:
            # the round's event is the one whose arrivals began after the change
            fresh = [times for times in receiver.fanned.values() if times and times[0] >= changed]
            arrived = max(fresh, key=len) if fresh else []
            if len(arrived) >= endpoints:
                break
            await asyncio.sleep(0.01)
        if not arrived:
            results.append({"received": 0})
            continue
        first, last = min(arrived), max(arrived)
        results.append({"received": len(arrived), "first_ms": rounded((first - changed) * 1000),
                        "last_ms": rounded((last - changed) * 1000),
                        "deliveries_per_s": rounded(len(arrived) / (last - changed), 1)})
    best = max((r for r in results if r.get("received")), key=lambda r: r["deliveries_per_s"], default=None)
    return {"endpoints": endpoints, "rounds": results, "best": best}


async def measure(stack: Stack, args: argparse.Namespace) -> dict:
    # idle connections closed before the gateway closes them (a request on one it closed fails)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30),
                                     connector=aiohttp.TCPConnector(limit=64, keepalive_timeout=1)) as session:
        api = Api(session, stack.gateway, stack.token)
        count = int(args.rate * args.duration)
        log(f"seeding an event for {count} sessions")
        # at least as many tracks as rooms, so no slot puts one track in two rooms (a 409)
        baseline.SEED_TRACKS = max(baseline.SEED_TRACKS, baseline.Slots.rooms_for(baseline.SEED_SESSIONS + count + 1))
        event = await seed(api, stack.run_id, count + 1)
        receiver = FanOutReceiver()
        await start_receiver(receiver)
        try:
            await asyncio.sleep(1.0)  # let the seeding's events drain
            log(f"paced latency: {args.rate:g} session changes per second for {args.duration:g} s")
            latency = await paced_latency(api, event, receiver, args.rate, args.duration, args.webhook_wait)
            fanout = None
            if args.fanout:
                fanout = await fan_out(api, event, receiver, args.fanout, args.fanout_rounds, args.webhook_wait)
        finally:
            await receiver.stop()
    return {"run_id": stack.run_id, "database": "postgresql" if stack.postgres else "sqlite",
            "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "session_to_webhook": latency, "fan_out": fanout}


def verdict(w: dict) -> str:
    ok = (w["p50_ms"] is not None and w["p50_ms"] <= TARGET_P50_MS and w["p99_ms"] <= TARGET_P99_MS
          and w["received"] == w["sessions"])
    return "ok" if ok else "MISSED"


def summary(figures: dict) -> str:
    w, f = figures["session_to_webhook"], figures["fan_out"]
    lines = [
        f"=== ptghub event path: {figures['database']}, {figures['cpus']} CPUs, load "
        f"{'/'.join(f'{x:g}' for x in figures['load_average'])} ===",
        f"session -> webhook at {w['rate_per_s']:g}/s: p50 {fmt(w['p50_ms'])}, p99 {fmt(w['p99_ms'])}, "
        f"max {fmt(w['max_ms'])} ({w['received']}/{w['sessions']} received"
        + (f", {w['bad_signatures']} bad signatures" if w["bad_signatures"] else "")
        + (f", {w['duplicates']} duplicates" if w["duplicates"] else "")
        + (f", {len(w['errors'])}+ failed POSTs" if w["errors"] else "")
        + f"; target p50 <= {TARGET_P50_MS:g} ms, p99 <= {TARGET_P99_MS:g} ms) {verdict(w)}",
        *(f"  of which ({p}):       relay+broker+consumer {fmt(w[f'stages_{p}_ms']['to_notify'])}, "
          f"delivery pickup {fmt(w[f'stages_{p}_ms']['dispatch_pickup'])}, HTTP {fmt(w[f'stages_{p}_ms']['http'])}"
          for p in ("p50", "p99")),
        f"  session POST: p50 {fmt(w['post_p50_ms'])}, p99 {fmt(w['post_p99_ms'])}; "
        f"achieved {w['achieved_rate_per_s']:g}/s",
    ]
    if f:
        best = f["best"]
        rounds = ", ".join(f"{r.get('received', 0)} in {fmt(r.get('last_ms'))}" for r in f["rounds"])
        lines.append(
            f"fan-out to {f['endpoints']} endpoints: "
            + (f"{best['deliveries_per_s']:.0f} deliveries/s (best round: first after {fmt(best['first_ms'])}, "
               f"last after {fmt(best['last_ms'])}); rounds: {rounds}" if best else "nothing arrived"))
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL databases instead of SQLite files")
    parser.add_argument("--both", action="store_true", help="one run on SQLite, then one on PostgreSQL")
    parser.add_argument("--pg-admin-url", default=os.environ.get("PTGHUB_BENCH_PG_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--rate", type=float, default=50.0, help="session changes per second")
    parser.add_argument("--duration", "-d", type=float, default=10.0, help="seconds of paced changes")
    parser.add_argument("--fanout", type=int, default=200, help="webhook endpoints of the fan-out test (0: skip)")
    parser.add_argument("--fanout-rounds", type=int, default=3, help="changes fanned out, one after another")
    parser.add_argument("--webhook-wait", type=float, default=30.0, help="seconds to wait for missing webhooks")
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir (logs) afterwards")
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.duration <= 0 or args.fanout < 0:
        parser.error("--rate and --duration must be > 0, --fanout >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_sigterm()
    runs = [False, True] if args.both else [args.postgres]
    results = []
    try:
        for postgres in runs:
            figures = measure_on_stack(measure, args, postgres)
            if figures is None:
                return 1
            results.append(figures)
            print(summary(figures), flush=True)
    except KeyboardInterrupt:
        return 130
    write_figures(results, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
