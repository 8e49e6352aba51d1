"""Autogenerate a migration for one service from its tables: `python scripts/new_migration.py membership "message"`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from services.common.migrations import alembic_config

ROOT = Path(__file__).resolve().parent.parent


def main(service: str, message: str) -> None:
    migrations_dir = ROOT / "services" / service / "store" / "migrations"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        config = alembic_config(migrations_dir, url)
        command.upgrade(config, "head")
        command.revision(config, message=message, autogenerate=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
