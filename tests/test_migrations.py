"""Each service's migrations build exactly the tables its code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, select

from services.common import migrations
from services.common.db import sync_url
from services.membership.main import MIGRATIONS_DIR as MEMBERSHIP_MIGRATIONS_DIR
from services.membership.store.tables import MemberRow, members, organizations

SERVICES = ["identity", "membership", "billing", "audit"]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_declared_tables(service: str, database_url: str) -> None:
    main = importlib.import_module(f"services.{service}.main")
    migrations.upgrade(main.MIGRATIONS_DIR, database_url)
    migrations.upgrade(main.MIGRATIONS_DIR, database_url)  # a second run changes nothing
    command.check(migrations.alembic_config(main.MIGRATIONS_DIR, database_url))


def test_a_member_written_with_core_reads_back_as_its_typed_row(database_url: str) -> None:
    migrations.upgrade(MEMBERSHIP_MIGRATIONS_DIR, database_url)
    invited_at = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    engine = create_engine(sync_url(database_url))
    try:
        with engine.begin() as connection:
            connection.execute(insert(organizations).values(id="org-1", display_name="Acme", created_at=invited_at))
            connection.execute(
                insert(members).values(
                    id="member-1",
                    organization_id="org-1",
                    email="ada@acme.test",
                    role="member",
                    status="invited",
                    created_at=invited_at,
                    updated_at=invited_at,
                )
            )
            row = connection.execute(select(members).where(members.c.id == "member-1")).one()
    finally:
        engine.dispose()

    member = MemberRow.model_validate(row._mapping)

    assert (member.email, member.role, member.status) == ("ada@acme.test", "member", "invited")
    assert (member.display_name, member.display_name_key, member.version) == ("", "", 1)
    assert member.account_id is None
    assert member.last_sign_in_at is None
    assert member.created_at == invited_at
    assert member.created_at.tzinfo is UTC
