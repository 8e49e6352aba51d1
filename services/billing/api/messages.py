"""Billing's domain objects as the messages of BillingService, and back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from tenantry.billing.v1 import billing_service_pb2 as pb
from tenantry.common.v1 import common_pb2

from services.billing.domain.catalogue import Plan
from services.billing.domain.credit_notes import CreditNote
from services.billing.domain.invoices import Invoice, InvoiceDraft
from services.billing.domain.model import SeatUsage
from services.billing.domain.money import Money
from services.billing.domain.payments import Payment, PaymentMethod
from services.billing.domain.ports import ListPosition
from services.billing.domain.reconciliation import Reconciliation
from services.billing.domain.subscription import BillingProfile, Subscription
from services.common.messaging import timestamp

INVOICE_PREVIEW = "preview"


def optional_timestamp(moment: datetime | None) -> Timestamp | None:
    return timestamp(moment) if moment is not None else None


def money_to_proto(money: Money) -> common_pb2.Money:
    return common_pb2.Money(amount_minor=money.amount, currency=money.currency)


def seat_usage_to_proto(usage: SeatUsage) -> pb.SeatUsage:
    return pb.SeatUsage(
        organization_id=usage.organization_id,
        purchased=usage.purchased,
        active=usage.active,
        invited=usage.invited,
        in_use=usage.in_use,
        available=usage.available,
    )


def plan_to_proto(plan: Plan) -> pb.Plan:
    return pb.Plan(
        id=plan.id,
        name=plan.name,
        price_per_seat=money_to_proto(plan.price_per_seat),
        interval=plan.interval,
        minimum_seats=plan.minimum_seats,
        maximum_seats=plan.maximum_seats,
        trial_days=plan.trial_days,
        entitlements=list(plan.entitlements),
    )


def profile_to_proto(profile: BillingProfile) -> pb.BillingProfile:
    return pb.BillingProfile(
        legal_name=profile.legal_name,
        address=profile.address,
        country=profile.country,
        vat_id=profile.vat_id,
        tax_rate_basis_points=profile.tax_rate_basis_points,
        billing_email=profile.billing_email,
    )


def profile_from_proto(profile: pb.BillingProfile) -> BillingProfile:
    return BillingProfile(
        legal_name=profile.legal_name,
        address=profile.address,
        country=profile.country,
        vat_id=profile.vat_id,
        tax_rate_basis_points=profile.tax_rate_basis_points,
        billing_email=profile.billing_email,
    )


def payment_method_to_proto(method: PaymentMethod) -> pb.PaymentMethod:
    return pb.PaymentMethod(
        kind=method.kind,
        label=method.label,
        reference=method.reference,
        brand=method.brand,
        last4=method.last4,
        expiry_month=method.expiry_month,
        expiry_year=method.expiry_year,
        display=method.display,
    )


def subscription_to_proto(subscription: Subscription) -> pb.Subscription:
    return pb.Subscription(
        organization_id=subscription.organization_id,
        plan_id=subscription.plan_id,
        status=subscription.status,
        seats_purchased=subscription.seats_purchased,
        seats_at_renewal=subscription.seats_at_renewal or 0,
        current_period_start=timestamp(subscription.current_period_start),
        current_period_end=timestamp(subscription.current_period_end),
        cancel_at_period_end=subscription.cancel_at_period_end,
        cancel_time=optional_timestamp(subscription.canceled_at),
        failed_payment_attempts=subscription.failed_payment_attempts,
        next_payment_attempt_time=optional_timestamp(subscription.next_payment_attempt_at),
        billing_profile=profile_to_proto(subscription.profile),
        payment_method=payment_method_to_proto(subscription.payment_method),
        version=subscription.version,
        plan_at_renewal=subscription.plan_at_renewal or "",
    )


def draft_to_proto(draft: InvoiceDraft, issue_time: datetime) -> pb.Invoice:
    return pb.Invoice(
        status=INVOICE_PREVIEW,
        reason=draft.reason,
        lines=[
            pb.InvoiceLine(
                description=line.description,
                quantity=line.quantity,
                unit_amount=money_to_proto(line.unit_amount),
                amount=money_to_proto(line.amount),
                period_start=timestamp(line.period_start),
                period_end=timestamp(line.period_end),
            )
            for line in draft.lines
        ],
        subtotal=money_to_proto(draft.subtotal),
        tax=money_to_proto(draft.tax),
        total=money_to_proto(draft.total),
        tax_rate_basis_points=draft.tax_rate_basis_points,
        period_start=timestamp(draft.period_start),
        period_end=timestamp(draft.period_end),
        issue_time=timestamp(issue_time),
        billing_profile=profile_to_proto(draft.profile),
    )


def invoice_to_proto(invoice: Invoice) -> pb.Invoice:
    message = draft_to_proto(invoice.draft, invoice.issued_at)
    message.id = invoice.id
    message.number = invoice.number
    message.status = invoice.status
    if invoice.paid_at is not None:
        message.paid_time.CopyFrom(timestamp(invoice.paid_at))
    return message


def payment_to_proto(payment: Payment) -> pb.Payment:
    return pb.Payment(
        id=payment.id,
        invoice_id=payment.invoice_id,
        amount=money_to_proto(payment.amount),
        status=payment.status,
        method=payment.method,
        reference=payment.reference,
        failure_reason=payment.failure_reason,
        attempt_time=timestamp(payment.attempted_at),
    )


def credit_note_to_proto(note: CreditNote) -> pb.CreditNote:
    return pb.CreditNote(
        id=note.id,
        number=note.number,
        invoice_id=note.invoice_id,
        invoice_number=note.invoice_number,
        reason=note.reason,
        subtotal=money_to_proto(note.subtotal),
        tax=money_to_proto(note.tax),
        total=money_to_proto(note.total),
        tax_rate_basis_points=note.tax_rate_basis_points,
        issue_time=timestamp(note.issued_at),
    )


def reconciliation_to_proto(result: Reconciliation) -> pb.ReconcileSeatsResponse:
    return pb.ReconcileSeatsResponse(
        membership_members=result.membership_members,
        billing_seats=result.billing_seats,
        differences=[
            pb.SeatDifference(
                member_id=difference.member_id,
                kind=difference.kind,
                membership_status=difference.membership_status,
                billing_status=difference.billing_status,
            )
            for difference in result.differences
        ],
        in_sync=result.in_sync,
    )


def payment_method_from_proto(method: pb.PaymentMethod) -> PaymentMethod:
    return PaymentMethod(
        method.kind, method.label, method.reference, method.brand, method.last4, method.expiry_month, method.expiry_year
    )


def position_to_token_fields(position: ListPosition) -> dict[str, str]:
    return {"time": position.moment.isoformat(), "key": position.key}


def position_from_token_fields(fields: dict[str, Any] | None) -> ListPosition | None:
    """The position a verified page token carries (None for the first page)."""
    if fields is None:
        return None
    return ListPosition(datetime.fromisoformat(str(fields["time"])), str(fields["key"]))
