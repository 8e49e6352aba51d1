"""A revision applies whole or not at all, on SQLite as on PostgreSQL: a service stopped in the middle of one (the
suite restarted while it was starting) must find the revision before it, never half of its tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from services.common import migrations
from services.common.db import sync_url

ENV = """
from sqlalchemy import MetaData

from services.common.migrations import run_env

run_env(MetaData())
"""
REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("{table}", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_index("ix_{table}", "{table}", ["id"])
    {then}


def downgrade() -> None:
    op.drop_table("{table}")
"""


def write_revisions(folder: Path, second_fails: bool) -> None:
    (folder / "versions").mkdir(parents=True, exist_ok=True)
    (folder / "env.py").write_text(ENV)
    (folder / "versions" / "a_first.py").write_text(
        REVISION.format(revision="a", down="None", table="first", then="pass")
    )
    failing = 'raise RuntimeError("stopped halfway")' if second_fails else "pass"
    (folder / "versions" / "b_second.py").write_text(
        REVISION.format(revision="b", down='"a"', table="second", then=failing)
    )


def state(database_url: str) -> tuple[set[str], list[str]]:
    engine = create_engine(sync_url(database_url))
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            versions = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        engine.dispose()
    return tables, versions


def test_a_revision_stopped_halfway_leaves_the_one_before_and_the_next_start_completes(
    tmp_path: Path, database_url: str
) -> None:
    folder = tmp_path / "migrations"
    write_revisions(folder, second_fails=True)
    with pytest.raises(RuntimeError, match="stopped halfway"):
        migrations.upgrade(folder, database_url)
    assert state(database_url) == ({"alembic_version", "first"}, ["a"])

    write_revisions(folder, second_fails=False)
    migrations.upgrade(folder, database_url)
    assert state(database_url) == ({"alembic_version", "first", "second"}, ["b"])
