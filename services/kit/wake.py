"""Waking a loop as soon as there is work for it, across processes, with its poll as the fallback.

A loop waits on a :class:`Wake` (``poll(..., wake=database.bells.wake(channel))``): the wait ends
when the wake is rung or when the loop's interval has passed, whichever comes first. A unit of
work that commits work for a loop rings the loop's channel (``uow.ring(channel)``; a commit that
writes outbox rows rings :data:`OUTBOX` by itself). :class:`Bells`, one per :class:`~.db.Database`,
rings that channel in this process at once and in every other process listening on the same
database:

- **PostgreSQL**: ``pg_notify`` in the committing transaction (so it is delivered only if the
  transaction commits); each listened channel holds one ``LISTEN`` connection and a thread.
- **SQLite**: after the commit, a datagram to each listener's UNIX socket in a directory beside
  the database file (``<file>.wake/``, or a short one under the temp dir when that path is too long
  for a socket address), one socket per listened channel and process.

Several listeners on one channel (several relays on one database) are all woken; their claims
split the work. A ring that is lost (a listener restarting, a full socket buffer, a dropped
``LISTEN`` connection) costs only the wait until the loop's next poll: nothing depends on a
ring arriving. ``PTGHUB_WAKE=off`` turns ringing off (every loop then only polls).
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
import tempfile
import threading
import time
from pathlib import Path

import sqlalchemy as sa

logger = logging.getLogger(__name__)

OUTBOX = "outbox"  # rung by every commit that writes outbox rows; the relay waits on it
STOP_CHECK = 0.2   # a waiting loop notices its stop event at least this often (seconds)
_LISTEN_TIMEOUT = 0.5
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes on Linux, 104 on BSDs


class Wake:
    """What a loop waits on: rung (from any thread) by whoever made work for the loop."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def ring(self) -> None:
        self._event.set()

    def forget(self) -> None:
        """Drop the rings so far: the caller is about to do what they asked for."""
        self._event.clear()

    def wait(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Wait until rung (True, and the ring is used up), ``timeout`` seconds passed or ``stop``
        is set (False). Rings while the caller was busy are kept: the next wait returns at once."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (stop is not None and stop.is_set()):
                return False
            if self._event.wait(min(remaining, STOP_CHECK)):
                self._event.clear()
                return True


class Bells:
    """A database's channels: :meth:`wake` to listen on one, :meth:`before_commit` and
    :meth:`after_commit` (called by the unit of work) to ring some."""

    def __init__(self, url: str, enabled: bool = True):
        self.enabled = enabled
        self._wakes: dict[str, Wake] = {}
        self._lock = threading.Lock()
        self._transport = _transport(url) if enabled else None

    def wake(self, channel: str) -> Wake:
        """The wake of ``channel`` in this process; once this returns, rings from other processes
        reach it (unless ringing is off or the transport is down: then the poll alone finds work)."""
        with self._lock:
            wake = self._wakes.get(channel)
            if wake is None:
                wake = self._wakes[channel] = Wake()
                if self._transport is not None:
                    self._transport.listen(channel, wake)
            return wake

    def listening(self, channel: str) -> bool:
        """Whether rings from other processes reach ``channel``'s wake now."""
        return self._transport is not None and self._transport.listening(channel)

    def before_commit(self, session, channels: set[str]) -> None:
        """Inside the committing transaction (PostgreSQL: the ``NOTIFY``, delivered on commit)."""
        if self._transport is not None and channels:
            self._transport.before_commit(session, channels)

    def after_commit(self, channels: set[str]) -> None:
        """After the commit: this process's wakes, then the other processes' (SQLite). Never raises."""
        if not self.enabled or not channels:
            return
        for channel in channels:
            wake = self._wakes.get(channel)
            if wake is not None:
                wake.ring()
        if self._transport is None:
            return
        try:
            self._transport.after_commit(channels)
        except Exception:  # the commit is done: a lost ring only costs the fallback poll
            logger.warning("ringing %s failed", ", ".join(sorted(channels)), exc_info=True)

    def close(self) -> None:
        with self._lock:
            self._wakes.clear()
            if self._transport is not None:
                self._transport.close()


def _transport(url: str):
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _PostgresNotify(parsed)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return _SocketDoorbells(Path(parsed.database))
    return None


class _Listener:
    """One listened channel: a daemon thread that rings ``wake`` for each signal it receives."""

    def __init__(self, name: str):
        self.closed = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.run, name=name, daemon=True)

    def run(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Ask the thread to end (it does within its listen timeout); :meth:`join` waits for it."""
        self.closed.set()

    def join(self) -> None:
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join(timeout=2 * _LISTEN_TIMEOUT)


def _close_all(listeners: list[_Listener]) -> None:
    for listener in listeners:
        listener.close()
    for listener in listeners:
        listener.join()


# -- SQLite: datagrams on UNIX sockets -------------------------------------------------------------

def socket_directory(database_file: Path) -> Path:
    """Where the listeners of a SQLite database bind their sockets: beside the file, or (when that
    path would not fit a socket address) under the temp dir, named after the file's path."""
    database_file = database_file.resolve()
    beside = database_file.with_name(database_file.name + ".wake")
    if len(str(beside)) + 40 <= _MAX_SOCKET_PATH:
        return beside
    digest = hashlib.sha256(str(database_file).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"ptghub-wake-{os.getuid()}" / digest


class _SocketListener(_Listener):
    def __init__(self, path: Path, wake: Wake):
        super().__init__(f"wake-{path.name}")
        self.path = path
        self.wake = wake
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(path))
        self.socket.settimeout(_LISTEN_TIMEOUT)
        self.ready.set()
        self.thread.start()

    def run(self) -> None:
        try:
            while not self.closed.is_set():
                try:
                    self.socket.recv(64)
                except socket.timeout:
                    continue
                except OSError:
                    return
                if not self.closed.is_set():
                    self.wake.ring()
        finally:
            self.socket.close()
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        super().close()
        try:  # ends the thread's recv now rather than at its timeout
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as poke:
                poke.sendto(b"", str(self.path))
        except OSError:
            pass


class _SocketDoorbells:
    """Listener sockets are named ``<pid>-<random>-<channel>``; ringing sends one byte to each
    socket of the channel but this process's own (rung directly)."""

    def __init__(self, database_file: Path):
        self.directory = socket_directory(database_file)
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)  # a listener whose buffer is full already has rings waiting
        self._listeners: dict[str, _SocketListener] = {}

    def listen(self, channel: str, wake: Wake) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.directory / f"{os.getpid()}-{secrets.token_hex(4)}-{channel}"
            self._listeners[channel] = _SocketListener(path, wake)
        except OSError as exc:
            logger.warning("cannot listen for %s rings in %s (%r); polling only", channel, self.directory, exc)

    def listening(self, channel: str) -> bool:
        listener = self._listeners.get(channel)
        return listener is not None and listener.thread.is_alive()

    def before_commit(self, session, channels: set[str]) -> None:
        pass  # rung after the commit

    def after_commit(self, channels: set[str]) -> None:
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return  # nobody listens
        own = {listener.path.name for listener in self._listeners.values()}
        for name in names:
            parts = name.split("-", 2)
            if len(parts) != 3 or parts[2] not in channels or name in own:
                continue
            path = str(self.directory / name)
            try:
                self._sender.sendto(b"!", path)
            except BlockingIOError:
                pass
            except (ConnectionRefusedError, FileNotFoundError):
                Path(path).unlink(missing_ok=True)  # its listener died without removing it
            except OSError as exc:
                logger.debug("ring to %s lost: %r", path, exc)

    def close(self) -> None:
        listeners, self._listeners = list(self._listeners.values()), {}
        _close_all(listeners)


# -- PostgreSQL: NOTIFY / LISTEN ------------------------------------------------------------------

# every channel of a commit rung in one statement (``:channels``, a list of NOTIFY channel names)
_NOTIFY = sa.text("SELECT pg_notify(channel, '') FROM unnest(CAST(:channels AS text[])) AS channel")


def postgres_channel(channel: str) -> str:
    """The PostgreSQL ``NOTIFY`` channel of ``channel`` (what a trigger notifies to ring it)."""
    return f"ptghub.{channel}"


class _PostgresListener(_Listener):
    """Holds a ``LISTEN`` connection; reconnects (ringing once, for what it may have missed) after
    losing it."""

    def __init__(self, conninfo: str, channel: str, wake: Wake):
        super().__init__(f"wake-{channel}")
        self.conninfo = conninfo
        self.channel = channel
        self.wake = wake
        self.connection = None
        try:
            self.connection = self._connect()  # at once: rings committed from now on reach the wake
        except Exception as exc:
            logger.warning("cannot LISTEN for %s rings (%r); polling until it can", channel, exc)
        self.thread.start()

    def _connect(self):
        import psycopg
        from psycopg import sql

        connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(postgres_channel(self.channel))))
        self.ready.set()
        return connection

    def run(self) -> None:
        failures = 0
        while not self.closed.is_set():
            try:
                if self.connection is None:
                    self.connection = self._connect()
                    self.wake.ring()
                for _notify in self.connection.notifies(timeout=_LISTEN_TIMEOUT):
                    self.wake.ring()
                failures = 0
            except Exception as exc:
                self.ready.clear()
                failures += 1
                if failures == 1:
                    logger.warning("LISTEN for %s rings lost (%r); reconnecting", self.channel, exc)
                self._drop()
                self.closed.wait(min(0.5 * 2 ** failures, 10.0))
        self._drop()

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass


class _PostgresNotify:
    def __init__(self, url: sa.URL):
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._listeners: dict[str, _PostgresListener] = {}

    def listen(self, channel: str, wake: Wake) -> None:
        self._listeners[channel] = _PostgresListener(self.conninfo, channel, wake)

    def listening(self, channel: str) -> bool:
        listener = self._listeners.get(channel)
        return listener is not None and listener.ready.is_set()

    def before_commit(self, session, channels: set[str]) -> None:
        """Every channel's ``NOTIFY`` in one statement, delivered when the transaction commits."""
        session.connection().execute(_NOTIFY, {"channels": [postgres_channel(channel) for channel in sorted(channels)]})

    def after_commit(self, channels: set[str]) -> None:
        pass  # PostgreSQL delivers the NOTIFY with the commit

    def close(self) -> None:
        listeners, self._listeners = list(self._listeners.values()), {}
        _close_all(listeners)
