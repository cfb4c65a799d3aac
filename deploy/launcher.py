"""``make run``: start every ptghub process on this machine and keep them running.

Makes sure the internal key exists (``var/internal-key``, generated on first start unless
PTGHUB_INTERNAL_KEY is set) and hands it to every process: the gateway signs the principal it
passes on with it, the services verify it. Starts RabbitMQ when none answers, migrates every
database (SQLite files under var/ unless PTGHUB_<SERVICE>_DATABASE_URL says otherwise), makes sure
an organiser token exists, starts a local SMTP sink when PTGHUB_SMTP_URL is not set, then each
service's api (gunicorn) and worker, the gateway and its worker. Prints the gateway URL, the
Swagger UI URL and the organiser token. A process that exits is restarted; Ctrl-C (or SIGTERM)
stops everything quietly: the processes first, the SMTP sink last. Process ids are kept in var/run/.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.kit import config, identity  # noqa: E402
from services.kit.amqp import broker_reachable  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent


class Stopping(Exception):
    """Ctrl-C or SIGTERM arrived while starting."""


STOP = threading.Event()  # set by SIGINT / SIGTERM


def stop_requested() -> bool:
    return STOP.is_set()


@dataclass
class Child:
    name: str
    argv: list[str]
    health_url: str | None = None
    process: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0
    log: Path | None = field(default=None)

    def start(self, env: dict[str, str], run_dir: Path, log_dir: Path) -> None:
        self.log = log_dir / f"{self.name}.log"
        log = open(self.log, "ab")
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.started_at = time.monotonic()
        (run_dir / f"{self.name}.pid").write_text(f"{self.process.pid}\n")


def say(message: str) -> None:
    print(f"ptghub: {message}", flush=True)


def ensure_broker(url: str) -> None:
    if broker_reachable(url):
        return
    local = "127.0.0.1" in url or "localhost" in url
    server = shutil.which("rabbitmq-server") or ("/usr/sbin/rabbitmq-server" if Path("/usr/sbin/rabbitmq-server").exists() else None)
    if local and server:
        say("RabbitMQ is not answering; starting it (rabbitmq-server -detached)")
        subprocess.run([server, "-detached"], check=False)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if broker_reachable(url):
                return
            time.sleep(1)
    say(f"cannot reach RabbitMQ at {url}.")
    say("Install it (Debian: apt-get install rabbitmq-server) and start it (rabbitmq-server -detached), "
        "or point PTGHUB_AMQP_URL at a running broker.")
    sys.exit(1)


def wait_healthy(children: list[Child], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    pending = [c for c in children if c.health_url]
    while pending and time.monotonic() < deadline:
        if stop_requested():
            raise Stopping()
        for child in list(pending):
            if child.process.poll() is not None:
                say(f"{child.name} exited while starting; its log: {child.log}")
                say((child.log.read_text()[-3000:]) if child.log.exists() else "")
                raise SystemExit(1)
            try:
                with urllib.request.urlopen(child.health_url, timeout=1) as response:
                    if response.status == 200:
                        pending.remove(child)
            except OSError:
                pass
        time.sleep(0.2)
    if pending:
        say(f"not healthy after {timeout:.0f}s: {', '.join(c.name for c in pending)}")
        raise SystemExit(1)


def check_ports_free(children: list[Child]) -> None:
    for child in children:
        if not child.health_url:
            continue
        port = int(child.health_url.split(":")[2].split("/")[0])
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                say(f"port {port} for {child.name} is taken by another program; stop it or set "
                    f"PTGHUB_{child.name.split('-')[0].upper()}_PORT")
                raise SystemExit(1)


def build_children(smtp_sink: bool, var: Path) -> list[Child]:
    api_workers = config.env("API_WORKERS", "1")
    api_threads = config.env("API_THREADS", "8")
    children: list[Child] = []
    if smtp_sink:
        children.append(Child("smtp-sink", [PYTHON, "deploy/smtp_sink.py", "--port", config.env("SMTP_SINK_PORT", "8025"),
                                            "--dir", str(var / "mail")]))
    for service in config.SERVICE_NAMES:
        port = config.service_port(service)
        children.append(Child(
            f"{service}-api",
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
             "--workers", api_workers, "--threads", api_threads, "--graceful-timeout", "5",
             "--access-logfile", "-", "--no-control-socket", f"services.{service}.app:create_app()"],
            health_url=f"http://127.0.0.1:{port}/healthz",
        ))
        children.append(Child(f"{service}-worker", [PYTHON, "-m", f"services.{service}.worker"]))
    children.append(Child("gateway-worker", [PYTHON, "-m", "gateway.worker"]))
    gateway_port = config.service_port("gateway")
    children.append(Child(
        "gateway",
        [str(BIN / "gunicorn"), "--bind", f"{config.env('GATEWAY_HOST', '127.0.0.1')}:{gateway_port}",
         "--worker-class", "uvicorn_worker.UvicornWorker", "--workers", config.env("GATEWAY_WORKERS", "2"),
         "--graceful-timeout", "5", "--no-control-socket", "gateway.app:app"],
        health_url=f"http://127.0.0.1:{gateway_port}/healthz",
    ))
    return children


def stop_all(children: list[Child], timeout: float = 10) -> None:
    """SIGTERM to every process (each in its own session), then the SMTP sink once the rest are
    gone: a worker still sending a mail finishes it. SIGKILL for what is left after ``timeout``."""
    last = [c for c in children if c.name == "smtp-sink"]
    for group in ([c for c in children if c not in last], last):
        for child in group:
            if child.process and child.process.poll() is None:
                try:
                    os.killpg(child.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + timeout
        for child in group:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{child.name} did not stop within {timeout:.0f}s; killing it")
                try:
                    os.killpg(child.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.process.wait()


def run_step(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """A set-up command (migrate, bootstrap) in its own session: Ctrl-C never cuts it off half-way."""
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, start_new_session=True)


def main() -> int:
    def on_signal(*_):
        STOP.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    var = config.var_dir()
    run_dir, log_dir = var / "run", var / "log"
    run_dir.mkdir(exist_ok=True)
    log_dir.mkdir(exist_ok=True)
    env = dict(os.environ)
    env["PTGHUB_VAR_DIR"] = str(var)
    # Before anything starts: one key for every process (generated once under var/, mode 0600).
    key_source = "PTGHUB_INTERNAL_KEY" if config.env("INTERNAL_KEY") else str(var / identity.KEY_FILE)
    env["PTGHUB_INTERNAL_KEY"] = identity.internal_key().decode()
    amqp_url = config.env("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    ensure_broker(amqp_url)

    say("migrating databases")
    for name, argv in (("migration", [PYTHON, "-m", "services.kit.manage", "migrate"]),
                       ("gateway bootstrap (token store)", [PYTHON, "-m", "gateway.bootstrap"])):
        step = run_step(argv, env)
        if step.returncode != 0:
            say(f"the {name} failed:")
            print((step.stdout + step.stderr).strip(), flush=True)
            return 1
        if stop_requested():
            say("stopped before anything was started")
            return 0
    bootstrap_lines = step.stdout.strip().splitlines()

    smtp_sink = not config.env("SMTP_URL")
    if smtp_sink:
        env["PTGHUB_SMTP_URL"] = f"smtp://127.0.0.1:{config.env('SMTP_SINK_PORT', '8025')}"
    children = build_children(smtp_sink, var)
    check_ports_free(children)
    try:
        for child in children:
            child.start(env, run_dir, log_dir)
        wait_healthy(children)
        gateway = f"http://127.0.0.1:{config.service_port('gateway')}"
        say("ptghub is up")
        say(f"gateway:    {gateway}/api/v1")
        say(f"swagger ui: {gateway}/api/v1/ui/")
        for line in bootstrap_lines:
            say(line)
        say(f"internal key: {key_source} (the gateway signs the principal it passes on; the services verify it)")
        if smtp_sink:
            say(f"mail is kept in {var / 'mail'} (local SMTP sink on {env['PTGHUB_SMTP_URL']})")
        say(f"logs in {log_dir}; Ctrl-C stops everything")
        while not stop_requested():
            for child in children:
                if child.process.poll() is not None and not stop_requested():
                    delay = min(30, 2 ** min(child.restarts, 5)) if time.monotonic() - child.started_at < 10 else 0
                    say(f"{child.name} exited ({child.process.returncode}); restarting"
                        + (f" in {delay}s" if delay else ""))
                    wake = time.monotonic() + delay
                    while time.monotonic() < wake and not stop_requested():
                        time.sleep(0.1)
                    if stop_requested():
                        break
                    child.restarts += 1
                    child.start(env, run_dir, log_dir)
            time.sleep(0.2)
    except Stopping:
        pass
    finally:
        say("stopping")
        stop_all(children)
        for pid_file in run_dir.glob("*.pid"):
            pid_file.unlink()
    say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
