"""A 5,000-line note saved 100 times through the notes operation, on SQLite and on PostgreSQL.

    python bench/notes.py [--pg-admin-url URL] [--saves 100] [--no-postgres]

The note is 5,000 lines of the extraction corpus's own texts (``bench/extraction.py``'s ``big_note``:
as dense in items as the labelled texts), saved once, then 100 times with one line edited each time (a
different line each save, as people edit a pad). Each save is what ``PUT .../note`` does without Flask:
``operations.notes.edit_note`` (the body's limit, extraction with the note's people and calendar, the
revision, the items reconciled with the previous ones, the outbox events) and the unit of work's commit.
Prints the median and p95 of a save per database, and the items the note has. Target: median <= 50 ms.
On PostgreSQL the note's search vector is computed after the save, by the worker's indexer: printed
apart, the time that indexer takes for the note once the saves are done.
PostgreSQL: a fresh database made (and dropped) through ``--pg-admin-url`` (default: ``$PTGHUB_TEST_PG_URL``
or postgres@127.0.0.1:5432).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from services.kit.copies import TrackChange  # noqa: E402
from services.kit.db import Database  # noqa: E402
from services.notes.descriptor import DESCRIPTOR  # noqa: E402
from services.notes.domain import NoteKey  # noqa: E402
from services.notes.operations import copies, notes, search  # noqa: E402
from services.notes.operations.copies import SessionChange  # noqa: E402
from services.notes.schemas.schedule_events import ScheduleSessionSchema  # noqa: E402

TARGET_MS = 50.0
DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ORGANISER = {"sub": "bench", "name": "mgoddard", "role": "organiser", "tracks": []}


def corpus_note(lines: int = 5000) -> str:
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "bench" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.big_note(module.load_corpus(), lines)


def bench(database: Database, body: str, saves: int) -> dict:
    with database.unit_of_work() as uow:
        copies.follow_track(uow, TrackChange("created", "kolla-id", "denver", "kolla", "Kolla"),
                            [{"nick": "hrw", "name": "Marcin Juszkiewicz"}, {"nick": "mgoddard"}])
        uow.commit()
    data = ScheduleSessionSchema().load({
        "id": str(uuid.uuid4()), "event": "denver", "track": "kolla", "room": "aspen", "title": "Kolla week",
        "start": "2019-05-02T09:00:00-06:00", "end": "2019-05-04T17:00:00-06:00", "timezone": "America/Denver"})
    with database.unit_of_work() as uow:
        copies.follow_session(uow, SessionChange("scheduled", data))
        uow.commit()
    key = NoteKey.of_session(data["id"])
    lines = body.split("\n")
    times = []
    first = None
    for n in range(saves + 1):
        if n:
            index = (n * 97) % len(lines)
            lines[index] = lines[index] + f" (edit {n})"
        text = "\n".join(lines)
        started = time.perf_counter()
        with database.unit_of_work() as uow:
            notes.edit_note(uow, ORGANISER, notes.NoteEdit(key, text, n))
            uow.commit()
        elapsed = (time.perf_counter() - started) * 1000
        if n:
            times.append(elapsed)
        else:
            first = elapsed
    started = time.perf_counter()
    with database.unit_of_work() as uow:  # what the worker's indexer does after a save (PostgreSQL)
        indexed = search.index_saved_notes(uow)
        uow.commit()
    index_ms = (time.perf_counter() - started) * 1000 if indexed else None
    with database.unit_of_work(readonly=True) as uow:
        items = len(notes.list_items(uow, key))
    times.sort()
    return {"first_ms": first, "median_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95) - 1],
            "items": items, "chars": len(body), "saves": saves, "index_ms": index_ms}


def sqlite_database(directory: str) -> Database:
    database = Database(f"sqlite:///{directory}/notes.db", DESCRIPTOR.metadata, source="/ptghub/notes")
    DESCRIPTOR.metadata.create_all(database.engine)
    return database


def postgres_database(admin_url: str, name: str) -> Database:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database(url, DESCRIPTOR.metadata, source="/ptghub/notes")
    DESCRIPTOR.metadata.create_all(database.engine)
    return database


def drop_postgres(admin_url: str, name: str) -> None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def on_each_database(measure, report, pg_admin_url: str | None, name: str) -> bool:
    """``report(label, measure(database))`` on a fresh SQLite database, then, given ``pg_admin_url``, on a
    fresh PostgreSQL database ``name`` made (and dropped) through it; True when every report met its target."""
    ok = True
    with tempfile.TemporaryDirectory() as directory:
        database = sqlite_database(directory)
        try:
            ok &= report("SQLite", measure(database))
        finally:
            database.dispose()
    if pg_admin_url:
        database = postgres_database(pg_admin_url, name)
        try:
            ok &= report("PostgreSQL", measure(database))
        finally:
            database.dispose()
            drop_postgres(pg_admin_url, name)
    return ok


def report(name: str, figures: dict) -> bool:
    ok = figures["median_ms"] <= TARGET_MS
    print(f"{name:10} {figures['saves']} saves of a 5,000-line note ({figures['chars']:,} chars, "
          f"{figures['items']} items): median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
          f"first save {figures['first_ms']:.0f} ms; target median <= {TARGET_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    if figures["index_ms"] is not None:
        print(f"{'':10} then the worker's search indexer filled the note's vector in {figures['index_ms']:.1f} ms "
              "(after the save, not in it)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--pg-admin-url", default=os.environ.get("PTGHUB_TEST_PG_URL", DEFAULT_PG_ADMIN))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    body = corpus_note()
    ok = on_each_database(lambda database: bench(database, body, args.saves), report,
                          None if args.no_postgres else args.pg_admin_url, f"ptghub_bench_notes_{os.getpid()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
