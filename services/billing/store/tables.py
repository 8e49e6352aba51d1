"""Billing's own database."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from services.common.db import UTCDateTime
from services.common.idempotency import idempotency_table
from services.common.messaging import messaging_tables

metadata = MetaData()

# One subscription per organization: plan, status, current period, billing profile and payment method.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("seats_purchased", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("plan_id", String(64), nullable=False, server_default=""),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("period_anchor", UTCDateTime, nullable=True),
    Column("periods_elapsed", Integer, nullable=False, server_default="1"),
    Column("current_period_start", UTCDateTime, nullable=True),
    Column("current_period_end", UTCDateTime, nullable=True),
    Column("cancel_at_period_end", Boolean, nullable=False, server_default="0"),
    Column("seats_at_renewal", Integer, nullable=True),
    Column("plan_at_renewal", String(64), nullable=True),
    Column("failed_payment_attempts", Integer, nullable=False, server_default="0"),
    Column("next_payment_attempt_at", UTCDateTime, nullable=True),
    Column("canceled_at", UTCDateTime, nullable=True),
    Column("legal_name", String(200), nullable=False, server_default=""),
    Column("address", Text, nullable=False, server_default=""),
    Column("country", String(2), nullable=False, server_default=""),
    Column("vat_id", String(32), nullable=False, server_default=""),
    Column("tax_rate_basis_points", Integer, nullable=False, server_default="0"),
    Column("billing_email", String(254), nullable=False, server_default=""),
    Column("payment_method_kind", String(16), nullable=False, server_default="none"),
    Column("payment_method_label", String(64), nullable=False, server_default=""),
    # Provider references only (never a card number): the provider's token, brand, last 4 digits, expiry.
    Column("payment_method_reference", String(64), nullable=False, server_default=""),
    Column("payment_method_brand", String(20), nullable=False, server_default=""),
    Column("payment_method_last4", String(4), nullable=False, server_default=""),
    Column("payment_method_expiry_month", Integer, nullable=False, server_default="0"),
    Column("payment_method_expiry_year", Integer, nullable=False, server_default="0"),
    Column("invoices_issued", Integer, nullable=False, server_default="0"),
    Column("credit_notes_issued", Integer, nullable=False, server_default="0"),
    Index("ix_subscriptions_current_period_end", "current_period_end"),
)

# One row per member who ever held a seat, with membership's version of that member.
seat_holders = Table(
    "seat_holders",
    metadata,
    Column("organization_id", String(36), primary_key=True),
    Column("member_id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_seat_holders_organization_status", "organization_id", "status"),
)

# Invoices as issued: amounts in minor units, the billing profile as it was then (JSON).
invoices = Table(
    "invoices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), nullable=False),
    Column("number", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal", BigInteger, nullable=False),
    Column("tax", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("tax_rate_basis_points", Integer, nullable=False),
    Column("period_start", UTCDateTime, nullable=False),
    Column("period_end", UTCDateTime, nullable=False),
    Column("profile", Text, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("paid_at", UTCDateTime, nullable=True),
    UniqueConstraint("organization_id", "number", name="uq_invoices_organization_number"),
    Index("ix_invoices_organization_issued", "organization_id", "issued_at"),
    # One renewal invoice per organization and period, whatever the code does: a second renewal of the same
    # period (run twice, concurrently, or after a crash) fails on this index instead of invoicing twice.
    Index(
        "uq_invoices_renewal_period",
        "organization_id",
        "period_start",
        unique=True,
        sqlite_where=text("reason = 'renewal'"),
        postgresql_where=text("reason = 'renewal'"),
    ),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", String(36), ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("description", String(255), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_amount", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("period_start", UTCDateTime, nullable=False),
    Column("period_end", UTCDateTime, nullable=False),
)

# Credit notes: corrections of a paid invoice (which stays as issued), amounts in minor units at its tax rate.
credit_notes = Table(
    "credit_notes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), nullable=False),
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=False),
    Column("number", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal", BigInteger, nullable=False),
    Column("tax", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("tax_rate_basis_points", Integer, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    UniqueConstraint("organization_id", "number", name="uq_credit_notes_organization_number"),
    Index("ix_credit_notes_organization_issued", "organization_id", "issued_at"),
    Index("ix_credit_notes_invoice", "invoice_id"),
)

# Every attempt to collect an invoice, successful or not, and payments recorded by hand (bank transfers).
payments = Table(
    "payments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), nullable=False),
    Column("invoice_id", String(36), ForeignKey("invoices.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("method", String(64), nullable=False),
    Column("reference", String(128), nullable=False),
    Column("failure_reason", String(255), nullable=False),
    Column("attempted_at", UTCDateTime, nullable=False),
    Index("ix_payments_organization_attempted", "organization_id", "attempted_at"),
)

idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
