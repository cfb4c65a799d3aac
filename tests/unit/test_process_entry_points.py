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
