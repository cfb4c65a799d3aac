"""``make bench``: start the whole ptghub stack as ``make run`` does and measure two baseline figures.

1. Throughput of one schedule read (``GET /events/<slug>/sessions?limit=50``, 50 small JSON objects)
   straight on the schedule service's port and through the gateway (``/api/v1/...``), with p50/p99
   latency, and the ratio gateway/direct (DESIGN.md 4b expects the proxy hop to keep >= 0.5).
2. Event latency: the time from a ``POST /api/v1/events/<slug>/sessions`` returning 201 to the
   arrival of its ``ptghub.schedule.session.scheduled`` webhook at a receiver the bench runs.

The stack runs from ``deploy/launcher.py`` in a fresh temporary PTGHUB_VAR_DIR, on free loopback
ports, with its own broker namespace (exchange ``bench-<id>.ptghub.events``, queue prefix
``bench-<id>``), an explicit organiser token and an SMTP sink the bench runs itself. SQLite by
default; ``--postgres`` gives every service a fresh database on 127.0.0.1:5432. The stack, the
broker queues/exchanges and the databases are removed afterwards, on error too.

See bench/README.md for how to read the figures.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

from services.kit import identity

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("schedule", "notes", "actions", "notify")
DATABASES = SERVICES + ("gateway",)
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SCHEDULED = "ptghub.schedule.session.scheduled"
TIMEZONE = "America/Denver"
EVENT_DAYS = 5
SLOT = timedelta(minutes=30)
DAY_FROM, DAY_TO = 8, 18          # sessions between 08:00 and 18:00 local time: 20 slots a day
SEED_ROOMS, SEED_TRACKS, SEED_SESSIONS = 4, 5, 50
READ_LIMIT = 50


def log(message: str) -> None:
    try:
        print(f"bench: {message}", file=sys.stderr, flush=True)
    except OSError:  # stderr gone (a closed pipe): carry on, clean-up matters more than progress lines
        pass


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports nothing listens on now (the kernel's choice for a bind to port 0)."""
    sockets, ports = [], []
    try:
        while len(ports) < count:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()
    return ports


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of ``values`` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cpu_busy(seconds: float = 1.0) -> float | None:
    """The share of all CPUs busy over ``seconds`` (from /proc/stat; None where there is none)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        return sum(values), values[3] + (values[4] if len(values) > 4 else 0)  # total, idle + iowait

    try:
        total1, idle1 = sample()
        time.sleep(seconds)
        total2, idle2 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle2 - idle1) / (total2 - total1) if total2 > total1 else None


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


# -- the stack ---------------------------------------------------------------------------------

class CountingMailSink:
    """aiosmtpd handler: accepts every mail and only counts it (nothing in this bench should mail)."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 Message accepted for delivery"


@dataclass
class Stack:
    """One bench run's ptghub: ports, namespace, databases, SMTP sink and the launcher process."""

    postgres: bool
    amqp_url: str
    pg_admin_url: str
    keep: bool = False
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    token: str = field(default_factory=lambda: "ptg_bench_" + secrets.token_urlsafe(24))
    # the key the gateway signs principals with; the direct read signs its own public one with it
    internal_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    ports: dict[str, int] = field(default_factory=dict)
    var_dir: Path | None = None
    databases: list[str] = field(default_factory=list)
    launcher: subprocess.Popen | None = None
    launcher_lines: list[str] = field(default_factory=list)
    smtp: object | None = None
    mail: CountingMailSink = field(default_factory=CountingMailSink)
    load_at_start: list[float] = field(default_factory=lambda: [round(x, 2) for x in os.getloadavg()])
    busy_at_start: float | None = None
    _up: threading.Event = field(default_factory=threading.Event)
    _reader: threading.Thread | None = None

    @property
    def exchange(self) -> str:
        return f"bench-{self.run_id}.ptghub.events"

    @property
    def queue_prefix(self) -> str:
        return f"bench-{self.run_id}"

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def schedule(self) -> str:
        return f"http://127.0.0.1:{self.ports['schedule']}"

    def public_principal(self, ttl: int) -> dict[str, str]:
        """The header the gateway sends for an anonymous read of the schedule, signed as it signs
        (HS256 JWT, audience ``schedule``), valid ``ttl`` seconds: a direct read then costs the
        service what a proxied one does."""
        token = identity.sign(identity.PUBLIC, audience="schedule", ttl=ttl, key=self.internal_key.encode())
        return {identity.HEADER: token}

    # -- start ---------------------------------------------------------------------------------
    def start(self, timeout: float, attempts: int = 3) -> None:
        self.busy_at_start = cpu_busy()
        self.var_dir = Path(tempfile.mkdtemp(prefix=f"ptghub-bench-{self.run_id}-"))
        self.ports["smtp"] = free_ports(1)[0]
        self._start_smtp()
        database_urls = {}
        if self.postgres:
            for service in DATABASES:
                database_urls[f"PTGHUB_{service.upper()}_DATABASE_URL"] = self._create_database(service)
        for attempt in range(1, attempts + 1):
            # Ports are free when picked; another program (a concurrent test run) may take one before
            # the launcher binds it. The launcher then refuses to start: pick again.
            self.ports.update(zip(("gateway",) + SERVICES, free_ports(1 + len(SERVICES))))
            log(f"run {self.run_id}: var dir {self.var_dir}, ports "
                + ", ".join(f"{k} {v}" for k, v in self.ports.items())
                + f", {'PostgreSQL' if self.postgres else 'SQLite'}")
            if self._launch({**self._environment(), **database_urls}, timeout):
                return
            if attempt < attempts:
                log("a port was taken meanwhile; trying again with other ports")
        raise RuntimeError(f"the stack did not start in {attempts} attempts:\n" + self.launcher_tail())

    def _launch(self, env: dict[str, str], timeout: float) -> bool:
        """Start the launcher and wait for "ptghub is up": True; False when a port was taken."""
        self._up.clear()
        self.launcher_lines.clear()
        self.launcher = subprocess.Popen(
            [sys.executable, "deploy/launcher.py"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            start_new_session=True)  # the bench alone decides when it stops (SIGTERM in stop())
        self._reader = threading.Thread(target=self._read_launcher, args=(self.launcher,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._up.wait(0.2):
            if self.launcher.poll() is not None:
                self._reader.join(timeout=5)
                output = "\n".join(self.launcher_lines)
                if "is taken by another program" in output or "Address already in use" in output:
                    return False
                raise RuntimeError(f"the launcher exited ({self.launcher.returncode}) before the stack was up:\n"
                                   + self.launcher_tail())
            if time.monotonic() > deadline:
                raise RuntimeError(f"no 'ptghub is up' within {timeout:.0f}s:\n" + self.launcher_tail())
        return True

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               # a caller's service URLs or databases would point this run at another stack
               if not (k.startswith("PTGHUB_") and (k.endswith("_URL") or k.endswith("_PORT")))
               or k == "PTGHUB_AMQP_URL"}
        env.update({
            "PTGHUB_VAR_DIR": str(self.var_dir),
            "PTGHUB_AMQP_URL": self.amqp_url,
            "PTGHUB_EXCHANGE": self.exchange,
            "PTGHUB_QUEUE_PREFIX": self.queue_prefix,
            "PTGHUB_BOOTSTRAP_TOKEN": self.token,
            "PTGHUB_INTERNAL_KEY": self.internal_key,
            "PTGHUB_WEBHOOK_ALLOW": "127.0.0.1/32",
            "PTGHUB_SMTP_URL": f"smtp://127.0.0.1:{self.ports['smtp']}",
            "PTGHUB_RATE_LIMIT": os.environ.get("PTGHUB_RATE_LIMIT", "0"),  # load from one address: not limited
            "PYTHONUNBUFFERED": "1",
        })
        for name in ("gateway",) + SERVICES:
            env[f"PTGHUB_{name.upper()}_PORT"] = str(self.ports[name])
        return env

    def _start_smtp(self) -> None:
        from aiosmtpd.controller import Controller

        self.smtp = Controller(self.mail, hostname="127.0.0.1", port=self.ports["smtp"])
        self.smtp.start()

    def _create_database(self, service: str) -> str:
        import sqlalchemy as sa

        name = f"bench_{self.run_id}_{service}"
        engine = sa.create_engine(self.pg_admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        self.databases.append(name)
        return sa.make_url(self.pg_admin_url).set(database=name).render_as_string(hide_password=False)

    def _read_launcher(self, launcher: subprocess.Popen) -> None:
        log_file = open(self.var_dir / "launcher.out", "a")
        with log_file:
            for line in launcher.stdout:
                log_file.write(line)
                log_file.flush()
                self.launcher_lines.append(line.rstrip("\n"))
                if "ptghub is up" in line:
                    self._up.set()

    def launcher_tail(self, lines: int = 40) -> str:
        return "\n".join(self.launcher_lines[-lines:])

    def gateway_workers(self) -> str:
        return os.environ.get("PTGHUB_GATEWAY_WORKERS") or "2"

    def api_workers(self) -> str:
        return f"{os.environ.get('PTGHUB_API_WORKERS') or '1'}x{os.environ.get('PTGHUB_API_THREADS') or '8'} threads"

    # -- stop ----------------------------------------------------------------------------------
    def stop(self, failed: bool) -> None:
        """Everything this run started goes, each step on its own so one failure skips none."""
        for step in (self._stop_launcher, self._clean_broker, self._drop_databases, self._stop_smtp):
            try:
                step()
            except Exception as exc:  # report and go on cleaning
                log(f"clean-up step {step.__name__} failed: {exc!r}")
        if self.var_dir and self.var_dir.exists():
            if failed or self.keep:
                log(f"kept {self.var_dir} (logs in {self.var_dir / 'log'})")
            else:
                shutil.rmtree(self.var_dir, ignore_errors=True)

    def _stop_launcher(self) -> None:
        if self.launcher is not None and self.launcher.poll() is None:
            self.launcher.send_signal(signal.SIGTERM)
            try:
                self.launcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log("the launcher did not stop within 30 s; killing it and its children")
                self.launcher.kill()
                self.launcher.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)
        # The launcher removes its pid files once its children are gone: any left means a child survived.
        run_dir = self.var_dir / "run" if self.var_dir else None
        for pid_file in sorted(run_dir.glob("*.pid")) if run_dir and run_dir.exists() else []:
            try:
                pid = int(pid_file.read_text().strip())
                os.killpg(pid, signal.SIGKILL)  # each child leads its own session (start_new_session)
                log(f"killed left-over {pid_file.stem} (pid {pid})")
            except (ValueError, ProcessLookupError, PermissionError):
                pass
            pid_file.unlink(missing_ok=True)

    def _clean_broker(self) -> None:
        import pika
        from pika.exceptions import AMQPError

        targets = [("queue", f"{self.queue_prefix}.{s}{suffix}") for s in SERVICES for suffix in ("", ".dead")]
        targets += [("exchange", self.exchange), ("exchange", f"{self.exchange}.dead")]
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url))
        try:
            for kind, name in targets:
                channel = connection.channel()  # a channel each: a broker refusal closes only that one
                try:
                    if kind == "queue":
                        channel.queue_delete(queue=name)
                    else:
                        channel.exchange_delete(exchange=name)
                except AMQPError:
                    pass
                finally:
                    if channel.is_open:
                        channel.close()
        finally:
            connection.close()

    def _drop_databases(self) -> None:
        if not self.databases:
            return
        import sqlalchemy as sa

        engine = sa.create_engine(self.pg_admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for name in self.databases:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()
        self.databases.clear()

    def _stop_smtp(self) -> None:
        if self.smtp is not None:
            self.smtp.stop()
            self.smtp = None


# -- seeding -----------------------------------------------------------------------------------

class Api:
    """The public API through the gateway, as the organiser."""

    def __init__(self, session: aiohttp.ClientSession, gateway: str, token: str):
        self.session, self.base = session, gateway + "/api/v1"
        self.headers = {"Authorization": f"Bearer {token}"}

    async def get(self, path: str) -> dict:
        async with self.session.get(self.base + path, headers=self.headers) as response:
            text = await response.text()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}: {text[:500]}")
            return json.loads(text)

    async def post(self, path: str, body: dict, expect: int = 201) -> dict:
        async with self.session.post(self.base + path, json=body, headers=self.headers) as response:
            text = await response.text()
            if response.status != expect:
                raise RuntimeError(f"POST {path} answered {response.status}: {text[:500]}")
            return json.loads(text)


class Slots:
    """Free (room, start) slots of the event, 30 minutes each, in order: day, time of day, room."""

    def __init__(self, first_day: date, rooms: list[str]):
        zone = ZoneInfo(TIMEZONE)
        self._slots = [
            (room, datetime(day.year, day.month, day.day, DAY_FROM, tzinfo=zone) + n * SLOT)
            for day in (first_day + timedelta(days=d) for d in range(EVENT_DAYS))
            for n in range(int((DAY_TO - DAY_FROM) * 3600 // SLOT.total_seconds()))
            for room in rooms
        ]
        self._next = 0

    @staticmethod
    def rooms_for(sessions: int) -> int:
        per_room = EVENT_DAYS * int((DAY_TO - DAY_FROM) * 3600 // SLOT.total_seconds())
        return max(SEED_ROOMS, math.ceil(sessions / per_room))

    def take(self) -> tuple[str, datetime]:
        slot = self._slots[self._next]
        self._next += 1
        return slot


@dataclass
class Event:
    slug: str
    tracks: list[str]
    slots: Slots
    made: int = 0

    def session_body(self, label: str) -> dict:
        room, start = self.slots.take()
        self.made += 1
        return {"track": self.tracks[self.made % len(self.tracks)], "room": room,
                "start": start.isoformat(), "end": (start + SLOT).isoformat(),
                "title": f"{label} {self.made}", "description": "bench session"}


async def seed(api: Api, run_id: str, webhook_sessions: int) -> Event:
    slug = f"bench-{run_id}"
    first_day = date.today() + timedelta(days=60)
    await api.post("/events", {"slug": slug, "name": f"Bench PTG {run_id}", "timezone": TIMEZONE,
                               "start_date": first_day.isoformat(),
                               "end_date": (first_day + timedelta(days=EVENT_DAYS - 1)).isoformat(),
                               "description": "made by bench/baseline.py"})
    rooms = [f"room-{n + 1}" for n in range(Slots.rooms_for(SEED_SESSIONS + webhook_sessions))]
    for n, room in enumerate(rooms):
        await api.post(f"/events/{slug}/rooms", {"slug": room, "name": f"Room {n + 1}", "capacity": 40})
    tracks = [f"team-{n + 1}" for n in range(SEED_TRACKS)]
    for n, track in enumerate(tracks):
        await api.post(f"/events/{slug}/tracks", {"slug": track, "name": f"Team {n + 1}"})
    event = Event(slug, tracks, Slots(first_day, rooms))
    for _ in range(SEED_SESSIONS):
        await api.post(f"/events/{slug}/sessions", event.session_body("Seeded session"))
    return event


# -- (a) read throughput -----------------------------------------------------------------------

async def check_read(session: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None) -> None:
    async with session.get(url, headers=headers) as response:
        body = await response.json(content_type=None)
        if response.status != 200 or len(body.get("items", [])) != READ_LIMIT:
            raise RuntimeError(f"GET {url} answered {response.status} with "
                               f"{len(body.get('items', []))} items, not 200 with {READ_LIMIT}")


async def load(url: str, clients: int, warmup: float, duration: float, headers: dict[str, str] | None = None) -> dict:
    """``clients`` coroutines GET ``url`` back to back on one keep-alive pool for warmup + duration s.

    Only requests that complete inside the measured window count (requests/s = count / duration);
    a request is an error when it fails or answers anything but 200.
    """
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors = 0
    connector = aiohttp.TCPConnector(limit=clients, keepalive_timeout=60, force_close=False)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await check_read(session, url, headers)
        began = time.perf_counter()
        measure_from, stop_at = began + warmup, began + warmup + duration

        async def client() -> None:
            nonlocal errors
            while True:
                sent = time.perf_counter()
                if sent >= stop_at:
                    return
                status = None
                try:
                    async with session.get(url, headers=headers) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                done = time.perf_counter()
                if measure_from <= done <= stop_at:
                    statuses[status or "failed"] += 1
                    if status == 200:
                        latencies.append((done - sent) * 1000)
                    else:
                        errors += 1

        tasks = [asyncio.ensure_future(client()) for _ in range(clients)]
        try:
            _done, late = await asyncio.wait(tasks, timeout=warmup + duration + 30)
            if late:
                raise RuntimeError(f"{len(late)} clients still busy 30 s after the end of the test")
            for task in tasks:
                task.result()  # a client's own bug surfaces here
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    completed = len(latencies) + errors
    return {"url": url, "requests_per_s": round(len(latencies) / duration, 1), "requests": completed,
            "errors": errors, "statuses": {str(k): v for k, v in statuses.items()},
            "p50_ms": rounded(percentile(latencies, 50)), "p99_ms": rounded(percentile(latencies, 99)),
            "max_ms": rounded(max(latencies) if latencies else None)}


# -- (b) session -> webhook latency ------------------------------------------------------------

class WebhookReceiver:
    """A loopback aiohttp server that records when each session's ``scheduled`` webhook arrives."""

    def __init__(self):
        self.arrived: dict[str, float] = {}           # session id -> perf_counter() at arrival
        self.arrived_wall: dict[str, float] = {}      # session id -> time.time() at arrival
        self.event_ids: dict[str, str] = {}           # session id -> CloudEvent id (= the delivery's event_id)
        self.deliveries = 0
        self.duplicates = 0
        self.bad_signatures = 0
        self.other_types = 0
        self.secret: str | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def signature_ok(self, request: web.Request, body: bytes) -> bool:
        """Standard Webhooks v1: ``v1,`` + base64 HMAC-SHA256(key, ``id.timestamp.body``)."""
        if not self.secret:
            return True
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{request.headers.get('webhook-id')}.{request.headers.get('webhook-timestamp')}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        offered = [s.split(",", 1)[1] for s in request.headers.get("webhook-signature", "").split() if "," in s]
        return any(hmac.compare_digest(expected, s) for s in offered)

    async def handle(self, request: web.Request) -> web.Response:
        arrived, arrived_wall = time.perf_counter(), time.time()
        body = await request.read()
        self.deliveries += 1
        if not self.signature_ok(request, body):
            self.bad_signatures += 1
        try:
            envelope = json.loads(body)
        except ValueError:
            return web.Response(status=400)
        if envelope.get("type") != SCHEDULED:
            self.other_types += 1
            return web.Response(status=204)
        session_id = (envelope.get("data") or {}).get("id")
        if session_id in self.arrived:
            self.duplicates += 1
        else:
            self.arrived[session_id] = arrived
            self.arrived_wall[session_id] = arrived_wall
            self.event_ids[session_id] = envelope.get("id")
        return web.Response(status=204)


async def event_latency(api: Api, event: Event, count: int, wait: float) -> dict:
    receiver = WebhookReceiver()
    await receiver.start()
    try:
        created = await api.post("/webhooks", {"url": f"http://127.0.0.1:{receiver.port}/hook",
                                               "event_types": [SCHEDULED], "description": "bench receiver"})
        receiver.secret = created.get("secret")
        returned: dict[str, float] = {}
        returned_wall: dict[str, float] = {}
        post_ms: list[float] = []
        for _ in range(count):
            sent = time.perf_counter()
            session = await api.post(f"/events/{event.slug}/sessions", event.session_body("Bench session"))
            done = time.perf_counter()
            returned[session["id"]], returned_wall[session["id"]] = done, time.time()
            post_ms.append((done - sent) * 1000)
        deadline = time.perf_counter() + wait
        while time.perf_counter() < deadline and not returned.keys() <= receiver.arrived.keys():
            await asyncio.sleep(0.05)
        latencies = [(receiver.arrived[sid] - t) * 1000 for sid, t in returned.items() if sid in receiver.arrived]
        stages = await delivery_stages(api, created["id"], receiver, returned_wall)
        return {"sessions": count, "received": len(latencies), "p50_ms": rounded(percentile(latencies, 50)),
                "p99_ms": rounded(percentile(latencies, 99)), "max_ms": rounded(max(latencies) if latencies else None),
                "min_ms": rounded(min(latencies) if latencies else None),
                "post_p50_ms": rounded(percentile(post_ms, 50)), "post_p99_ms": rounded(percentile(post_ms, 99)),
                "duplicates": receiver.duplicates, "bad_signatures": receiver.bad_signatures,
                "deliveries": receiver.deliveries, "stages_p50_ms": stages}
    finally:
        await receiver.stop()


async def delivery_stages(api: Api, webhook_id: str, receiver: WebhookReceiver,
                          returned_wall: dict[str, float], p: float = 50) -> dict:
    """Where the time goes (percentile ``p`` of each stage), from notify's delivery log (wall clocks of one machine, so comparable):

    - ``to_notify``: POST returned -> notify stored the delivery (schedule's outbox relay, the broker,
      notify's consumer);
    - ``dispatch_pickup``: delivery stored -> first attempt began (notify's webhook delivery loop);
    - ``http``: attempt began -> the receiver had the request.
    """
    by_event = {event_id: sid for sid, event_id in receiver.event_ids.items()}
    stages: dict[str, list[float]] = {"to_notify": [], "dispatch_pickup": [], "http": []}
    cursor = None
    while True:
        page = await api.get(f"/webhooks/{webhook_id}/deliveries?limit=500" + (f"&cursor={cursor}" if cursor else ""))
        for delivery in page["items"]:
            sid = by_event.get(delivery.get("event_id"))
            if sid is None or sid not in returned_wall or not delivery.get("history"):
                continue
            stored = datetime.fromisoformat(delivery["created_at"]).timestamp()
            attempted = datetime.fromisoformat(delivery["history"][0]["attempted_at"]).timestamp()
            stages["to_notify"].append((stored - returned_wall[sid]) * 1000)
            stages["dispatch_pickup"].append((attempted - stored) * 1000)
            stages["http"].append((receiver.arrived_wall[sid] - attempted) * 1000)
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return {name: rounded(percentile(values, p)) for name, values in stages.items()}


# -- the run -----------------------------------------------------------------------------------

def stop_on_sigterm() -> None:
    """SIGTERM (a kill, a CI timeout) raises KeyboardInterrupt as Ctrl-C does: the stack still stops."""
    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)


def measure_on_stack(measure, args: argparse.Namespace, postgres: bool, runner=asyncio.run) -> dict | None:
    """Start a stack (``args``: ``pg_admin_url``, ``keep``, ``start_timeout``), ``runner(measure(stack, args))``,
    stop the stack. The figures, or None when the run failed (said on stderr; the var dir is kept). Ctrl-C:
    KeyboardInterrupt once the stack is stopped (its var dir removed unless ``--keep``: nothing to investigate)."""
    stack = Stack(postgres=postgres, amqp_url=os.environ.get("PTGHUB_AMQP_URL") or DEFAULT_AMQP,
                  pg_admin_url=args.pg_admin_url, keep=args.keep)
    failed = True
    try:
        stack.start(args.start_timeout)
        log("ptghub is up")
        figures = runner(measure(stack, args))
        failed = False
        return figures
    except KeyboardInterrupt:
        log("interrupted; stopping the stack")
        failed = False
        raise
    except Exception as exc:
        if not isinstance(exc, RuntimeError):
            traceback.print_exc()
        log(f"failed: {exc}")
        return None
    finally:
        log("stopping the stack and cleaning up")
        stack.stop(failed)


def write_figures(figures, destination: str | None) -> None:
    """``--json``: ``-`` prints the figures as stdout's last line, a path gets them indented."""
    if destination == "-":
        print(json.dumps(figures), flush=True)
    elif destination:
        Path(destination).write_text(json.dumps(figures, indent=2) + "\n")


async def measure(stack: Stack, args: argparse.Namespace) -> dict:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        api = Api(session, stack.gateway, stack.token)
        log(f"seeding: event, {Slots.rooms_for(SEED_SESSIONS + args.sessions)} rooms, {SEED_TRACKS} tracks, "
            f"{SEED_SESSIONS} sessions")
        event = await seed(api, stack.run_id, args.sessions)
        path = f"/events/{event.slug}/sessions?limit={READ_LIMIT}"
        log(f"read throughput, direct: {args.clients} clients, {args.warmup:g} s warm-up + {args.duration:g} s")
        direct = await load(stack.schedule + path, args.clients, args.warmup, args.duration,
                            stack.public_principal(ttl=int(args.warmup + args.duration) + 60))
        log(f"read throughput, through the gateway: {args.clients} clients, {args.warmup:g} s warm-up + {args.duration:g} s")
        gateway = await load(stack.gateway + "/api/v1" + path, args.clients, args.warmup, args.duration)
        log(f"event latency: {args.sessions} sessions, one after another")
        latency = await event_latency(api, event, args.sessions, args.webhook_wait)
    ratio = gateway["requests_per_s"] / direct["requests_per_s"] if direct["requests_per_s"] else None
    return {
        "run_id": stack.run_id,
        "database": "postgresql" if stack.postgres else "sqlite",
        "machine": {"cpus": os.cpu_count(), "cpu_busy_before_start": rounded(stack.busy_at_start, 3),
                    "load_average_at_start": stack.load_at_start,
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                    "python": platform.python_version(), "platform": platform.platform(),
                    "event_loop": type(asyncio.get_running_loop()).__module__.split(".")[0]},
        "settings": {"clients": args.clients, "warmup_s": args.warmup, "duration_s": args.duration,
                     "gateway_workers": stack.gateway_workers(), "api_workers": stack.api_workers(),
                     "items_per_read": READ_LIMIT},
        "schedule_read_direct": direct,
        "schedule_read_gateway": gateway,
        "gateway_direct_ratio": rounded(ratio, 3),
        "ratio_target": 0.5,
        "session_to_webhook": latency,
        "mail_received": stack.mail.count,
    }


def fmt(value: float | None, unit: str = " ms") -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}{unit}" if value < 100 else f"{value:.0f}{unit}"


def summary(figures: dict) -> str:
    d, g, w = figures["schedule_read_direct"], figures["schedule_read_gateway"], figures["session_to_webhook"]
    s = figures["settings"]
    ratio = figures["gateway_direct_ratio"]
    busy = figures["machine"]["cpu_busy_before_start"]
    busy_after = figures["machine"].get("cpu_busy_after_stop")
    verdict = "" if ratio is None else ("  ok" if ratio >= figures["ratio_target"] else "  BELOW TARGET")
    lines = [
        f"=== ptghub baseline: {figures['database']}, {figures['machine']['cpus']} CPUs, {s['clients']} clients, "
        f"{s['duration_s']:g} s (+{s['warmup_s']:g} s warm-up), gateway {s['gateway_workers']} workers, "
        f"api {s['api_workers']} ===",
        f"schedule read direct:   {d['requests_per_s']:7.0f} req/s (p50 {fmt(d['p50_ms'])}, p99 {fmt(d['p99_ms'])}, "
        f"{d['errors']} errors)",
        f"through gateway:        {g['requests_per_s']:7.0f} req/s (p50 {fmt(g['p50_ms'])}, p99 {fmt(g['p99_ms'])}, "
        f"{g['errors']} errors)",
        f"ratio gateway/direct:   {ratio if ratio is not None else 'n/a'} (target >= {figures['ratio_target']}){verdict}",
        f"session -> webhook:     p50 {fmt(w['p50_ms'])}, p99 {fmt(w['p99_ms'])}, max {fmt(w['max_ms'])} "
        f"({w['received']}/{w['sessions']} received"
        + (f", {w['bad_signatures']} bad signatures" if w["bad_signatures"] else "")
        + (f", {w['duplicates']} duplicates" if w["duplicates"] else "") + ")",
        f"  of which (p50):       relay+broker+consumer {fmt(w['stages_p50_ms']['to_notify'])}, "
        f"delivery pickup {fmt(w['stages_p50_ms']['dispatch_pickup'])}, HTTP {fmt(w['stages_p50_ms']['http'])}",
        f"session POST (gateway): p50 {fmt(w['post_p50_ms'])}, p99 {fmt(w['post_p99_ms'])}",
        f"machine: {figures['machine']['cpus']} CPUs, "
        + " and ".join(f"{v:.0%} busy {when}" for when, v in (("before the stack started", busy),
                                                               ("after it stopped", busy_after)) if v is not None)
        + f" (load {'/'.join(f'{x:g}' for x in figures['machine']['load_average_at_start'])})"
        + (" -- something else was running: figures are noisy"
           if any(v is not None and v > 0.25 for v in (busy, busy_after)) else ""),
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--postgres", action="store_true",
                        help="fresh PostgreSQL databases on 127.0.0.1:5432 instead of SQLite files")
    parser.add_argument("--pg-admin-url", default=os.environ.get("PTGHUB_BENCH_PG_URL", DEFAULT_PG_ADMIN),
                        help="where --postgres creates and drops its databases")
    parser.add_argument("--clients", "-c", type=int, default=32, help="concurrent clients of the read test")
    parser.add_argument("--duration", "-d", type=float, default=10.0, help="measured seconds of each read test")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each read test")
    parser.add_argument("--sessions", "-n", type=int, default=200, help="sessions created for the webhook latency test")
    parser.add_argument("--webhook-wait", type=float, default=30.0,
                        help="seconds to wait for missing webhooks after the last session")
    parser.add_argument("--start-timeout", type=float, default=180.0, help="seconds to wait for 'ptghub is up'")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH",
                        help="also write the figures as JSON: to PATH, or as the last line of stdout")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir (logs) afterwards")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.warmup < 0 or args.sessions < 1:
        parser.error("--clients and --sessions must be >= 1, --duration > 0, --warmup >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import uvloop
    except ImportError:
        uvloop = None
    stop_on_sigterm()
    try:
        figures = measure_on_stack(measure, args, args.postgres, uvloop.run if uvloop else asyncio.run)
    except KeyboardInterrupt:
        return 130
    if figures is None:
        return 1
    figures["machine"]["cpu_busy_after_stop"] = rounded(cpu_busy(), 3)  # catches load that began meanwhile
    print(summary(figures), flush=True)
    write_figures(figures, args.json)
    if args.json and args.json != "-":
        log(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
