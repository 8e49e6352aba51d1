"""Billing's domain events as envelopes on tenantry.billing.<entity>.<verb>."""

from __future__ import annotations

from tenantry.events.v1 import billing_events_pb2, entitlement_events_pb2, envelope_pb2

from services.billing.domain.catalogue import Catalogue
from services.billing.domain.entitlements import Entitlements, EntitlementsChanged, entitlement_changes
from services.billing.domain.events import (
    CreditNoteIssued,
    InvoiceIssued,
    OrganizationDeletionScheduled,
    PaymentAttempted,
    SeatReleased,
    SeatReserved,
    SubscriptionChanged,
)
from services.common.domain import DomainEvent
from services.common.messaging import EnvelopeFactory, EventTarget, timestamp

PRODUCER = "billing"
envelopes = EnvelopeFactory(PRODUCER)


def to_envelope(event: DomainEvent) -> envelope_pb2.Envelope:
    match event:
        case SeatReserved():
            return envelopes.wrap(
                event,
                event_type="seat.reserved",
                organization_id=event.organization_id,
                payload=billing_events_pb2.SeatReserved(
                    organization_id=event.organization_id,
                    member_id=event.member_id,
                    seats_in_use=event.seats_in_use,
                    seats_purchased=event.seats_purchased,
                ),
                target=EventTarget("member", event.member_id),
            )
        case SeatReleased():
            return envelopes.wrap(
                event,
                event_type="seat.released",
                organization_id=event.organization_id,
                payload=billing_events_pb2.SeatReleased(
                    organization_id=event.organization_id, member_id=event.member_id
                ),
                target=EventTarget("member", event.member_id),
            )
        case SubscriptionChanged(change=change, subscription=subscription, previous=previous):
            return envelopes.wrap(
                event,
                event_type=f"subscription.{change}",
                organization_id=subscription.organization_id,
                payload=billing_events_pb2.SubscriptionChanged(
                    organization_id=subscription.organization_id,
                    plan_id=subscription.plan_id,
                    status=subscription.status,
                    seats_purchased=subscription.seats_purchased,
                    seats_at_renewal=subscription.seats_at_renewal or 0,
                    current_period_start=timestamp(subscription.current_period_start),
                    current_period_end=timestamp(subscription.current_period_end),
                    cancel_at_period_end=subscription.cancel_at_period_end,
                    previous_seats_purchased=previous.seats_purchased,
                    previous_status=previous.status,
                    version=subscription.version,
                    plan_at_renewal=subscription.plan_at_renewal or "",
                    previous_plan_id=previous.plan_id,
                ),
                target=EventTarget("subscription", subscription.organization_id, subscription.plan_id),
            )
        case InvoiceIssued(invoice=invoice):
            draft = invoice.draft
            return envelopes.wrap(
                event,
                event_type="invoice.issued",
                organization_id=draft.organization_id,
                payload=billing_events_pb2.InvoiceIssued(
                    organization_id=draft.organization_id,
                    invoice_id=invoice.id,
                    number=invoice.number,
                    reason=draft.reason,
                    currency=draft.currency,
                    subtotal=draft.subtotal.amount,
                    tax=draft.tax.amount,
                    total=draft.total.amount,
                ),
                target=EventTarget("invoice", invoice.id, invoice.number),
            )
        case PaymentAttempted(outcome=outcome, payment=payment, failed_attempts=failed_attempts):
            return envelopes.wrap(
                event,
                event_type=f"payment.{outcome}",
                organization_id=payment.organization_id,
                payload=billing_events_pb2.PaymentAttempted(
                    organization_id=payment.organization_id,
                    payment_id=payment.id,
                    invoice_id=payment.invoice_id,
                    amount=payment.amount.amount,
                    currency=payment.amount.currency,
                    status=payment.status,
                    failure_reason=payment.failure_reason,
                    failed_attempts=failed_attempts,
                ),
                target=EventTarget("payment", payment.id, payment.method),
            )
        case CreditNoteIssued(credit_note=note):
            return envelopes.wrap(
                event,
                event_type="credit_note.issued",
                organization_id=note.organization_id,
                payload=billing_events_pb2.CreditNoteIssued(
                    organization_id=note.organization_id,
                    credit_note_id=note.id,
                    number=note.number,
                    invoice_id=note.invoice_id,
                    invoice_number=note.invoice_number,
                    currency=note.subtotal.currency,
                    subtotal=note.subtotal.amount,
                    tax=note.tax.amount,
                    total=note.total.amount,
                    reason=note.reason,
                ),
                target=EventTarget("credit_note", note.id, note.number),
            )
        case OrganizationDeletionScheduled():
            return envelopes.wrap(
                event,
                event_type="organization.deletion_scheduled",
                organization_id=event.organization_id,
                payload=billing_events_pb2.OrganizationDeletionScheduled(
                    organization_id=event.organization_id,
                    subscription_end_time=timestamp(event.subscription_ended_at),
                    deletion_time=timestamp(event.deletion_at),
                ),
                target=EventTarget("organization", event.organization_id),
            )
        case EntitlementsChanged(entitlements=entitlements):
            return envelopes.wrap(
                event,
                event_type="entitlements.changed",
                organization_id=entitlements.organization_id,
                payload=entitlement_events_pb2.EntitlementsChanged(
                    entitlements=entitlement_set(entitlements), previous_plan_id=event.previous_plan_id
                ),
                target=EventTarget("subscription", entitlements.organization_id, entitlements.plan_id),
            )
    raise TypeError(f"billing has no envelope for {type(event).__name__}")


def entitlement_set(entitlements: Entitlements) -> entitlement_events_pb2.EntitlementSet:
    return entitlement_events_pb2.EntitlementSet(
        organization_id=entitlements.organization_id,
        plan_id=entitlements.plan_id,
        subscription_status=entitlements.subscription_status,
        active=entitlements.active,
        features=list(entitlements.features),
        limits=dict(entitlements.limits),
        modules=list(entitlements.modules),
        version=entitlements.version,
        offers=[
            entitlement_events_pb2.EntitlementOffer(
                entitlement=offer.entitlement, plan_ids=list(offer.plan_ids), plan_names=list(offer.plan_names)
            )
            for offer in entitlements.offers
        ],
    )


class BillingEnvelopes:
    """Billing's events as envelopes, each followed by the events it causes (a subscription change that changes
    the organization's entitlements also announces entitlements.changed, in the same transaction)."""

    def __init__(self, catalogue: Catalogue):
        self._catalogue = catalogue

    def __call__(self, event: DomainEvent) -> list[envelope_pb2.Envelope]:
        return [to_envelope(event), *(to_envelope(more) for more in entitlement_changes(self._catalogue, event))]
