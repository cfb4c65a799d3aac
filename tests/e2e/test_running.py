"""``make run`` as a person runs it: Ctrl-C stops everything quietly and fast; starting again
after the bootstrap token was revoked comes up and says what it did."""
from __future__ import annotations

import re

import pytest
import requests

from ..infra import wait_until
from .conftest import TOKEN
from .test_end_to_end import lay_out_event, schedule_session, subscribe

pytestmark = pytest.mark.e2e

LOUD = re.compile(r'Traceback|\bERROR\b|\[ERROR\]|"level": "(error|critical)"|CRITICAL')


def test_ctrl_c_stops_every_process_quietly(start_stack, webhook_receiver, smtp_server):
    stack = start_stack(postgres=True)
    subscribe(stack, webhook_receiver)
    lay_out_event(stack)
    schedule_session(stack)
    # every kind of connection is open now: relays and consumers on the broker, the webhook
    # client, the pooled SMTP connection, the gateway's pool to the apis
    wait_until(lambda: webhook_receiver.deliveries, timeout=20, message="a webhook")
    assert stack.session.post(stack.url("/events/denver3/tracks/kolla/summary/publish")).status_code == 202
    wait_until(lambda: smtp_server.messages, timeout=20, message="the summary mail")

    elapsed = stack.interrupt()
    assert stack.process.returncode == 0
    assert elapsed < 10, (f"took {elapsed:.1f}s to stop", stack.output[-5:])
    assert stack.output[-1] == "ptghub: stopped", stack.output[-5:]
    logs = stack.logs()
    assert {"gateway", "gateway-worker", *(f"{s}-{p}" for s in ("schedule", "notes", "actions",
                                                                             "notify") for p in ("api", "worker"))} \
        <= set(logs)
    loud = {name: [line for line in lines if LOUD.search(line)] for name, lines in logs.items()}
    assert not any(loud.values()), {name: lines[:5] for name, lines in loud.items() if lines}
    for name, lines in logs.items():
        if name.endswith("-worker"):
            assert any('"worker stopped"' in line for line in lines), f"{name} did not say it stopped"
    assert not list((stack.var_dir / "run").glob("*.pid"))


def test_make_run_comes_up_again_after_the_bootstrap_token_was_revoked(start_stack):
    stack = start_stack(postgres=False)
    assert "ptghub: organiser token from PTGHUB_BOOTSTRAP_TOKEN: issued" in stack.output
    assert any(line.startswith("ptghub: internal key: ") and line.split()[3].endswith("internal-key")
               for line in stack.output), stack.output
    second = stack.session.post(stack.url("/tokens"), json={"name": "second organiser", "role": "organiser"})
    assert second.status_code == 201, second.text
    other = requests.Session()
    other.headers["Authorization"] = f"Bearer {second.json()['token']}"
    (bootstrap,) = [t for t in other.get(stack.url("/tokens")).json()["items"] if t["name"] == "bootstrap organiser"]
    assert other.delete(stack.url(f"/tokens/{bootstrap['id']}")).status_code == 204
    assert stack.session.get(stack.url("/tokens")).status_code == 401
    stack.interrupt()

    again = start_stack(postgres=False, like=stack)
    wait_until(lambda: any("PTGHUB_BOOTSTRAP_TOKEN" in line for line in again.output), timeout=10,
               message="the bootstrap's report")
    assert any(line.startswith("ptghub: organiser token from PTGHUB_BOOTSTRAP_TOKEN was revoked; reinstated")
               for line in again.output), again.output
    assert not any("Traceback" in line for line in again.output)
    assert again.session.get(again.url("/tokens")).status_code == 200
    assert f"ptghub: organiser token: {TOKEN}" in again.output
    again.interrupt()

    third = start_stack(postgres=False, like=stack)
    wait_until(lambda: any("PTGHUB_BOOTSTRAP_TOKEN" in line for line in third.output), timeout=10,
               message="the bootstrap's report")
    assert "ptghub: organiser token from PTGHUB_BOOTSTRAP_TOKEN: already active" in third.output
