"""``python -m services.kit.manage migrate [service ...]``: bring each service's database to head."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from . import config, migrations


def migrate(services: list[str]) -> None:
    for service in services:
        package = importlib.import_module(f"services.{service}" if service != "gateway" else "gateway")
        migrations.upgrade(Path(package.__file__).parent, config.database_url(service))


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "migrate":
        print(__doc__)
        return 2
    migrate(argv[1:] or [*config.SERVICE_NAMES, "gateway"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
