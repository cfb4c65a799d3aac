"""A search over 2,000 notes of one event, on SQLite (FTS5) and on PostgreSQL (tsvector).

    python bench/search.py [--pg-admin-url URL] [--notes 2000] [--searches 200] [--no-postgres] [--unsettled]

The notes are pad text: each a run of lines (a few KB) of the extraction corpus's own texts
(``bench/extraction.py``'s ``big_note``), taken from a different place for each note, saved through
``operations.notes.edit_note`` (so their items are stored and indexed too), spread over 20 tracks, then indexed as the notes
worker's search indexer does after a save on PostgreSQL, then (PostgreSQL) vacuumed and analysed as
autovacuum would (:func:`settle`).
Then 200 searches of varied terms (common and rare words of the corpus, one and two words, some
filtered by track), each what ``GET /events/{event}/search`` does without Flask: the operation in a
read-only unit of work and the page dumped. Prints p50 and p95 per database. Target: p95 <= 50 ms.
PostgreSQL: a fresh database made (and dropped) through ``--pg-admin-url`` (default:
``$PTGHUB_TEST_PG_URL`` or postgres@127.0.0.1:5432).
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import re
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.notes import DEFAULT_PG_ADMIN, ORGANISER, corpus_note, on_each_database  # noqa: E402
from services.kit.copies import TrackChange  # noqa: E402
from services.kit.db import Database  # noqa: E402
from services.notes.domain import NoteKey  # noqa: E402
from services.notes.operations import copies, notes, search  # noqa: E402
from services.notes.operations.copies import SessionChange  # noqa: E402
from services.notes.schemas.schedule_events import ScheduleSessionSchema  # noqa: E402
from services.notes.schemas.search import SearchResultSchema  # noqa: E402

TARGET_MS = 50.0
TRACKS = [f"track{n:02d}" for n in range(20)]
LINES_PER_NOTE = 80


def note_bodies(count: int) -> list[str]:
    lines = [line for line in corpus_note(count * 3).split("\n")]
    return ["\n".join(lines[(n * 37) % (len(lines) - LINES_PER_NOTE):][:LINES_PER_NOTE]) + "\n" for n in range(count)]


def queries(bodies: list[str], count: int) -> list[tuple[str, str | None]]:
    words = collections.Counter(w.lower() for body in bodies for w in re.findall(r"[A-Za-z]{5,}", body))
    ranked = [w for w, _ in words.most_common()]
    rng = random.Random(7)
    picked = []
    for n in range(count):
        band = ranked[: 50] if n % 3 == 0 else ranked[50: 500] if n % 3 == 1 else ranked[500:] or ranked
        q = rng.choice(band)
        if n % 4 == 0:
            q += " " + rng.choice(ranked[:500])
        picked.append((q, TRACKS[n % len(TRACKS)] if n % 5 == 0 else None))
    return picked


def fill(database: Database, bodies: list[str], settled: bool = True) -> str:
    """Save ``bodies`` as notes of 20 tracks and index them; what was done to the database after (PostgreSQL)."""
    with database.unit_of_work() as uow:
        for slug in TRACKS:
            copies.follow_track(uow, TrackChange("created", f"{slug}-id", "denver", slug, slug.title()), [])
        uow.commit()
    for n, body in enumerate(bodies):
        data = ScheduleSessionSchema().load({
            "id": str(uuid.uuid4()), "event": "denver", "track": TRACKS[n % len(TRACKS)], "room": "aspen",
            "title": f"Session {n}: " + " ".join(body.split()[:4]), "start": "2019-05-02T09:00:00-06:00",
            "end": "2019-05-02T10:45:00-06:00", "timezone": "America/Denver"})
        with database.unit_of_work() as uow:
            copies.follow_session(uow, SessionChange("scheduled", data))
            notes.edit_note(uow, ORGANISER, notes.NoteEdit(NoteKey.of_session(data["id"]), body, 0))
            uow.commit()
    while True:  # what the notes worker's search indexer does after the saves (PostgreSQL; SQLite: nothing)
        with database.unit_of_work() as uow:
            indexed = search.index_saved_notes(uow)
            uow.commit()
        if not indexed:
            break
    if database.engine.dialect.name != "postgresql":
        return ""
    with database.engine.connect() as connection:
        autovacuum = connection.execute(sa.text("SHOW autovacuum")).scalar()
    if not settled:
        return f"; as the fill left it (autovacuum {autovacuum})"
    settle(database)
    return f"; vacuumed and analysed after the fill (autovacuum {autovacuum} on this server)"


def settle(database: Database) -> None:
    """What autovacuum does to tables this size on a PostgreSQL server with its default settings (it
    vacuums and analyses a table once a fifth / a tenth of it changed, within a minute): the planner's
    statistics, and the dead row versions the indexer's updates left. Off on this machine's server
    (``autovacuum = off``), so done here; without it the planner sees a few rows per table."""
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE notes, note_items, tracks"))


def bench(database: Database, bodies: list[str], searches: list[tuple[str, str | None]], settled: bool) -> dict:
    started = time.perf_counter()
    state = fill(database, bodies, settled)
    filled = time.perf_counter() - started
    dump = SearchResultSchema(many=True)
    times, found = [], 0
    for q, track in searches:
        started = time.perf_counter()
        with database.unit_of_work(readonly=True) as uow:
            results, _cursor = search.search_event(uow, search.SearchRequest("denver", q, track, 20))
            page = dump.dump(results)
        times.append((time.perf_counter() - started) * 1000)
        found += bool(page)
    times.sort()
    return {"p50_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95) - 1], "max_ms": times[-1],
            "fill_s": filled, "state": state, "found": found, "searches": len(searches), "notes": len(bodies),
            "avg_chars": sum(map(len, bodies)) // len(bodies)}


def report(name: str, figures: dict) -> bool:
    ok = figures["p95_ms"] <= TARGET_MS
    print(f"{name:10} {figures['searches']} searches over {figures['notes']} notes (~{figures['avg_chars']:,} chars "
          f"each; filled in {figures['fill_s']:.0f} s{figures['state']}; {figures['found']} found something): p50 "
          f"{figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, max {figures['max_ms']:.1f} ms; "
          f"target p95 <= {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--pg-admin-url", "--postgres-url", default=os.environ.get("PTGHUB_TEST_PG_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--unsettled", action="store_true",
                        help="search PostgreSQL as the fill left it: no statistics, the dead row versions kept")
    args = parser.parse_args(argv)
    bodies = note_bodies(args.notes)
    searches = queries(bodies, args.searches)
    ok = on_each_database(lambda database: bench(database, bodies, searches, not args.unsettled), report,
                          None if args.no_postgres else args.pg_admin_url, f"ptghub_bench_search_{os.getpid()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
