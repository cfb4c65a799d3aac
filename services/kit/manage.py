"""Database chores for every service (and the gateway's token store).

    python -m services.kit.manage migrate [service ...]          bring databases to head
    python -m services.kit.manage revision SERVICE "message" ID  autogenerate the next migration

``revision`` compares the service's models with a scratch SQLite database migrated to head and
writes ``<package>/migrations/versions/<ID>_<message>.py``; read it before committing (booleans
get ``sa.false()`` defaults so the file also runs on PostgreSQL).
"""
from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

from alembic import command

from . import config, migrations


def package_dir(service: str) -> Path:
    package = importlib.import_module("gateway" if service == "gateway" else f"services.{service}")
    return Path(package.__file__).parent


def migrate(services: list[str]) -> None:
    for service in services:
        migrations.upgrade(package_dir(service), config.database_url(service))


def revision(service: str, message: str, revision_id: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        alembic = migrations.alembic_config(package_dir(service), f"sqlite:///{scratch}/scratch.db")
        command.upgrade(alembic, "head")
        script = command.revision(alembic, message=message, autogenerate=True, rev_id=revision_id)
    path = Path(script.path)
    text = path.read_text().replace("server_default=sa.text('0')", "server_default=sa.false()")
    text = text.replace("server_default=sa.text('1')", "server_default=sa.true()")
    path.write_text(text)


def main(argv: list[str]) -> int:
    if argv[:1] == ["migrate"]:
        migrate(argv[1:] or [*config.SERVICE_NAMES, "gateway"])
        return 0
    if argv[:1] == ["revision"] and len(argv) == 4:
        revision(*argv[1:])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
