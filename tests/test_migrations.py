"""Each service's migrations build exactly the tables its code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, select, text

from services.billing.domain.invoice_mail import INVOICE_HEADER
from services.billing.store import tables as billing_tables
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


def test_an_invoice_mail_queued_before_the_mail_outbox_is_still_sent_after_the_upgrade(database_url: str) -> None:
    billing_main = importlib.import_module("services.billing.main")
    config = migrations.alembic_config(billing_main.MIGRATIONS_DIR, migrations.make_parent_dir(database_url))
    command.upgrade(config, "prod_0001")
    queued_at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    engine = create_engine(sync_url(database_url))
    try:
        with engine.begin() as connection:
            for invoice_id, sent_at in (("invoice-1", None), ("invoice-2", queued_at)):
                connection.execute(
                    text(
                        "INSERT INTO invoice_mails (invoice_id, organization_id, queued_at, sent_at, attempts)"
                        " VALUES (:invoice_id, 'org-1', :queued_at, :sent_at, 2)"
                    ),
                    {"invoice_id": invoice_id, "queued_at": queued_at.replace(tzinfo=None), "sent_at": sent_at},
                )
        command.upgrade(config, "head")
        with engine.begin() as connection:
            rows = connection.execute(select(billing_tables.mail_outbox)).all()
    finally:
        engine.dispose()

    [row] = rows  # the unsent one, carried over; the sent one went with the old table
    message = message_from_bytes(row.message, policy=policy.default)
    assert row.message_id == "<invoice-invoice-1@tenantry>"
    assert message[INVOICE_HEADER] == "org-1 invoice-1"  # the sender composes it from the invoice
    assert (row.attempts, row.sent_at) == (2, None)
