"""Alembic, per service: each service has its own ``migrations/`` folder and version history."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config


def alembic_config(service_package_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(service_package_dir / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(service_package_dir: Path, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service_package_dir, url), revision)


def run_env(target_metadata: sa.MetaData) -> None:
    """The body of every service's ``migrations/env.py`` (online and offline modes)."""
    from .db import make_engine

    url = context.config.get_main_option("sqlalchemy.url")
    render_as_batch = url.startswith("sqlite")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                          render_as_batch=render_as_batch)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url, foreign_keys=False)  # SQLite's batch copies must not cascade
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=render_as_batch)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_kit_tables() -> None:
    """Used by each service's first migration: the kit's outbox and inbox tables."""
    from .db import add_kit_tables

    metadata = sa.MetaData()
    add_kit_tables(metadata)
    metadata.create_all(op.get_bind())


def drop_kit_tables() -> None:
    op.drop_table("inbox")
    op.drop_table("outbox")
