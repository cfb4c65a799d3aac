"""A worker's GIL switch interval: PTGHUB_SWITCH_INTERVAL, 0.5 ms unless set, applied at the
worker's start; a value that is not a positive number is refused before anything runs."""
import subprocess
import sys

import pytest

from services.kit import config


def worker_interval(env: dict) -> subprocess.CompletedProcess:
    """What a fresh process that starts as a worker does (``run_worker``'s first steps) says."""
    code = ("import sys; from services.kit import config; "
            "config.apply_switch_interval(config.load('notify')); print(sys.getswitchinterval())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**env, "PYTHONPATH": "."})


def test_the_default_is_half_a_millisecond_and_the_setting_is_read(monkeypatch):
    monkeypatch.delenv("PTGHUB_SWITCH_INTERVAL", raising=False)
    assert config.load("notify").switch_interval == config.DEFAULT_SWITCH_INTERVAL == 0.0005
    monkeypatch.setenv("PTGHUB_SWITCH_INTERVAL", "0.002")
    assert config.load("schedule").switch_interval == 0.002


def test_a_worker_process_runs_with_it_and_refuses_a_non_positive_one(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PTGHUB_VAR_DIR": str(tmp_path)}
    started = worker_interval(env)
    assert started.returncode == 0, started.stderr
    assert float(started.stdout) == pytest.approx(0.0005)
    assert float(worker_interval({**env, "PTGHUB_SWITCH_INTERVAL": "0.003"}).stdout) == pytest.approx(0.003)
    refused = worker_interval({**env, "PTGHUB_SWITCH_INTERVAL": "0"})
    assert refused.returncode != 0 and "PTGHUB_SWITCH_INTERVAL must be > 0" in refused.stderr

