"""A worker's GIL switch interval: PTGHUB_SWITCH_INTERVAL, 0.5 ms unless set, applied first thing
when a worker starts; a value that is not positive is refused before anything runs."""
import subprocess
import sys

import pytest

from services.kit import config


def interval_applied(env: dict) -> subprocess.CompletedProcess:
    """A fresh process that applies the setting from its environment prints its switch interval."""
    code = ("import sys; from services.kit import config; "
            "config.apply_switch_interval(config.load('notify')); print(sys.getswitchinterval())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**env, "PYTHONPATH": "."})


def test_the_default_is_half_a_millisecond_and_the_setting_is_read(monkeypatch):
    monkeypatch.delenv("PTGHUB_SWITCH_INTERVAL", raising=False)
    assert config.load("notify").switch_interval == config.DEFAULT_SWITCH_INTERVAL == 0.0005
    monkeypatch.setenv("PTGHUB_SWITCH_INTERVAL", "0.002")
    assert config.load("schedule").switch_interval == 0.002


def test_applied_it_sets_the_processs_interval(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PTGHUB_VAR_DIR": str(tmp_path)}
    started = interval_applied(env)
    assert started.returncode == 0, started.stderr
    assert float(started.stdout) == pytest.approx(0.0005)
    assert float(interval_applied({**env, "PTGHUB_SWITCH_INTERVAL": "0.003"}).stdout) == pytest.approx(0.003)


@pytest.mark.parametrize("worker", ["services.notify.worker", "services.schedule.worker"])
def test_a_worker_applies_it_first_and_refuses_a_non_positive_one_before_anything_runs(tmp_path, worker):
    """The real worker entry point: with "0" it stops at once, naming the setting, before it opens
    its database or the broker (nothing is created under its var dir)."""
    refused = subprocess.run([sys.executable, "-m", worker], capture_output=True, text=True, timeout=60,
                             env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ".", "PTGHUB_VAR_DIR": str(tmp_path),
                                  "PTGHUB_SWITCH_INTERVAL": "0"})
    assert refused.returncode != 0 and "PTGHUB_SWITCH_INTERVAL must be > 0" in refused.stderr
    assert not any(tmp_path.iterdir())

