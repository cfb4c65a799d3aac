"""A process's GIL switch interval: PTGHUB_SWITCH_INTERVAL, 0.5 ms unless set, applied first thing
when a worker or an api process starts; a value that is not positive is refused before anything runs."""
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



@pytest.mark.parametrize("service", ["schedule", "notify"])
def test_an_api_process_applies_it_before_building_its_app(tmp_path, service):
    """The app factory gunicorn calls (``services.<name>.app:create_app()``): the setting is the
    process's interval once the app is built, and "0" is refused before anything is opened."""
    code = (f"import sys; from services.{service}.app import create_app; create_app(); "
            "print(sys.getswitchinterval())")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ".", "PTGHUB_VAR_DIR": str(tmp_path)}
    built = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           env={**env, "PTGHUB_SWITCH_INTERVAL": "0.003",
                                f"PTGHUB_{service.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / 'api.db'}"})
    assert built.returncode == 0, built.stderr
    assert float(built.stdout.strip().splitlines()[-1]) == pytest.approx(0.003)
    (tmp_path / "refused").mkdir()
    refused = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                             env={**env, "PTGHUB_SWITCH_INTERVAL": "0", "PTGHUB_VAR_DIR": str(tmp_path / "refused")})
    assert refused.returncode != 0 and "PTGHUB_SWITCH_INTERVAL must be > 0" in refused.stderr
    assert not any((tmp_path / "refused").iterdir())  # no database opened
