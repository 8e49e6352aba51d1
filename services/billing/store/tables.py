"""Billing's own database: its tables as SQLModel table models; the stores use the Core tables below."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint, text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.db import UTCDateTime
from services.common.idempotency import idempotency_table
from services.common.mail_outbox import mail_outbox_table
from services.common.messaging import messaging_tables
from services.common.tables import core_table


class BillingBase(SQLModel, registry=registry()):
    """Base of billing's table models: their own metadata, apart from the other services' tables."""


class SubscriptionRow(BillingBase, table=True):
    """One subscription per organization: plan, status, current period, billing profile and payment method."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_current_period_end", "current_period_end"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    seats_purchased: int
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = Field(default=1)
    plan_id: str = Field(max_length=64, sa_column_kwargs={"server_default": ""})
    status: str = Field(max_length=16, sa_column_kwargs={"server_default": "active"})
    period_anchor: datetime | None = Field(default=None, sa_type=UTCDateTime)
    periods_elapsed: int = Field(sa_column_kwargs={"server_default": "1"})
    current_period_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    current_period_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_at_period_end: bool = Field(sa_column_kwargs={"server_default": "0"})
    seats_at_renewal: int | None = None
    plan_at_renewal: str | None = Field(default=None, max_length=64)
    failed_payment_attempts: int = Field(sa_column_kwargs={"server_default": "0"})
    next_payment_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    canceled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    legal_name: str = Field(max_length=200, sa_column_kwargs={"server_default": ""})
    address: str = Field(sa_type=Text, sa_column_kwargs={"server_default": ""})
    country: str = Field(max_length=2, sa_column_kwargs={"server_default": ""})
    vat_id: str = Field(max_length=32, sa_column_kwargs={"server_default": ""})
    tax_rate_basis_points: int = Field(sa_column_kwargs={"server_default": "0"})
    billing_email: str = Field(max_length=254, sa_column_kwargs={"server_default": ""})
    payment_method_kind: str = Field(max_length=16, sa_column_kwargs={"server_default": "none"})
    payment_method_label: str = Field(max_length=64, sa_column_kwargs={"server_default": ""})
    # Provider references only (never a card number): the provider's token, brand, last 4 digits, expiry.
    payment_method_reference: str = Field(max_length=64, sa_column_kwargs={"server_default": ""})
    payment_method_brand: str = Field(max_length=20, sa_column_kwargs={"server_default": ""})
    payment_method_last4: str = Field(max_length=4, sa_column_kwargs={"server_default": ""})
    payment_method_expiry_month: int = Field(sa_column_kwargs={"server_default": "0"})
    payment_method_expiry_year: int = Field(sa_column_kwargs={"server_default": "0"})
    invoices_issued: int = Field(sa_column_kwargs={"server_default": "0"})
    credit_notes_issued: int = Field(sa_column_kwargs={"server_default": "0"})


class SeatHolderRow(BillingBase, table=True):
    """One row per member who ever held a seat, with membership's version of that member."""

    __tablename__ = "seat_holders"
    __table_args__ = (Index("ix_seat_holders_organization_status", "organization_id", "status"),)

    organization_id: str = Field(primary_key=True, max_length=36)
    member_id: str = Field(primary_key=True, max_length=36)
    status: str = Field(max_length=16)
    version: int
    updated_at: datetime = Field(sa_type=UTCDateTime)


class InvoiceRow(BillingBase, table=True):
    """Invoices as issued: amounts in minor units, the billing profile as it was then (JSON)."""

    __tablename__ = "invoices"
    __table_args__ = (
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

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    number: str = Field(max_length=32)
    status: str = Field(max_length=16)
    reason: str = Field(max_length=32)
    currency: str = Field(max_length=3)
    subtotal: int = Field(sa_type=BigInteger)
    tax: int = Field(sa_type=BigInteger)
    total: int = Field(sa_type=BigInteger)
    tax_rate_basis_points: int
    period_start: datetime = Field(sa_type=UTCDateTime)
    period_end: datetime = Field(sa_type=UTCDateTime)
    profile: str = Field(sa_type=Text)
    issued_at: datetime = Field(sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InvoiceLineRow(BillingBase, table=True):
    __tablename__ = "invoice_lines"

    invoice_id: str = Field(primary_key=True, max_length=36, foreign_key="invoices.id", ondelete="CASCADE")
    position: int = Field(primary_key=True)
    description: str = Field(max_length=255)
    quantity: int
    unit_amount: int = Field(sa_type=BigInteger)
    amount: int = Field(sa_type=BigInteger)
    period_start: datetime = Field(sa_type=UTCDateTime)
    period_end: datetime = Field(sa_type=UTCDateTime)


class CreditNoteRow(BillingBase, table=True):
    """Credit notes: corrections of a paid invoice (which stays as issued), amounts in minor units at its tax rate."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        UniqueConstraint("organization_id", "number", name="uq_credit_notes_organization_number"),
        Index("ix_credit_notes_organization_issued", "organization_id", "issued_at"),
        Index("ix_credit_notes_invoice", "invoice_id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    invoice_id: str = Field(max_length=36, foreign_key="invoices.id")
    number: str = Field(max_length=32)
    reason: str = Field(sa_type=Text)
    currency: str = Field(max_length=3)
    subtotal: int = Field(sa_type=BigInteger)
    tax: int = Field(sa_type=BigInteger)
    total: int = Field(sa_type=BigInteger)
    tax_rate_basis_points: int
    issued_at: datetime = Field(sa_type=UTCDateTime)


class PaymentRow(BillingBase, table=True):
    """Every attempt to collect an invoice, successful or not, and payments recorded by hand (bank transfers)."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_organization_attempted", "organization_id", "attempted_at"),)

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(max_length=36)
    invoice_id: str = Field(max_length=36, foreign_key="invoices.id")
    amount: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    status: str = Field(max_length=16)
    method: str = Field(max_length=64)
    reference: str = Field(max_length=128)
    failure_reason: str = Field(max_length=255)
    attempted_at: datetime = Field(sa_type=UTCDateTime)


class FeatureUseRow(BillingBase, table=True):
    """What an organization uses of a feature its plan grants (an enabled SSO connection uses "sso"), projected from
    the owning service's events: a plan without the feature would break it, so a move to one is refused."""

    __tablename__ = "feature_uses"

    organization_id: str = Field(primary_key=True, max_length=36)
    feature: str = Field(primary_key=True, max_length=64)
    # What uses it (an SSO connection's id).
    subject_id: str = Field(primary_key=True, max_length=36)
    subject_name: str = Field(max_length=200)
    in_use: bool
    # The subject's version in its service: an older event never overwrites a newer state.
    version: int = Field(sa_type=BigInteger)


metadata = BillingBase.metadata
subscriptions = core_table(SubscriptionRow)
seat_holders = core_table(SeatHolderRow)
invoices = core_table(InvoiceRow)
invoice_lines = core_table(InvoiceLineRow)
credit_notes = core_table(CreditNoteRow)
payments = core_table(PaymentRow)
feature_uses = core_table(FeatureUseRow)
mail_outbox = mail_outbox_table(metadata)
idempotency_keys = idempotency_table(metadata)
messaging = messaging_tables(metadata)
