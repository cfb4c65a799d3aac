"""The reminder sweep at gathering scale, on SQLite and on PostgreSQL.

    python bench/reminders.py [--pg-admin-url URL] [--no-postgres] [--actions 100000] [--owners 20000] [--due 1000]

100,000 open actions for 20,000 people (each action one owner, each person five actions), every
owner already sent its ``assigned`` notice (100,000 rows in ``reminders``), 1,000 owners due a
reminder now (their action is due in three days, 10:00 in Denver), the rest planned for the weeks
ahead. Then one sweep (``timers.sweep_due``: batches of 500, each its own transaction) is timed,
the query plans of the due set and of a person's due rows are printed (EXPLAIN QUERY PLAN /
EXPLAIN), and the digests queued are counted. Target: the sweep <= 1 s (wall clock; the process's
CPU time is printed too, as other load on the machine stretches the wall clock). PostgreSQL: a fresh
database made (and dropped) through ``--pg-admin-url`` (default ``$PTGHUB_BENCH_PG_URL`` or
postgres@127.0.0.1:5432).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from services.actions import store  # noqa: E402
from services.actions.descriptor import DESCRIPTOR  # noqa: E402
from services.actions.store import reminders as reminder_store  # noqa: E402
from services.actions.timers import sweep_due  # noqa: E402
from services.kit.db import Database  # noqa: E402

DEFAULT_PG_ADMIN = os.environ.get("PTGHUB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGET_S = 1.0
UTC = timezone.utc
NOW = datetime(2026, 6, 17, 16, 0, tzinfo=UTC)  # 10:00 in Denver
CREATED = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
DIGEST = "ptghub.actions.action.reminder.due"


def fill(database: Database, actions: int, owners: int, due: int) -> None:
    rng = random.Random(8)
    people = [{"id": str(uuid.uuid4()), "nick": f"p{n:05d}", "nick_key": f"p{n:05d}", "name": f"Person {n}",
               "email": f"p{n:05d}@example.org", "timezone": "America/Denver", "reminders": True, "version": 1,
               "created_at": CREATED, "updated_at": CREATED} for n in range(owners)]
    due_rows = set(rng.sample(range(actions), due))
    action_rows, owner_rows, sent_rows = [], [], []
    for n in range(actions):
        person = people[n % owners]
        action_id, owner_id = str(uuid.uuid4()), str(uuid.uuid4())
        if n in due_rows:
            due_date, next_at = date(2026, 6, 20), NOW - timedelta(minutes=1)
        else:
            due_date = date(2026, 7, 1) + timedelta(days=rng.randrange(60))
            next_at = NOW + timedelta(hours=rng.randrange(1, 24 * 40))
        action_rows.append({"id": action_id, "title": f"action {n}", "description": "", "event": "denver",
                            "track": f"track{n % 40:02d}", "status": "open", "due_date": due_date,
                            "source_removed": False, "edited": False, "version": 1, "created_at": CREATED,
                            "updated_at": CREATED})
        owner_rows.append({"id": owner_id, "action_id": action_id, "position": 0, "name": person["nick"],
                           "key": person["nick_key"], "person_id": person["id"], "next_reminder_at": next_at})
        sent_rows.append({"id": str(uuid.uuid4()), "owner_id": owner_id, "action_id": action_id,
                          "person_id": person["id"], "reason": "assigned", "digest_id": str(uuid.uuid4()),
                          "sent_at": CREATED})
    with database.engine.begin() as connection:
        for table, rows in ((store.Person.__table__, people), (store.Action.__table__, action_rows),
                            (store.ActionOwner.__table__, owner_rows), (store.Reminder.__table__, sent_rows)):
            for start in range(0, len(rows), 5000):
                connection.execute(table.insert(), rows[start:start + 5000])
    with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
        else:
            connection.execute(sa.text("ANALYZE"))
            connection.commit()


def plans(database: Database) -> dict[str, list[str]]:
    """The plans of the sweep's two reading queries: the due set, and the due rows of its people."""
    dialect = database.engine.dialect
    with database.engine.connect() as connection:
        some_people = [row.person_id for row in connection.execute(reminder_store.due_set(NOW, 500))][:50]
        owners_of = (sa.select(store.ActionOwner.id).where(store.ActionOwner.person_id.in_(some_people),
                                                           store.ActionOwner.next_reminder_at <= NOW))
        found = {}
        for name, statement in (("due set", reminder_store.due_set(NOW, 500)), ("due rows of its people", owners_of)):
            sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            if dialect.name == "sqlite":
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
                found[name] = [row[-1] for row in rows]
            else:
                rows = connection.exec_driver_sql(f"EXPLAIN {sql}").all()
                found[name] = [row[0] for row in rows]
    return found


def bench(database: Database, args) -> dict:
    started = time.perf_counter()
    fill(database, args.actions, args.owners, args.due)
    filled = time.perf_counter() - started
    query_plans = plans(database)
    started, cpu = time.perf_counter(), time.process_time()
    totals = sweep_due(database, NOW)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with database.engine.connect() as connection:
        digests = [json.loads(payload)["data"] for (payload,) in connection.execute(
            sa.select(database.outbox.c.payload).where(database.outbox.c.event_type == DIGEST))]
        reminders = connection.scalar(sa.select(sa.func.count()).select_from(store.Reminder))
        still_due = connection.scalar(sa.select(sa.func.count()).select_from(store.ActionOwner)
                                      .where(store.ActionOwner.next_reminder_at <= NOW))
    started = time.perf_counter()
    again = sweep_due(database, NOW)
    second = time.perf_counter() - started
    return {"fill_s": filled, "sweep_s": seconds, "sweep_cpu_s": cpu, "load": os.getloadavg()[0], "batches": totals.batches, "planned": totals.planned,
            "digests": len(digests), "items": sum(len(d["items"]) for d in digests),
            "reminders_recorded": reminders - args.actions, "still_due": still_due,
            "second_sweep_s": second, "second_sweep_digests": again.digests, "plans": query_plans}


def report(name: str, figures: dict) -> bool:
    ok = figures["sweep_s"] <= TARGET_S
    print(f"{name}: filled in {figures['fill_s']:.1f} s; one sweep {figures['sweep_s'] * 1000:.0f} ms "
          f"(this process's CPU {figures['sweep_cpu_s'] * 1000:.0f} ms; load average {figures['load']:.1f}; "
          f"{figures['batches']} batches, {figures['planned']} owner rows planned) -> {figures['digests']} digests "
          f"with {figures['items']} items, {figures['reminders_recorded']} reminders recorded, "
          f"{figures['still_due']} still due; a second sweep {figures['second_sweep_s'] * 1000:.0f} ms, "
          f"{figures['second_sweep_digests']} digests; target <= {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}")
    for query, lines in figures["plans"].items():
        print(f"  plan of the {query}:")
        for line in lines:
            print(f"    {line if len(line) <= 160 else line[:157] + '...'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--owners", type=int, default=20_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args()
    print(f"{args.actions:,} open actions, {args.owners:,} owners, {args.due:,} due now")
    ok = True
    with tempfile.TemporaryDirectory() as directory:
        database = Database(f"sqlite:///{directory}/actions.db", DESCRIPTOR.metadata, source="/ptghub/actions")
        DESCRIPTOR.metadata.create_all(database.engine)
        ok &= report("SQLite", bench(database, args))
        database.dispose()
    if not args.no_postgres:
        name = f"bench_{uuid.uuid4().hex[:8]}_reminders"
        admin = sa.create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = sa.make_url(args.pg_admin_url).set(database=name).render_as_string(hide_password=False)
            database = Database(url, DESCRIPTOR.metadata, source="/ptghub/actions")
            DESCRIPTOR.metadata.create_all(database.engine)
            ok &= report("PostgreSQL", bench(database, args))
            database.dispose()
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
