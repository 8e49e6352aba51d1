"""Each service's migrations build exactly the tables its code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib

import pytest
from alembic import command

from services.common import migrations

SERVICES = ["identity", "membership", "billing", "audit"]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_declared_tables(service: str, database_url: str) -> None:
    main = importlib.import_module(f"services.{service}.main")
    migrations.upgrade(main.MIGRATIONS_DIR, database_url)
    migrations.upgrade(main.MIGRATIONS_DIR, database_url)  # a second run changes nothing
    command.check(migrations.alembic_config(main.MIGRATIONS_DIR, database_url))
