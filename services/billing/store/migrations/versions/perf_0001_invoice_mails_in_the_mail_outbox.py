"""invoice mails in the mail outbox every service uses (mails sent after commit); the invoice_mails queue goes

Each invoice mail still to send is carried over as the placeholder billing now queues (its Message-ID, and the
invoice it stands for in X-Tenantry-Invoice), with its attempts and claim, so nothing queued before the upgrade
is lost; sent ones are dropped with the old table.

Revision ID: perf_0001
Revises: prod_0001
"""

from collections.abc import Sequence
from email import message_from_bytes, policy
from email.message import EmailMessage

import sqlalchemy as sa
from alembic import op

import services.common.db

revision: str = "perf_0001"
down_revision: str | None = "prod_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INVOICE_HEADER = "X-Tenantry-Invoice"  # frozen copy of services/billing/domain/invoice_mail.py's


def _placeholder(organization_id: str, invoice_id: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = ""  # the sender composes the mail, recipient included, from the invoice
    message["Message-ID"] = f"<invoice-{invoice_id}@tenantry>"
    message[INVOICE_HEADER] = f"{organization_id} {invoice_id}"
    return message


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("message_id", sa.String(length=255), nullable=False, comment="the Message-ID header, angle brackets and all"),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("message", sa.LargeBinary(), nullable=False, comment="the composed message, as sent"),
        sa.Column("queued_at", services.common.db.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", services.common.db.UTCDateTime(), nullable=True, comment="a sender holds it until then"),
        sa.Column("sent_at", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index(op.f("ix_mail_outbox_sent_at"), "mail_outbox", ["sent_at"], unique=False)
    connection = op.get_bind()
    pending = connection.execute(
        sa.text(
            "SELECT invoice_id, organization_id, queued_at, claimed_until, attempts FROM invoice_mails"
            " WHERE sent_at IS NULL"
        )
    ).all()
    # Plain SQL both ways: the stored timestamps are copied as they are (naive UTC).
    for row in pending:
        connection.execute(
            sa.text(
                "INSERT INTO mail_outbox (message_id, recipient, message, queued_at, claimed_until, attempts)"
                " VALUES (:message_id, '', :message, :queued_at, :claimed_until, :attempts)"
            ),
            {
                "message_id": f"<invoice-{row.invoice_id}@tenantry>",
                "message": bytes(_placeholder(row.organization_id, row.invoice_id)),
                "queued_at": row.queued_at,
                "claimed_until": row.claimed_until,
                "attempts": row.attempts,
            },
        )
    op.drop_index(op.f("ix_invoice_mails_sent_at"), table_name="invoice_mails")
    op.drop_table("invoice_mails")


def downgrade() -> None:
    op.create_table(
        "invoice_mails",
        sa.Column("invoice_id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("queued_at", services.common.db.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", services.common.db.UTCDateTime(), nullable=True, comment="a sender holds it until then"),
        sa.Column("sent_at", services.common.db.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("invoice_id"),
    )
    op.create_index(op.f("ix_invoice_mails_sent_at"), "invoice_mails", ["sent_at"], unique=False)
    connection = op.get_bind()
    pending = connection.execute(
        sa.text("SELECT message, queued_at, claimed_until, attempts FROM mail_outbox WHERE sent_at IS NULL")
    ).all()
    for row in pending:
        named = message_from_bytes(row.message, policy=policy.default)[INVOICE_HEADER]
        if named:
            organization_id, _, invoice_id = str(named).partition(" ")
            connection.execute(
                sa.text(
                    "INSERT INTO invoice_mails (invoice_id, organization_id, queued_at, claimed_until, attempts)"
                    " VALUES (:invoice_id, :organization_id, :queued_at, :claimed_until, :attempts)"
                ),
                {
                    "invoice_id": invoice_id,
                    "organization_id": organization_id,
                    "queued_at": row.queued_at,
                    "claimed_until": row.claimed_until,
                    "attempts": row.attempts,
                },
            )
    op.drop_index(op.f("ix_mail_outbox_sent_at"), table_name="mail_outbox")
    op.drop_table("mail_outbox")
