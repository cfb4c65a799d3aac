"""Every process entry point imports on its own, in a fresh interpreter, as gunicorn and the launcher
start it (an import cycle that only bites when one module is imported first shows up here)."""
import subprocess
import sys

import pytest

from services.kit.config import SERVICE_NAMES

ENTRY_POINTS = [f"services.{s}.{m}" for s in SERVICE_NAMES for m in ("app", "worker")] + ["gateway.bootstrap"]


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_entry_point_imports_alone(module):
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_worker_never_loads_the_routes_or_flask(service):
    probe = (f"import sys, services.{service}.worker; "
             f"loaded = sorted(m for m in sys.modules if m == 'flask' or m.startswith('services.{service}.api') "
             f"or m.startswith('services.{service}.routes')); print(loaded); sys.exit(1 if loaded else 0)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"the {service} worker imports {result.stdout.strip()} {result.stderr[-1000:]}"
