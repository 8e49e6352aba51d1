"""Alembic, shared: each service keeps its own migrations folder and calls these helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, event, pool

from services.common.db import sync_url


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", sync_url(database_url).replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, database_url: str, attributes: dict[str, Any] | None = None) -> None:
    """Bring the database to the newest revision (idempotent). `attributes` reach the revisions through
    `context.config.attributes` (e.g. the data keys a revision seals existing secrets with)."""
    url = make_parent_dir(database_url)
    config = alembic_config(migrations_dir, url)
    config.attributes.update(attributes or {})
    command.upgrade(config, "head")


def make_parent_dir(database_url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return database_url


def _transactional_sqlite_ddl(engine: Engine) -> None:
    """pysqlite commits before DDL on its own; with its transaction handling off, the BEGIN we issue holds the
    CREATE and ALTER statements too (SQLite's DDL is transactional)."""

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py (online mode only: we always have a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("Migrations need sqlalchemy.url in the Alembic configuration (migrate() sets it).")
    engine = create_engine(url, poolclass=pool.NullPool)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        _transactional_sqlite_ddl(engine)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
            # Each revision and its alembic_version row commit together, on SQLite too: a service stopped or
            # killed in the middle of one (a suite restarted while starting) leaves the revision before it, not
            # half its tables, which the next start could never get past.
            transactional_ddl=True,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
