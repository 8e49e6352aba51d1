"""BillingService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import asyncio
from datetime import datetime

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from tenantry.billing.v1 import billing_service_pb2 as pb
from tenantry.billing.v1 import billing_service_pb2_grpc as pb_grpc
from tenantry.common.v1 import common_pb2

from services.billing.api.invoice_pdf import render_invoice_pdf
from services.billing.domain.catalogue import Plan
from services.billing.domain.credit_notes import CreditNote
from services.billing.domain.invoices import Invoice, InvoiceDraft
from services.billing.domain.model import SeatUsage
from services.billing.domain.money import Money
from services.billing.domain.payments import Payment, PaymentMethod
from services.billing.domain.reconciliation import Reconciliation, SeatReconciliation
from services.billing.domain.subscription import BillingProfile, Subscription
from services.billing.domain.subscription_use_cases import SubscriptionUseCases
from services.billing.domain.use_cases import BillingUseCases
from services.common.errors import FailedPrecondition
from services.common.filters import parse_equality_filter
from services.common.messaging import timestamp
from services.common.principal import current_call

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


class BillingServicer(pb_grpc.BillingServiceServicer):
    def __init__(
        self,
        use_cases: BillingUseCases,
        subscriptions: SubscriptionUseCases,
        reconciliation: SeatReconciliation | None = None,
    ):
        self._reconciliation = reconciliation
        self._use_cases = use_cases
        self._subscriptions = subscriptions

    async def GetSeatUsage(
        self, request: pb.GetSeatUsageRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSeatUsageResponse:
        usage = await self._use_cases.seat_usage(current_call().require_principal(), request.organization_id)
        return pb.GetSeatUsageResponse(seat_usage=seat_usage_to_proto(usage))

    async def ReserveSeat(
        self, request: pb.ReserveSeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReserveSeatResponse:
        call = current_call()
        usage = await self._use_cases.reserve_seat(
            call.require_principal(), request.organization_id, request.member_id, call.request_id
        )
        return pb.ReserveSeatResponse(seat_usage=seat_usage_to_proto(usage))

    async def ReleaseSeat(
        self, request: pb.ReleaseSeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReleaseSeatResponse:
        call = current_call()
        await self._use_cases.release_seat(
            call.require_principal(), request.organization_id, request.member_id, call.request_id
        )
        return pb.ReleaseSeatResponse()

    async def ListPlans(self, request: pb.ListPlansRequest, context: grpc.aio.ServicerContext) -> pb.ListPlansResponse:
        plans = await self._subscriptions.list_plans(current_call().require_principal(), request.organization_id)
        return pb.ListPlansResponse(plans=[plan_to_proto(plan) for plan in plans])

    async def GetSubscription(
        self, request: pb.GetSubscriptionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSubscriptionResponse:
        dashboard = await self._subscriptions.dashboard(current_call().require_principal(), request.organization_id)
        response = pb.GetSubscriptionResponse(
            subscription=subscription_to_proto(dashboard.subscription),
            plan=plan_to_proto(dashboard.plan),
            seat_usage=seat_usage_to_proto(dashboard.seat_usage),
        )
        if dashboard.upcoming_invoice is not None:
            response.upcoming_invoice.CopyFrom(
                draft_to_proto(dashboard.upcoming_invoice, dashboard.subscription.current_period_end)
            )
        return response

    async def ChangeSeats(
        self, request: pb.ChangeSeatsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ChangeSeatsResponse:
        call = current_call()
        change = await self._subscriptions.change_seats(
            call.require_principal(), request.organization_id, request.seats, call.request_id, request.request_id
        )
        response = pb.ChangeSeatsResponse(subscription=subscription_to_proto(change.subscription))
        if change.invoice is not None:
            response.invoice.CopyFrom(invoice_to_proto(change.invoice))
        if change.payment is not None:
            response.payment.CopyFrom(payment_to_proto(change.payment))
        return response

    async def ChangePlan(
        self, request: pb.ChangePlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.ChangePlanResponse:
        call = current_call()
        change = await self._subscriptions.change_plan(
            call.require_principal(), request.organization_id, request.plan_id, call.request_id, request.request_id
        )
        response = pb.ChangePlanResponse(subscription=subscription_to_proto(change.subscription))
        if change.invoice is not None:
            response.invoice.CopyFrom(invoice_to_proto(change.invoice))
        if change.payment is not None:
            response.payment.CopyFrom(payment_to_proto(change.payment))
        return response

    async def UpdateBillingProfile(
        self, request: pb.UpdateBillingProfileRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateBillingProfileResponse:
        call = current_call()
        subscription = await self._subscriptions.update_profile(
            call.require_principal(),
            request.organization_id,
            profile_from_proto(request.billing_profile),
            call.request_id,
        )
        return pb.UpdateBillingProfileResponse(subscription=subscription_to_proto(subscription))

    async def UpdatePaymentMethod(
        self, request: pb.UpdatePaymentMethodRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdatePaymentMethodResponse:
        call = current_call()
        given = request.payment_method
        method = PaymentMethod(
            given.kind, given.label, given.reference, given.brand, given.last4, given.expiry_month, given.expiry_year
        )
        subscription = await self._subscriptions.update_payment_method(
            call.require_principal(), request.organization_id, method, call.request_id
        )
        return pb.UpdatePaymentMethodResponse(subscription=subscription_to_proto(subscription))

    async def CancelSubscription(
        self, request: pb.CancelSubscriptionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelSubscriptionResponse:
        call = current_call()
        subscription = await self._subscriptions.cancel(
            call.require_principal(), request.organization_id, call.request_id
        )
        return pb.CancelSubscriptionResponse(subscription=subscription_to_proto(subscription))

    async def ResumeSubscription(
        self, request: pb.ResumeSubscriptionRequest, context: grpc.aio.ServicerContext
    ) -> pb.ResumeSubscriptionResponse:
        call = current_call()
        subscription = await self._subscriptions.resume(
            call.require_principal(), request.organization_id, call.request_id
        )
        return pb.ResumeSubscriptionResponse(subscription=subscription_to_proto(subscription))

    async def ListInvoices(
        self, request: pb.ListInvoicesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListInvoicesResponse:
        status = parse_equality_filter(request.filter, {"status"}).get("status")
        invoices = await self._subscriptions.list_invoices(
            current_call().require_principal(), request.organization_id, request.page_size, status
        )
        return pb.ListInvoicesResponse(invoices=[invoice_to_proto(invoice) for invoice in invoices])

    async def GetInvoicePdf(
        self, request: pb.GetInvoicePdfRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetInvoicePdfResponse:
        invoice = await self._subscriptions.get_invoice(
            current_call().require_principal(), request.organization_id, request.invoice_id
        )
        pdf = await asyncio.to_thread(render_invoice_pdf, invoice)  # CPU-bound: off the event loop
        return pb.GetInvoicePdfResponse(pdf=pdf, file_name=f"invoice-{invoice.number}.pdf")

    async def ListPayments(
        self, request: pb.ListPaymentsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListPaymentsResponse:
        payments = await self._subscriptions.list_payments(
            current_call().require_principal(), request.organization_id, request.page_size
        )
        return pb.ListPaymentsResponse(payments=[payment_to_proto(payment) for payment in payments])

    async def RecordPayment(
        self, request: pb.RecordPaymentRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecordPaymentResponse:
        call = current_call()
        recorded = await self._subscriptions.record_payment(
            call.require_principal(),
            request.organization_id,
            request.invoice_id,
            request.reference,
            call.request_id,
            request.request_id,
        )
        return pb.RecordPaymentResponse(
            payment=payment_to_proto(recorded.payment), subscription=subscription_to_proto(recorded.subscription)
        )

    async def CancelSeatReduction(
        self, request: pb.CancelSeatReductionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelSeatReductionResponse:
        call = current_call()
        subscription = await self._subscriptions.cancel_seat_reduction(
            call.require_principal(), request.organization_id, call.request_id
        )
        return pb.CancelSeatReductionResponse(subscription=subscription_to_proto(subscription))

    async def CreateCreditNote(
        self, request: pb.CreateCreditNoteRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateCreditNoteResponse:
        call = current_call()
        note = await self._subscriptions.create_credit_note(
            call.require_principal(),
            request.organization_id,
            request.invoice_id,
            request.amount_minor,
            request.reason,
            call.request_id,
            request.request_id,
        )
        return pb.CreateCreditNoteResponse(credit_note=credit_note_to_proto(note))

    async def ListCreditNotes(
        self, request: pb.ListCreditNotesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListCreditNotesResponse:
        notes = await self._subscriptions.list_credit_notes(
            current_call().require_principal(), request.organization_id, request.page_size
        )
        return pb.ListCreditNotesResponse(credit_notes=[credit_note_to_proto(note) for note in notes])

    async def ReconcileSeats(
        self, request: pb.ReconcileSeatsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReconcileSeatsResponse:
        if self._reconciliation is None:
            raise FailedPrecondition("Reconciliation is not configured.", reason="RECONCILIATION_UNAVAILABLE")
        result = await self._reconciliation.reconcile(current_call().require_principal(), request.organization_id)
        return reconciliation_to_proto(result)
