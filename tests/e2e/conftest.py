"""End-to-end: every process started as ``make run`` starts them (deploy/launcher.py), driven only
through the gateway, with a real SMTP server and a real webhook receiver on loopback."""
from __future__ import annotations

import email
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from services.kit.config import SERVICE_NAMES

from ..infra import free_port, serving_smtp

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ptg_e2e-organiser-token-0123456789"


class Stack:
    def __init__(self, env: dict[str, str], var_dir: Path):
        self.var_dir = var_dir
        self.env = env
        self.gateway = f"http://127.0.0.1:{env['PTGHUB_GATEWAY_PORT']}/api/v1"
        self.output: list[str] = []
        self.process = subprocess.Popen([sys.executable, "deploy/launcher.py"], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        self._up = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._up.wait(120):
            self.stop()
            raise AssertionError("stack did not come up:\n" + "\n".join(self.output[-50:]))
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {TOKEN}"

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line.rstrip())
            if "Ctrl-C stops everything" in line:  # the last line the launcher prints once up
                self._up.set()

    def url(self, path: str) -> str:
        return self.gateway + path

    def pid(self, name: str) -> int:
        return int((self.var_dir / "run" / f"{name}.pid").read_text())

    def kill(self, name: str) -> None:
        """SIGKILL a process; the launcher starts it again, as a supervisor would."""
        pid = self.pid(name)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.pid(name) != pid:
                    return
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"{name} was not restarted")

    def interrupt(self, timeout: float = 30) -> float:
        """Ctrl-C as a terminal sends it (SIGINT to the launcher's process group); seconds until it exited."""
        started = time.monotonic()
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout)
        return time.monotonic() - started

    def logs(self) -> dict[str, list[str]]:
        """Every process's log under var/log/, by process name."""
        return {path.stem: path.read_text(errors="replace").splitlines()
                for path in sorted((self.var_dir / "log").glob("*.log"))}

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class MailBox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    with serving_smtp(MailBox()) as mailbox:
        yield mailbox


class WebhookReceiver:
    def __init__(self):
        self.deliveries: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.deliveries.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[dict]:
        return [json.loads(d["body"]) for d in self.deliveries]

    def close(self):
        self.server.shutdown()


@pytest.fixture
def webhook_receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


def stack_environment(infra, var_dir: Path, smtp_url: str, postgres: bool) -> dict[str, str]:
    """The environment ``make run`` would see: no PTGHUB_* of the test run's own (not its internal
    key either: the launcher makes one under ``var_dir``), free ports, this run's broker names."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTGHUB_")}
    env.update(infra.environment(own_queues=True))
    env.update({
        "PTGHUB_VAR_DIR": str(var_dir), "PTGHUB_BOOTSTRAP_TOKEN": TOKEN, "PTGHUB_SMTP_URL": smtp_url,
        "PTGHUB_WEBHOOK_ALLOW": "127.0.0.1/32", "PTGHUB_GATEWAY_PORT": str(free_port()),
        "PTGHUB_GATEWAY_WORKERS": "1",
        "PTGHUB_REMINDER_INTERVAL": "1",  # a sweep a second, so a reminder digest comes within the test
    })
    for service in SERVICE_NAMES:
        env[f"PTGHUB_{service.upper()}_PORT"] = str(free_port())
    if postgres:
        for service in (*SERVICE_NAMES, "gateway"):
            env[f"PTGHUB_{service.upper()}_DATABASE_URL"] = infra.database_url(f"e2e_{service}")
    return env


@pytest.fixture
def start_stack(infra, tmp_path, smtp_server):
    """``start(postgres)`` starts a stack (``settings``: PTGHUB_* of its own); ``start(postgres,
    like=stack)`` starts one again on the same var/ and databases (after ``stack.interrupt()``), as a
    second ``make run`` would."""
    stacks = []

    def start(postgres: bool, like: Stack | None = None, settings: dict[str, str] | None = None) -> Stack:
        if like is not None:
            env = {**like.env, "PTGHUB_GATEWAY_PORT": str(free_port()),
                   **{f"PTGHUB_{s.upper()}_PORT": str(free_port()) for s in SERVICE_NAMES}}
            stack = Stack(env, like.var_dir)
        else:
            var_dir = tmp_path / f"var{len(stacks)}"
            stack = Stack({**stack_environment(infra, var_dir, smtp_server.url, postgres), **(settings or {})},
                          var_dir)
        stacks.append(stack)
        return stack

    yield start
    for stack in stacks:
        stack.stop()


@contextmanager
def module_stack(infra, var_dir: Path, settings: dict[str, str] | None = None) -> Iterator[Stack]:
    """A stack on SQLite for a module's tests to share (``settings``: PTGHUB_* of its own), mailing to
    an SMTP server of its own; both stopped when the block ends."""
    with serving_smtp(MailBox()) as mailbox:
        stack = Stack({**stack_environment(infra, var_dir, mailbox.url, postgres=False), **(settings or {})},
                      var_dir)
        try:
            yield stack
        finally:
            stack.stop()


def issue_token(stack: Stack, **body) -> dict:
    """``POST /tokens`` as the organiser: the token as issued (``token`` holds its secret)."""
    response = stack.session.post(stack.url("/tokens"), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def bearer_session(token: str) -> requests.Session:
    """A session sending ``token`` as its bearer token."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def session_with_new_token(stack: Stack, **body) -> requests.Session:
    """A session sending a token just issued (``issue_token(stack, **body)``)."""
    return bearer_session(issue_token(stack, **body)["token"])
