"""Database chores for every service (and the gateway's token store).

    python -m services.kit.manage migrate [service ...]          bring databases to head
    python -m services.kit.manage revision SERVICE "message" ID  autogenerate the next migration

``revision`` compares the service's models with a scratch SQLite database migrated to head and
writes ``<package>/migrations/versions/<ID>_<message>.py``; read it before committing (booleans
get ``sa.false()`` defaults so the file also runs on PostgreSQL).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from . import config, migrations
from .descriptor import ServiceDescriptor


def migrate(descriptors: list[ServiceDescriptor]) -> None:
    for descriptor in descriptors:
        migrations.upgrade(descriptor.package_dir, config.database_url(descriptor.name))


def revision(descriptor: ServiceDescriptor, message: str, revision_id: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        alembic = migrations.alembic_config(descriptor.package_dir, f"sqlite:///{scratch}/scratch.db")
        command.upgrade(alembic, "head")
        script = command.revision(alembic, message=message, autogenerate=True, rev_id=revision_id)
    path = Path(script.path)
    text = path.read_text().replace("server_default=sa.text('0')", "server_default=sa.false()")
    text = text.replace("server_default=sa.text('1')", "server_default=sa.true()")
    path.write_text(text)


def main(argv: list[str]) -> int:
    from services import catalog  # the composition root: the commands' only way to the services

    known = {descriptor.name: descriptor for descriptor in catalog.databases()}
    names = argv[1:2] if argv[:1] == ["revision"] else argv[1:]
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown service: {', '.join(unknown)} (one of {', '.join(known)})")
        return 2
    if argv[:1] == ["migrate"]:
        migrate([known[name] for name in argv[1:]] or list(known.values()))
        return 0
    if argv[:1] == ["revision"] and len(argv) == 4:
        revision(known[argv[1]], *argv[2:])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
