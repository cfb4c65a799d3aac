"""Exports and the board at gathering scale, through the gateway, cold, warm and with a 304.

    .venv/bin/python bench/exports.py [--postgres] [--samples N] [--json [PATH]]

Starts the stack as ``make run`` does (bench/baseline.py's Stack: own ports, broker namespace and
databases, cleaned up afterwards), builds a gathering of 60 tracks, 40 rooms, 5 days x 8 slots and
2,000 sessions (1,000 from a ptgbot JSON import, 1,000 through the API in half-slots), then times
each export and the board:

- cold: right after a change to the event (its version moves, so nothing cached can answer);
- warm: the same version again, without If-None-Match (a full 200 body);
- 304: with If-None-Match of the current ETag;
and, beside them, the same ptg.json bytes served as a static file by the same gateway.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import DEFAULT_AMQP, DEFAULT_PG_ADMIN, Api, Stack, log  # noqa: E402

TRACKS, ROOMS, DAYS, SLOTS_PER_DAY, SESSIONS = 60, 40, 5, 8, 2000
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
FIRST_HOUR = 8
DENVER = ZoneInfo("America/Denver")


def slot_code(day: int, n: int) -> str:
    return f"{DAY_NAMES[day][:3]}S{n + 1}"


def track_for(room: int, slot: int) -> str:
    return f"team-{(room + slot) % TRACKS + 1}"  # distinct tracks across rooms at any one time


def ptgbot_document(slug: str) -> dict:
    """ptgbot JSON with the grid, the rooms and 1,000 of the sessions (every other cell of each room)."""
    slots = {DAY_NAMES[d]: [{"name": slot_code(d, n), "desc": f"{FIRST_HOUR + n:02d}:00-{FIRST_HOUR + n + 1:02d}:00"}
                            for n in range(SLOTS_PER_DAY)] for d in range(DAYS)}
    schedule = {}
    for r in range(ROOMS):
        room = {"desc": f"Fits a team of {10 + r % 30}"}
        if r % 2 == 0:
            room["url"] = f"https://meet.example.org/{slug}-room-{r + 1}"
        for d in range(DAYS):
            for n in range(SLOTS_PER_DAY):
                s = d * SLOTS_PER_DAY + n
                room[slot_code(d, n)] = track_for(r, s) if (r + s) % 8 < 5 else ""
        schedule[f"Room {r + 1}"] = room
    tracks = [f"team-{t + 1}" for t in range(TRACKS)]
    return {"eventid": slug, "voice": 0, "links": {"venue map": "https://example.org/map.pdf"},
            "motd": [{"level": "info", "message": "Welcome to the bench PTG"}],
            "now": {t: f"discussing item {i}" for i, t in enumerate(tracks[:30])},
            "next": {t: [f"then item {i + 1}"] for i, t in enumerate(tracks[:30])},
            "etherpads": {}, "urls": {}, "colors": {}, "location": {}, "last_check_in": {}, "subscriptions": {},
            "slots": slots, "tracks": tracks, "schedule": schedule}


async def build(api: Api, slug: str, first_day: date) -> int:
    await api.post("/events", {"slug": slug, "name": "Bench gathering", "timezone": "America/Denver",
                               "start_date": first_day.isoformat(),
                               "end_date": (first_day + timedelta(days=DAYS - 1)).isoformat(),
                               "organisers": ["bench"]})
    document = ptgbot_document(slug)
    async with api.session.post(f"{api.base}/events/{slug}/ptgbot/import", json=document,
                                headers=api.headers) as response:
        if response.status not in (200, 201):
            raise RuntimeError(f"import answered {response.status}: {(await response.text())[:500]}")
    imported = sum(1 for room in document["schedule"].values() for k, v in room.items() if k.startswith(tuple("MTWF")) and v)
    # the rest through the API: two half-hour sessions in free cells until there are 2,000
    bodies = []
    for r in range(ROOMS):
        for s in range(DAYS * SLOTS_PER_DAY):
            if (r + s) % 8 < 5:
                continue
            d, n = divmod(s, SLOTS_PER_DAY)
            day = first_day + timedelta(days=d)
            for half in (0, 30):
                start = datetime(day.year, day.month, day.day, FIRST_HOUR + n, half, tzinfo=DENVER)
                end = start + timedelta(minutes=30)
                bodies.append({"track": track_for(r, s), "room": f"room-{r + 1}", "start": start.isoformat(),
                               "end": end.isoformat(),
                               "title": f"Session {len(bodies) + 1}", "kind": "work_session",
                               "moderators": [f"mod{(r + s) % 90}"], "allow_conflict": True})
    bodies = bodies[:SESSIONS - imported]
    queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def poster():
        while not queue.empty():
            await api.post(f"/events/{slug}/sessions", queue.get_nowait())

    await asyncio.gather(*(poster() for _ in range(6)))
    return imported + len(bodies)


async def timed_get(session: aiohttp.ClientSession, url: str, headers: dict | None = None) -> tuple[float, int, str, int]:
    started = time.perf_counter()
    async with session.get(url, headers=headers or {}) as response:
        body = await response.read()
        return (time.perf_counter() - started) * 1000, response.status, response.headers.get("etag", ""), len(body)


def stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], 1),
            "n": len(ordered)}


async def measure(stack: Stack, samples: int) -> dict:
    slug = f"bench-{stack.run_id}"
    first_day = date.today() + timedelta(days=90)
    async with aiohttp.ClientSession() as session:
        api = Api(session, stack.gateway, stack.token)
        started = time.perf_counter()
        total = await build(api, slug, first_day)
        log(f"gathering built: {total} sessions in {time.perf_counter() - started:.0f}s")
        base = f"{stack.gateway}/api/v1/events/{slug}"
        exports = {"ptg.json": "/ptg.json", "schedule.ics": "/schedule.ics",
                   "tracks/team-1/schedule.ics": "/tracks/team-1/schedule.ics",
                   "rooms/room-1/schedule.ics": "/rooms/room-1/schedule.ics",
                   "schedule.xml": "/schedule.xml", "schedule.json": "/schedule.json", "board": "/board"}
        figures: dict = {"sessions": total, "exports": {}}
        for name, path in exports.items():
            cold, warm, not_modified, size = [], [], [], 0
            for i in range(samples):
                # a change to the event: the next GET cannot be served from any cache
                await api.post(f"/events/{slug}/tracks/team-2/status/now", {"text": f"bench {i}"}, expect=200)
                ms, status, etag, size = await timed_get(session, base + path)
                assert status == 200, f"{name}: {status}"
                cold.append(ms)
                ms, status, _etag, _ = await timed_get(session, base + path)
                warm.append(ms)
                for _ in range(5):
                    ms, status, _e, _ = await timed_get(session, base + path, {"If-None-Match": etag} if etag else {})
                    not_modified.append(ms)
                    assert status == (304 if etag else 200), f"{name}: conditional GET answered {status}"
            figures["exports"][name] = {"bytes": size, "cold": stats(cold), "warm": stats(warm),
                                        "conditional": stats(not_modified), "etag": bool(etag)}
            log(f"{name}: cold median {stats(cold)['median_ms']} ms")
        async with session.get(base + "/ptg.json") as response:
            body = await response.read()
        static_dir = stack.var_dir / "static"
        static_dir.mkdir(exist_ok=True)
        (static_dir / "ptg.json").write_bytes(body)
        plain, conditional = [], []
        for _ in range(samples * 5):
            ms, status, etag, _ = await timed_get(session, f"{stack.gateway}/static/ptg.json")
            assert status == 200
            plain.append(ms)
            ms, status, _e, _ = await timed_get(session, f"{stack.gateway}/static/ptg.json", {"If-None-Match": etag})
            assert status == 304
            conditional.append(ms)
        figures["static ptg.json"] = {"bytes": len(body), "warm": stats(plain), "conditional": stats(conditional)}
        return figures


def summary(figures: dict, postgres: bool) -> str:
    lines = [f"exports at scale ({figures['sessions']} sessions, {TRACKS} tracks, {ROOMS} rooms, {DAYS}x{SLOTS_PER_DAY} slots; "
             f"{'PostgreSQL' if postgres else 'SQLite'}; through the gateway), milliseconds median / p95:",
             f"  {'export':28} {'bytes':>9}  {'cold':>15}  {'warm 200':>15}  {'304':>13}"]
    for name, f in figures["exports"].items():
        lines.append(f"  {name:28} {f['bytes']:>9}  {f['cold']['median_ms']:>7} / {f['cold']['p95_ms']:<6} "
                     f"{f['warm']['median_ms']:>7} / {f['warm']['p95_ms']:<6} {f['conditional']['median_ms']:>6} / "
                     f"{f['conditional']['p95_ms']:<6}")
    s = figures["static ptg.json"]
    lines.append(f"  {'static file ptg.json':28} {s['bytes']:>9}  {'-':>15}  {s['warm']['median_ms']:>7} / "
                 f"{s['warm']['p95_ms']:<6} {s['conditional']['median_ms']:>6} / {s['conditional']['p95_ms']:<6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--pg-admin-url", default=os.environ.get("PTGHUB_BENCH_PG_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--samples", type=int, default=10, help="cold samples per export (5 conditional each)")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH")
    args = parser.parse_args(argv)
    stack = Stack(postgres=args.postgres, amqp_url=os.environ.get("PTGHUB_AMQP_URL") or DEFAULT_AMQP,
                  pg_admin_url=args.pg_admin_url)
    failed = True
    try:
        stack.start(180)
        figures = asyncio.run(measure(stack, args.samples))
        failed = False
    finally:
        stack.stop(failed)
    print(summary(figures, args.postgres), flush=True)
    if args.json == "-":
        print(json.dumps(figures))
    elif args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
