"""BillingService over gRPC: parse, call one use case, convert."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from tenantry.billing.v1 import billing_service_pb2 as pb
from tenantry.billing.v1 import billing_service_pb2_grpc as pb_grpc

from services.billing.api.messages import (
    credit_note_to_proto,
    draft_to_proto,
    invoice_to_proto,
    payment_method_from_proto,
    payment_to_proto,
    plan_to_proto,
    position_from_token_fields,
    position_to_token_fields,
    profile_from_proto,
    reconciliation_to_proto,
    seat_usage_to_proto,
    subscription_to_proto,
)
from services.billing.domain.billing_records import credit_note_position, invoice_position, payment_position
from services.billing.domain.invoiced_changes import InvoicedChange
from services.billing.domain.ports import InvoiceRenderer, ListPosition
from services.billing.domain.reconciliation import SeatReconciliation
from services.billing.domain.subscription import Subscription
from services.billing.domain.use_cases import BillingUseCases
from services.common.errors import FailedPrecondition
from services.common.filters import parse_equality_filter
from services.common.pagination import PageTokens, page_size, split_page
from services.common.principal import Principal, current_call

Row = TypeVar("Row")


def invoiced_change_fields(change: InvoicedChange) -> dict[str, object]:
    """The fields ChangeSeatsResponse and ChangePlanResponse share: the subscription, and the invoice the change
    issued with its collection, when there was one."""
    fields: dict[str, object] = {"subscription": subscription_to_proto(change.subscription)}
    if change.invoice is not None:
        fields["invoice"] = invoice_to_proto(change.invoice)
    if change.payment is not None:
        fields["payment"] = payment_to_proto(change.payment)
    return fields


async def changed_subscription(change: Callable[[Principal], Awaitable[Subscription]]) -> pb.Subscription:
    """The subscription a change by the caller leaves, as a message."""
    return subscription_to_proto(await change(current_call().require_principal()))


class BillingServicer(pb_grpc.BillingServiceServicer):
    def __init__(
        self,
        use_cases: BillingUseCases,
        page_tokens: PageTokens,
        render_invoice: InvoiceRenderer,
        reconciliation: SeatReconciliation | None = None,
    ):
        self._use_cases = use_cases
        self._page_tokens = page_tokens
        self._render_invoice = render_invoice
        self._reconciliation = reconciliation

    async def _page(
        self,
        scope: str,
        request: pb.ListInvoicesRequest | pb.ListPaymentsRequest | pb.ListCreditNotesRequest,
        fetch: Callable[[Principal, int, ListPosition | None], Awaitable[list[Row]]],
        position_of: Callable[[Row], ListPosition],
    ) -> tuple[list[Row], str]:
        """One page of a newest-first list and the token of the next ('' on the last): one row more than the page
        is fetched to know whether another page follows."""
        principal = current_call().require_principal()
        after = position_from_token_fields(self._page_tokens.decode(scope, request.page_token))
        limit = page_size(request.page_size)
        rows = await fetch(principal, limit, after)  # a page and one row more
        return split_page(rows, limit, self._page_tokens, scope, lambda row: position_to_token_fields(position_of(row)))

    async def GetSeatUsage(
        self, request: pb.GetSeatUsageRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSeatUsageResponse:
        usage = await self._use_cases.seat_holds.seat_usage(current_call().require_principal(), request.organization_id)
        return pb.GetSeatUsageResponse(seat_usage=seat_usage_to_proto(usage))

    async def ReserveSeat(
        self, request: pb.ReserveSeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReserveSeatResponse:
        call = current_call()
        usage = await self._use_cases.seat_holds.reserve_seat(
            call.require_principal(), request.organization_id, request.member_id
        )
        return pb.ReserveSeatResponse(seat_usage=seat_usage_to_proto(usage))

    async def ReleaseSeat(
        self, request: pb.ReleaseSeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReleaseSeatResponse:
        call = current_call()
        await self._use_cases.seat_holds.release_seat(
            call.require_principal(), request.organization_id, request.member_id
        )
        return pb.ReleaseSeatResponse()

    async def ListPlans(self, request: pb.ListPlansRequest, context: grpc.aio.ServicerContext) -> pb.ListPlansResponse:
        plans = await self._use_cases.subscriptions.list_plans(
            current_call().require_principal(), request.organization_id
        )
        return pb.ListPlansResponse(plans=[plan_to_proto(plan) for plan in plans])

    async def GetSubscription(
        self, request: pb.GetSubscriptionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSubscriptionResponse:
        dashboard = await self._use_cases.subscriptions.dashboard(
            current_call().require_principal(), request.organization_id
        )
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
        purchases = self._use_cases.seat_purchases
        key = request.idempotency_key or call.idempotency_key
        if request.true_up_within > 0:
            change, bought = await purchases.true_up(
                call.require_principal(), request.organization_id, request.true_up_within, key
            )
            return pb.ChangeSeatsResponse(**invoiced_change_fields(change), seat_bought=bought)  # type: ignore[arg-type]
        change = await purchases.change_seats(
            call.require_principal(),
            request.organization_id,
            request.seats,
            key,
            request.expected_charge_minor if request.HasField("expected_charge_minor") else None,
        )
        return pb.ChangeSeatsResponse(**invoiced_change_fields(change))  # type: ignore[arg-type]

    async def PreviewSeatChange(
        self, request: pb.PreviewSeatChangeRequest, context: grpc.aio.ServicerContext
    ) -> pb.PreviewSeatChangeResponse:
        preview = await self._use_cases.seat_purchases.preview_seat_change(
            current_call().require_principal(), request.organization_id, request.seats
        )
        response = pb.PreviewSeatChangeResponse(subscription=subscription_to_proto(preview.after))
        if preview.charge_now is not None:
            response.charge_now.CopyFrom(draft_to_proto(preview.charge_now, preview.at))
        if preview.next_invoice is not None:
            response.next_invoice.CopyFrom(draft_to_proto(preview.next_invoice, preview.after.current_period_end))
        return response

    async def ChangePlan(
        self, request: pb.ChangePlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.ChangePlanResponse:
        call = current_call()
        change = await self._use_cases.plan_changes.change_plan(
            call.require_principal(),
            request.organization_id,
            request.plan_id,
            request.idempotency_key or call.idempotency_key,
            request.expected_charge_minor if request.HasField("expected_charge_minor") else None,
        )
        return pb.ChangePlanResponse(**invoiced_change_fields(change))  # type: ignore[arg-type]

    async def PreviewPlanChange(
        self, request: pb.PreviewPlanChangeRequest, context: grpc.aio.ServicerContext
    ) -> pb.PreviewPlanChangeResponse:
        preview = await self._use_cases.plan_changes.preview_plan_change(
            current_call().require_principal(), request.organization_id, request.plan_id
        )
        response = pb.PreviewPlanChangeResponse(
            subscription=subscription_to_proto(preview.after), applies_now=preview.applies_now
        )
        if preview.charge_now is not None:
            response.charge_now.CopyFrom(draft_to_proto(preview.charge_now, preview.at))
        if preview.next_invoice is not None:
            response.next_invoice.CopyFrom(draft_to_proto(preview.next_invoice, preview.after.current_period_end))
        return response

    async def UpdateBillingProfile(
        self, request: pb.UpdateBillingProfileRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateBillingProfileResponse:
        profile = profile_from_proto(request.billing_profile)
        subscriptions = self._use_cases.subscriptions
        changed = await changed_subscription(
            lambda principal: subscriptions.update_profile(principal, request.organization_id, profile)
        )
        return pb.UpdateBillingProfileResponse(subscription=changed)

    async def UpdatePaymentMethod(
        self, request: pb.UpdatePaymentMethodRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdatePaymentMethodResponse:
        method = payment_method_from_proto(request.payment_method)
        subscriptions = self._use_cases.subscriptions
        changed = await changed_subscription(
            lambda principal: subscriptions.update_payment_method(principal, request.organization_id, method)
        )
        return pb.UpdatePaymentMethodResponse(subscription=changed)

    async def CancelSubscription(
        self, request: pb.CancelSubscriptionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelSubscriptionResponse:
        cancel = self._use_cases.subscriptions.cancel
        changed = await changed_subscription(lambda principal: cancel(principal, request.organization_id))
        return pb.CancelSubscriptionResponse(subscription=changed)

    async def ResumeSubscription(
        self, request: pb.ResumeSubscriptionRequest, context: grpc.aio.ServicerContext
    ) -> pb.ResumeSubscriptionResponse:
        resume = self._use_cases.subscriptions.resume
        changed = await changed_subscription(lambda principal: resume(principal, request.organization_id))
        return pb.ResumeSubscriptionResponse(subscription=changed)

    async def ListInvoices(
        self, request: pb.ListInvoicesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListInvoicesResponse:
        status = parse_equality_filter(request.filter, {"status"}).get("status")
        invoices, next_token = await self._page(
            f"invoices:{request.organization_id}:{request.filter}",
            request,
            lambda principal, limit, after: self._use_cases.records.list_invoices(
                principal, request.organization_id, limit, status, after
            ),
            invoice_position,
        )
        return pb.ListInvoicesResponse(invoices=[invoice_to_proto(row) for row in invoices], next_page_token=next_token)

    async def GetInvoicePdf(
        self, request: pb.GetInvoicePdfRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetInvoicePdfResponse:
        invoice = await self._use_cases.records.get_invoice(
            current_call().require_principal(), request.organization_id, request.invoice_id
        )
        pdf = await asyncio.to_thread(self._render_invoice, invoice)  # CPU-bound: off the event loop
        return pb.GetInvoicePdfResponse(pdf=pdf, file_name=f"invoice-{invoice.number}.pdf")

    async def ListPayments(
        self, request: pb.ListPaymentsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListPaymentsResponse:
        records = self._use_cases.records
        payments, next_token = await self._page(
            f"payments:{request.organization_id}",
            request,
            lambda principal, limit, after: records.list_payments(principal, request.organization_id, limit, after),
            payment_position,
        )
        return pb.ListPaymentsResponse(payments=[payment_to_proto(row) for row in payments], next_page_token=next_token)

    async def RecordPayment(
        self, request: pb.RecordPaymentRequest, context: grpc.aio.ServicerContext
    ) -> pb.RecordPaymentResponse:
        call = current_call()
        recorded = await self._use_cases.payments.record_payment(
            call.require_principal(),
            request.organization_id,
            request.invoice_id,
            request.reference,
            request.idempotency_key or call.idempotency_key,
        )
        return pb.RecordPaymentResponse(
            payment=payment_to_proto(recorded.payment), subscription=subscription_to_proto(recorded.subscription)
        )

    async def CancelSeatReduction(
        self, request: pb.CancelSeatReductionRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelSeatReductionResponse:
        cancel_reduction = self._use_cases.seat_purchases.cancel_seat_reduction
        changed = await changed_subscription(lambda principal: cancel_reduction(principal, request.organization_id))
        return pb.CancelSeatReductionResponse(subscription=changed)

    async def CreateCreditNote(
        self, request: pb.CreateCreditNoteRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateCreditNoteResponse:
        call = current_call()
        note = await self._use_cases.credit_notes.create_credit_note(
            call.require_principal(),
            request.organization_id,
            request.invoice_id,
            request.amount_minor,
            request.reason,
            request.idempotency_key or call.idempotency_key,
        )
        return pb.CreateCreditNoteResponse(credit_note=credit_note_to_proto(note))

    async def ListCreditNotes(
        self, request: pb.ListCreditNotesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListCreditNotesResponse:
        notes, next_token = await self._page(
            f"credit_notes:{request.organization_id}",
            request,
            lambda principal, limit, after: self._use_cases.records.list_credit_notes(
                principal, request.organization_id, limit, after
            ),
            credit_note_position,
        )
        return pb.ListCreditNotesResponse(
            credit_notes=[credit_note_to_proto(row) for row in notes], next_page_token=next_token
        )

    async def ReconcileSeats(
        self, request: pb.ReconcileSeatsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ReconcileSeatsResponse:
        if self._reconciliation is None:
            raise FailedPrecondition("Reconciliation is not configured.", reason="RECONCILIATION_UNAVAILABLE")
        result = await self._reconciliation.reconcile(current_call().require_principal(), request.organization_id)
        return reconciliation_to_proto(result)
