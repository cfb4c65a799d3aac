"""SQLAlchemy 2 plumbing: engines, the UTC timestamp type, the kit's own tables and the unit of work.

Each service declares its models on its own ``MetaData`` and calls :func:`add_kit_tables` on it, so
its database also holds the outbox (events waiting for the relay) and the inbox (ids of events
already consumed). :class:`UnitOfWork` commits a change and the events it publishes together, and
then rings the loops that have work because of it (:mod:`.wake`: the relay, a delivery loop).
"""
from __future__ import annotations

import contextvars
import logging
import select
import sqlite3
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from .cloudevents import CloudEvent
from .wake import OUTBOX, Bells

logger = logging.getLogger(__name__)

# The ids of the events the units of work of the current request committed (None outside a request
# that asked for them): a service answers them to the gateway (kit.web), which then knows the change
# it hears of on its queue is one whose write it passed on itself.
committed_events: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("committed_events", default=None)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; ptghub stores aware UTC times only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def add_kit_tables(metadata: sa.MetaData) -> None:
    """The outbox and inbox every service's database carries."""
    sa.Table(
        "outbox", metadata,
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("claim", sa.String(36)),
        sa.Column("claimed_until", UTCDateTime),
        sa.Column("sent_at", UTCDateTime),
        sa.Index("ix_outbox_pending", "sent_at", "seq"),
    )
    sa.Table(
        "inbox", metadata,
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("processed_at", UTCDateTime, nullable=False),
    )


def make_engine(url: str, write_lock_on_begin: bool = True, foreign_keys: bool = True, **kwargs: Any) -> sa.Engine:
    """An engine for ``url``. On SQLite, transactions take the write lock when they begin unless
    ``write_lock_on_begin`` is false (for read-only work, which WAL lets run beside a writer), and
    foreign keys are enforced unless ``foreign_keys`` is false (migrations: a batch operation copies
    a table and drops the old one, which must not cascade to the rows that refer to it)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @sa_event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # Take the write lock when a transaction begins: a deferred transaction that reads and
            # then writes fails outright (SQLITE_BUSY) when another process wrote in between.
            dbapi_connection.isolation_level = None

        @sa_event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            if write_lock_on_begin:
                take_write_lock(connection.connection.dbapi_connection)
            else:
                connection.exec_driver_sql("BEGIN")

        return engine
    engine = sa.create_engine(url, pool_size=10, max_overflow=10, **kwargs)
    sa_event.listen(engine, "checkout", _check_alive)
    return engine


def _check_alive(dbapi_connection, _record, _proxy) -> None:
    """A pooled PostgreSQL connection handed out only once it is known alive, without a round trip
    when nothing says otherwise.

    SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` at every checkout: one more round trip per
    transaction (a session POST holds the event's lock for ~10 of them; on a loaded machine each
    costs a scheduling delay of the server's process). An idle connection in the pool has nothing
    to read, unless the server ended it (a restart, ``pg_terminate_backend``, an idle timeout:
    the server sends its error and closes) or sent a notice. So: the socket is polled (no wait);
    only when it is readable, or psycopg already knows the connection is closed or broken, is the
    connection pinged, and a failed ping has the pool replace it (``DisconnectionError``: the
    checkout is retried with a fresh connection), as pre-ping did. A peer that vanished without a
    word (a cut network) is noticed by the next statement, as it was by pre-ping's own round trip.
    """
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        raise sa.exc.DisconnectionError("the connection is closed")
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError) as exc:
        raise sa.exc.DisconnectionError(f"the connection's socket is gone: {exc!r}") from exc
    if not readable:
        return
    autocommit = dbapi_connection.autocommit
    try:
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.autocommit = autocommit
    except Exception as exc:
        raise sa.exc.DisconnectionError(f"the connection failed its ping: {exc!r}") from exc


def take_write_lock(dbapi_connection, timeout: float = 30.0) -> None:
    """``BEGIN IMMEDIATE`` on a SQLite connection, retried every few milliseconds while another
    connection writes (up to ``timeout`` seconds). SQLite's own busy handler sleeps 1, 2, 5 … 50,
    100 ms between tries, so a writer queued behind a 3 ms transaction (the relay behind an api
    request) often lost 25–100 ms; the rest of the transaction keeps that handler as a safety net."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=0")
        deadline, pause = time.monotonic() + timeout, 0.0005
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.004)
    finally:
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


class Database:
    """An engine, a session factory and the service's metadata, built once per process."""

    def __init__(self, url: str, metadata: sa.MetaData, source: str, wake: bool = True):
        self.url = url
        self.engine = make_engine(url)
        self.metadata = metadata
        self.source = source
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads on SQLite skip the write lock (PostgreSQL uses one engine for both).
        self.read_engine = make_engine(url, write_lock_on_begin=False) if url.startswith("sqlite") else self.engine
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        self.outbox = metadata.tables.get("outbox")  # the gateway's database has neither
        self.inbox = metadata.tables.get("inbox")
        self.outbox_insert = self.outbox.insert() if self.outbox is not None else None
        # built once: the statement of every consumed event (building it costs more than running it)
        self.inbox_insert = _inbox_insert(self.inbox, self.engine.dialect.name) if self.inbox is not None else None
        # the loops waiting for this database's work; ``wake=False``: they only poll
        self.bells = Bells(url, enabled=wake)

    def unit_of_work(self, readonly: bool = False) -> "UnitOfWork":
        return UnitOfWork(self, readonly)

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        self.bells.close()
        self.engine.dispose()
        self.read_engine.dispose()


class UnitOfWork:
    """One database transaction: the state change and the events it publishes commit together.

    Use as a context manager; call :meth:`commit` explicitly, anything else rolls back.
    """

    def __init__(self, database: Database, readonly: bool = False):
        self.database = database
        self.readonly = readonly
        self.session: Session | None = None
        self.events: list[CloudEvent] = []
        self.rings: set[str] = set()
        self.committed: list[Callable[[], None]] = []

    def __enter__(self) -> "UnitOfWork":
        self.session = (self.database.read_sessions if self.readonly else self.database.sessions)()
        self.events = []
        self.rings = set()
        self.committed = []
        return self

    def __exit__(self, *exc_info) -> None:
        self.session.rollback()
        self.session.close()

    def publish(self, event_type: str, data: Any, subject: str | None = None) -> CloudEvent:
        """Queue an event in the outbox; it leaves only if this unit of work commits."""
        cloud_event = CloudEvent(type=event_type, source=self.database.source, data=data, subject=subject)
        self.events.append(cloud_event)
        return cloud_event

    def ring(self, channel: str) -> None:
        """Wake the loops waiting on ``channel`` (any process) once this unit of work commits:
        it made work for them. Events published ring the relay's channel by themselves."""
        self.rings.add(channel)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` in this thread once this unit of work has committed (never if it rolls
        back): work handed on in-process only when what it needs is in the database for sure."""
        self.committed.append(callback)

    def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.session.flush()
        rings = set(self.rings)
        if self.events:
            now = utcnow()
            self.session.connection().execute(
                self.database.outbox_insert,
                [
                    {"event_id": e.id, "event_type": e.type, "payload": e.to_json(), "created_at": now}
                    for e in self.events
                ],
            )
            rings.add(OUTBOX)
        self.database.bells.before_commit(self.session, rings)
        self.session.commit()
        committed = committed_events.get()
        if committed is not None:
            committed.extend(e.id for e in self.events)
        self.events = []
        self.rings = set()
        self.database.bells.after_commit(rings)
        callbacks, self.committed = self.committed, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # committed: what failed to be handed on is found by its poll
                logger.exception("a callback after a commit failed")

    def mark_processed(self, cloud_event: CloudEvent) -> bool:
        """Record in the inbox that this unit of work applies ``cloud_event``; False when it had
        been applied before (nothing is written then). One statement, check and mark together
        (``INSERT ... ON CONFLICT DO NOTHING RETURNING``): a consumer applying the same event
        meanwhile makes this one wait for its commit, and then it is a duplicate here too."""
        values = {"event_id": cloud_event.id, "event_type": cloud_event.type, "processed_at": utcnow()}
        return self.session.connection().execute(self.database.inbox_insert, values).first() is not None


def _inbox_insert(inbox: sa.Table, dialect: str) -> sa.Insert:
    """``INSERT INTO inbox ... ON CONFLICT (event_id) DO NOTHING RETURNING event_id``, its values bound
    at each execution (:meth:`UnitOfWork.mark_processed`)."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (insert(inbox).values({name: sa.bindparam(name) for name in ("event_id", "event_type", "processed_at")})
            .on_conflict_do_nothing(index_elements=[inbox.c.event_id]).returning(inbox.c.event_id))


# The time a claim is made, bound when it runs: a ready condition built once (:class:`Claimer`)
# compares with it, not with a time fixed when the condition was built.
CLAIM_NOW = sa.bindparam("claim_now", type_=UTCDateTime())


class Claimer:
    """Claims up to ``limit`` ready rows of a work table for a lease, in one short transaction;
    its statement is built once (a loop keeps its claimer: building and keying this statement
    costs more than running it).

    The table needs ``claim`` and ``claimed_until`` columns; ``ready`` says which rows are work
    (it may compare with :data:`CLAIM_NOW`, the claim's time). On PostgreSQL the candidate rows are
    locked with ``FOR UPDATE SKIP LOCKED``, so concurrent claimers take disjoint rows; on SQLite the
    single UPDATE statement runs under the database's write lock. The claimability condition is
    repeated in the UPDATE so a row claimed in between is never taken twice. A claimer that dies
    leaves its rows to come back when the lease runs out; one whose work on a batch may outlast
    the lease keeps it with a :class:`LeaseKeeper`. The claimed rows come back from the UPDATE
    itself (``RETURNING``, SQLite 3.35+), sorted by ``order_by``: no second query.
    """

    def __init__(self, table: sa.Table, order_by: sa.ColumnElement, ready: sa.ColumnElement, limit: int):
        self.table = table
        self.order_by = order_by
        claimable = sa.and_(ready, sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < CLAIM_NOW))
        primary_key = list(table.primary_key.columns)[0]
        # A CTE, evaluated once: as an ``IN (subquery)`` PostgreSQL may rescan the subquery for each
        # row it updates, and a rescan's SKIP LOCKED skips the rows this UPDATE just changed, so the
        # LIMIT window slid on and one claim took every ready row (however many ``limit`` said).
        candidates = (
            sa.select(primary_key).where(claimable).order_by(order_by).limit(limit).with_for_update(skip_locked=True)
            .cte(f"{table.name}_candidates").prefix_with("MATERIALIZED")
        )
        self.statement = (
            table.update()
            .where(claimable, primary_key.in_(sa.select(candidates.c[primary_key.name])))
            .values(claim=sa.bindparam("new_claim"), claimed_until=sa.bindparam("claimed_till", type_=UTCDateTime()))
            .returning(*table.columns)
        )

    def claim(self, database: "Database", lease: timedelta, now: datetime | None = None) -> tuple[str, list[sa.Row]]:
        """Claim a batch at ``now`` (default: now) for ``lease``: the claim's id and its rows."""
        now = now or utcnow()
        claim = new_id()
        with database.engine.begin() as connection:
            rows = connection.execute(
                self.statement, {"claim_now": now, "new_claim": claim, "claimed_till": now + lease}).all()
        # RETURNING names the claimed rows in no particular order
        order_by = self.order_by
        return claim, sorted(rows, key=lambda row: (row._mapping[order_by] is None, row._mapping[order_by]))


def claim_batch(
    database: Database,
    table: sa.Table,
    order_by: sa.ColumnElement,
    ready: sa.ColumnElement,
    limit: int,
    lease: timedelta,
) -> tuple[str, list[sa.Row]]:
    """Claim up to ``limit`` ready rows of a work table for ``lease``, once (:class:`Claimer`)."""
    return Claimer(table, order_by, ready, limit).claim(database, lease)


def release_claim(database: Database, table: sa.Table, claim: str, keys: list[Any]) -> None:
    """Give claimed rows back at once (instead of waiting for the lease to run out)."""
    if not keys:
        return
    primary_key = list(table.primary_key.columns)[0]
    with database.engine.begin() as connection:
        connection.execute(
            table.update()
            .where(table.c.claim == claim, primary_key.in_(keys))
            .values(claim=None, claimed_until=None)
        )


def renew_claim(database: Database, table: sa.Table, claim: str, until: datetime) -> int:
    """Extend to ``until`` the lease of the rows still held under ``claim`` (a row whose outcome
    was recorded has given its claim up); returns how many rows it still holds."""
    with database.engine.begin() as connection:
        return connection.execute(
            table.update().where(table.c.claim == claim).values(claimed_until=until)).rowcount


class LeaseKeeper:
    """Keeps a claimed batch's lease from running out while the batch is worked.

    As a context manager it renews the lease in a background thread every third of the lease,
    so no other claimer takes the rows over however long the items take, while a claimer that
    dies still lets them come back within one lease. ``since`` is a time taken before the claim
    was made: the lease surely holds until ``since + lease``, and after each renewal until the
    renewal's start + lease. :meth:`holds` says whether the next item may start: only while the
    lease holds for at least another third of it (renewals that keep failing stop the batch
    before another claimer could take its rows).
    """

    def __init__(self, database: Database, table: sa.Table, claim: str, lease: timedelta, since: datetime):
        self.database = database
        self.table = table
        self.claim = claim
        self.lease = lease
        self.valid_until = since + lease
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def renew(self) -> None:
        started = utcnow()
        try:
            renew_claim(self.database, self.table, self.claim, started + self.lease)
        except (sa.exc.SQLAlchemyError, OSError) as exc:  # the database is away: holds() turns false in time
            logger.warning("renewing the lease of claim %s failed: %r", self.claim, exc)
            return
        with self._lock:
            self.valid_until = max(self.valid_until, started + self.lease)

    def holds(self) -> bool:
        with self._lock:
            return utcnow() + self.lease / 3 <= self.valid_until

    def _run(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            self.renew()

    def __enter__(self) -> "LeaseKeeper":
        self._thread = threading.Thread(target=self._run, name=f"lease-{self.table.name}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
