"""REST routes of billing: seats, plans, the subscription dashboard, seat changes, billing profile, payment
method, cancellation, invoices (JSON and PDF) and payments. Every handler is one billing call; the rules
(permissions, proration, rounding) live in billing."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.common.v1 import common_pb2

from gateway import convert
from gateway.routing import ApiRoute, BadRequest, Context, equality_filter, page_size_of, path_id

MAX_TEXT_FIELD = 1000
PROFILE_TEXT_FIELDS = ("legal_name", "address", "country", "vat_id", "billing_email")
PROFILE_FIELDS = (*PROFILE_TEXT_FIELDS, "tax_rate_basis_points")


def money(value: common_pb2.Money) -> dict[str, Any]:
    """Money stays exact: integer minor units plus the ISO 4217 code (no floats in the API)."""
    return {"amount_minor": value.amount_minor, "currency": value.currency}


def plan_json(plan: billing_pb.Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name": plan.name,
        "price_per_seat": money(plan.price_per_seat),
        "interval": plan.interval,
        "minimum_seats": plan.minimum_seats,
        "maximum_seats": plan.maximum_seats,
        "trial_days": plan.trial_days,
        "entitlements": list(plan.entitlements),
    }


def profile_json(profile: billing_pb.BillingProfile) -> dict[str, Any]:
    return {
        "legal_name": profile.legal_name,
        "address": profile.address,
        "country": profile.country,
        "vat_id": profile.vat_id,
        "tax_rate_basis_points": profile.tax_rate_basis_points,
        "billing_email": profile.billing_email,
    }


def payment_method_json(method: billing_pb.PaymentMethod) -> dict[str, Any]:
    return {
        "kind": method.kind,
        "label": method.label,
        "reference": method.reference,
        "brand": method.brand,
        "last4": method.last4,
        "expiry_month": method.expiry_month,
        "expiry_year": method.expiry_year,
        "display": method.display,
    }


def subscription_json(subscription: billing_pb.Subscription) -> dict[str, Any]:
    return {
        "organization_id": subscription.organization_id,
        "plan_id": subscription.plan_id,
        "status": subscription.status,
        "seats_purchased": subscription.seats_purchased,
        "seats_at_renewal": subscription.seats_at_renewal or None,
        "current_period_start": convert.time_of(subscription.current_period_start),
        "current_period_end": convert.time_of(subscription.current_period_end),
        "cancel_at_period_end": subscription.cancel_at_period_end,
        "cancel_time": convert.time_of(subscription.cancel_time),
        "failed_payment_attempts": subscription.failed_payment_attempts,
        "next_payment_attempt_time": convert.time_of(subscription.next_payment_attempt_time),
        "billing_profile": profile_json(subscription.billing_profile),
        "payment_method": payment_method_json(subscription.payment_method),
        "version": subscription.version,
        "plan_at_renewal": subscription.plan_at_renewal or None,
    }


def invoice_json(invoice: billing_pb.Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id or None,
        "number": invoice.number or None,
        "status": invoice.status,
        "reason": invoice.reason,
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_amount": money(line.unit_amount),
                "amount": money(line.amount),
                "period_start": convert.time_of(line.period_start),
                "period_end": convert.time_of(line.period_end),
            }
            for line in invoice.lines
        ],
        "subtotal": money(invoice.subtotal),
        "tax": money(invoice.tax),
        "total": money(invoice.total),
        "tax_rate_basis_points": invoice.tax_rate_basis_points,
        "period_start": convert.time_of(invoice.period_start),
        "period_end": convert.time_of(invoice.period_end),
        "issue_time": convert.time_of(invoice.issue_time),
        "paid_time": convert.time_of(invoice.paid_time),
        "billing_profile": profile_json(invoice.billing_profile),
    }


def payment_json(payment: billing_pb.Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "invoice_id": payment.invoice_id,
        "amount": money(payment.amount),
        "status": payment.status,
        "method": payment.method,
        "reference": payment.reference,
        "failure_reason": payment.failure_reason,
        "attempt_time": convert.time_of(payment.attempt_time),
    }


def refuse_unknown_fields(context: Context, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(context.body) - set(allowed))
    if unknown:
        raise BadRequest(
            f"Only these fields are accepted: {', '.join(allowed)}.",
            [{"field": name, "description": "unknown field"} for name in unknown],
        )


def text_field(context: Context, name: str, *, required: bool = False) -> str:
    value = context.body.get(name, "")
    if not isinstance(value, str) or (required and not value):
        raise BadRequest(f"{name} must be a string.", [{"field": name, "description": "a string is required"}])
    return value[:MAX_TEXT_FIELD]


def whole_number_field(context: Context, name: str, *, required: bool = False) -> int:
    value = context.body.get(name, 0 if not required else None)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2**31 - 1:
        raise BadRequest(f"{name} must be a whole number.", [{"field": name, "description": "a whole number"}])
    return value


async def seat_usage(context: Context) -> Response:
    reply = await context.clients.billing.GetSeatUsage(
        billing_pb.GetSeatUsageRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(convert.seat_usage(reply.seat_usage))


async def list_plans(context: Context) -> Response:
    reply = await context.clients.billing.ListPlans(
        billing_pb.ListPlansRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"plans": [plan_json(plan) for plan in reply.plans]})


async def get_subscription(context: Context) -> Response:
    reply = await context.clients.billing.GetSubscription(
        billing_pb.GetSubscriptionRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    upcoming = invoice_json(reply.upcoming_invoice) if reply.HasField("upcoming_invoice") else None
    return JSONResponse(
        {
            "subscription": subscription_json(reply.subscription),
            "plan": plan_json(reply.plan),
            "seats": convert.seat_usage(reply.seat_usage),
            "upcoming_invoice": upcoming,
            "next_payment": {"time": upcoming["issue_time"], "amount": upcoming["total"]} if upcoming else None,
        }
    )


async def change_seats(context: Context) -> Response:
    refuse_unknown_fields(context, ("seats",))
    reply = await context.clients.billing.ChangeSeats(
        billing_pb.ChangeSeatsRequest(
            organization_id=context.organization_id,
            seats=whole_number_field(context, "seats", required=True),
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(
        {
            "subscription": subscription_json(reply.subscription),
            "invoice": invoice_json(reply.invoice) if reply.HasField("invoice") else None,
            "payment": payment_json(reply.payment) if reply.HasField("payment") else None,
        }
    )


async def change_plan(context: Context) -> Response:
    refuse_unknown_fields(context, ("plan_id",))
    reply = await context.clients.billing.ChangePlan(
        billing_pb.ChangePlanRequest(
            organization_id=context.organization_id,
            plan_id=text_field(context, "plan_id", required=True),
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(
        {
            "subscription": subscription_json(reply.subscription),
            "invoice": invoice_json(reply.invoice) if reply.HasField("invoice") else None,
            "payment": payment_json(reply.payment) if reply.HasField("payment") else None,
        }
    )


async def update_billing_profile(context: Context) -> Response:
    refuse_unknown_fields(context, PROFILE_FIELDS)
    profile = billing_pb.BillingProfile(
        **{name: text_field(context, name) for name in PROFILE_TEXT_FIELDS},
        tax_rate_basis_points=whole_number_field(context, "tax_rate_basis_points"),
    )
    reply = await context.clients.billing.UpdateBillingProfile(
        billing_pb.UpdateBillingProfileRequest(organization_id=context.organization_id, billing_profile=profile),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"subscription": subscription_json(reply.subscription)})


async def update_payment_method(context: Context) -> Response:
    refuse_unknown_fields(context, ("kind", "label", "reference", "brand", "last4", "expiry_month", "expiry_year"))
    method = billing_pb.PaymentMethod(
        kind=text_field(context, "kind", required=True),
        label=text_field(context, "label"),
        reference=text_field(context, "reference"),
        brand=text_field(context, "brand"),
        last4=text_field(context, "last4"),
        expiry_month=whole_number_field(context, "expiry_month"),
        expiry_year=whole_number_field(context, "expiry_year"),
    )
    reply = await context.clients.billing.UpdatePaymentMethod(
        billing_pb.UpdatePaymentMethodRequest(organization_id=context.organization_id, payment_method=method),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"subscription": subscription_json(reply.subscription)})


async def cancel_subscription(context: Context) -> Response:
    reply = await context.clients.billing.CancelSubscription(
        billing_pb.CancelSubscriptionRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"subscription": subscription_json(reply.subscription)})


async def resume_subscription(context: Context) -> Response:
    reply = await context.clients.billing.ResumeSubscription(
        billing_pb.ResumeSubscriptionRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"subscription": subscription_json(reply.subscription)})


async def cancel_seat_reduction(context: Context) -> Response:
    reply = await context.clients.billing.CancelSeatReduction(
        billing_pb.CancelSeatReductionRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"subscription": subscription_json(reply.subscription)})


def credit_note_json(note: billing_pb.CreditNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "number": note.number,
        "invoice_id": note.invoice_id,
        "invoice_number": note.invoice_number,
        "reason": note.reason,
        "subtotal": money(note.subtotal),
        "tax": money(note.tax),
        "total": money(note.total),
        "tax_rate_basis_points": note.tax_rate_basis_points,
        "issue_time": convert.time_of(note.issue_time),
    }


async def create_credit_note(context: Context) -> Response:
    refuse_unknown_fields(context, ("amount_minor", "reason"))
    reply = await context.clients.billing.CreateCreditNote(
        billing_pb.CreateCreditNoteRequest(
            organization_id=context.organization_id,
            invoice_id=path_id(context, "invoice_id"),
            amount_minor=whole_number_field(context, "amount_minor", required=True),
            reason=text_field(context, "reason", required=True),
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"credit_note": credit_note_json(reply.credit_note)}, status_code=201)


async def list_credit_notes(context: Context) -> Response:
    reply = await context.clients.billing.ListCreditNotes(
        billing_pb.ListCreditNotesRequest(organization_id=context.organization_id, page_size=page_size_of(context)),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"credit_notes": [credit_note_json(note) for note in reply.credit_notes]})


async def reconcile_seats(context: Context) -> Response:
    reply = await context.clients.billing.ReconcileSeats(
        billing_pb.ReconcileSeatsRequest(organization_id=context.organization_id),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(
        {
            "in_sync": reply.in_sync,
            "membership_members": reply.membership_members,
            "billing_seats": reply.billing_seats,
            "differences": [
                {
                    "member_id": difference.member_id,
                    "kind": difference.kind,
                    "membership_status": difference.membership_status or None,
                    "billing_status": difference.billing_status or None,
                }
                for difference in reply.differences
            ],
        }
    )


async def list_invoices(context: Context) -> Response:
    reply = await context.clients.billing.ListInvoices(
        billing_pb.ListInvoicesRequest(
            organization_id=context.organization_id,
            page_size=page_size_of(context),
            filter=equality_filter({"status": context.query("status")}),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"invoices": [invoice_json(invoice) for invoice in reply.invoices]})


async def invoice_pdf(context: Context) -> Response:
    reply = await context.clients.billing.GetInvoicePdf(
        billing_pb.GetInvoicePdfRequest(
            organization_id=context.organization_id, invoice_id=path_id(context, "invoice_id")
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return Response(
        reply.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{reply.file_name}"'},
    )


async def list_payments(context: Context) -> Response:
    reply = await context.clients.billing.ListPayments(
        billing_pb.ListPaymentsRequest(organization_id=context.organization_id, page_size=page_size_of(context)),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse({"payments": [payment_json(payment) for payment in reply.payments]})


async def record_payment(context: Context) -> Response:
    refuse_unknown_fields(context, ("reference",))
    reply = await context.clients.billing.RecordPayment(
        billing_pb.RecordPaymentRequest(
            organization_id=context.organization_id,
            invoice_id=path_id(context, "invoice_id"),
            reference=text_field(context, "reference", required=True),
            request_id=context.idempotency_key(),
        ),
        metadata=context.metadata,
        timeout=context.clients.timeout,
    )
    return JSONResponse(
        {"payment": payment_json(reply.payment), "subscription": subscription_json(reply.subscription)},
        status_code=201,
    )


_STRING: dict[str, Any] = {"type": "string"}
_WHOLE: dict[str, Any] = {"type": "integer", "minimum": 0}
_MONEY: dict[str, Any] = {
    "type": "object",
    "properties": {"amount_minor": {"type": "integer"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
}


def _body(*required: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "additionalProperties": False, "properties": properties}


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


_SUBSCRIPTION = _object(
    status={"type": "string", "enum": ["trialing", "active", "past_due", "unpaid", "canceled"]},
    plan_id=_STRING,
    seats_purchased=_WHOLE,
    seats_at_renewal={"type": ["integer", "null"], "minimum": 0},
    current_period_end={"type": "string", "format": "date-time"},
    cancel_at_period_end={"type": "boolean"},
)
_INVOICE = _object(id=_STRING, number=_STRING, status=_STRING, subtotal=_MONEY, tax=_MONEY, total=_MONEY)

BILLING_ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/billing/seats", seat_usage, "Seats purchased, in use and available (billing.read)."),
    ApiRoute(
        "GET",
        "/v1/billing/plans",
        list_plans,
        "The plans of the catalogue; prices in integer minor units of an ISO 4217 currency (billing.read).",
        response_schema=_object(plans={"type": "array", "items": _object(id=_STRING, price_per_seat=_MONEY)}),
    ),
    ApiRoute(
        "GET",
        "/v1/billing/subscription",
        get_subscription,
        "The billing dashboard: subscription, plan, seats purchased/in use/invited/available, and the next payment "
        "(date and amount, from a preview of the upcoming invoice) (billing.read).",
        response_schema=_object(subscription=_SUBSCRIPTION, upcoming_invoice=_INVOICE),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/seats",
        change_seats,
        "Buy seats now (invoiced prorated to the period end and collected) or reduce them from the next renewal, "
        "never below the seats in use (billing.manage). Send an Idempotency-Key.",
        request_schema=_body("seats", seats={"type": "integer", "minimum": 1}),
        response_schema=_object(subscription=_SUBSCRIPTION, invoice=_INVOICE),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/plan",
        change_plan,
        "Move to another plan: an upgrade for the same interval applies now (prorated, the unused old plan "
        "credited, collected at once); a cheaper plan or another interval at the next renewal (billing.manage). "
        "Send an Idempotency-Key.",
        request_schema=_body("plan_id", plan_id=_STRING),
        response_schema=_object(subscription=_SUBSCRIPTION, invoice=_INVOICE),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/seats/cancel-reduction",
        cancel_seat_reduction,
        "Drop the seat reduction scheduled for the next renewal (seats_at_renewal); nothing changes when none is "
        "scheduled (billing.manage).",
        response_schema=_object(subscription=_SUBSCRIPTION),
    ),
    ApiRoute(
        "GET",
        "/v1/billing/seats/reconciliation",
        reconcile_seats,
        "Compare billing's seats with membership's invited and active members and list every member on one side "
        "only (billing.read and members.read).",
        response_schema=_object(in_sync={"type": "boolean"}, differences={"type": "array", "items": _object()}),
    ),
    ApiRoute(
        "PUT",
        "/v1/billing/profile",
        update_billing_profile,
        "Replace the billing profile printed on invoices: legal name, address, country, VAT id, tax rate in basis "
        "points (2000 = 20 %), billing email (billing.manage; the tax rate only by a platform operator, "
        "platform.admin: a tenant sends the current rate unchanged, else 403 OPERATOR_ONLY).",
        request_schema=_body(
            legal_name=_STRING,
            address=_STRING,
            country={"type": "string", "pattern": "^[A-Za-z]{2}$"},
            vat_id=_STRING,
            tax_rate_basis_points={"type": "integer", "minimum": 0, "maximum": 10000},
            billing_email={"type": "string", "format": "email"},
        ),
        response_schema=_object(subscription=_SUBSCRIPTION),
    ),
    ApiRoute(
        "PUT",
        "/v1/billing/payment-method",
        update_payment_method,
        "Replace the payment method, as provider references only: invoice (bank transfer or purchase order, "
        "label = PO number), test (a card token, brand, last4, expiry; tokens ending in _fail are declined) or "
        "none. Card numbers are refused. Failed collections are retried "
        "with it at once (billing.manage).",
        request_schema=_body(
            "kind",
            kind={"type": "string", "enum": ["invoice", "test", "none"]},
            label=_STRING,
            reference={"type": "string", "pattern": "^tok_[A-Za-z0-9_]{1,60}$"},
            brand=_STRING,
            last4={"type": "string", "pattern": "^[0-9]{4}$"},
            expiry_month={"type": "integer", "minimum": 1, "maximum": 12},
            expiry_year={"type": "integer"},
        ),
        response_schema=_object(subscription=_SUBSCRIPTION),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/cancel",
        cancel_subscription,
        "End the subscription at the end of the current period (subscription.cancel, Owners; privileged window).",
        response_schema=_object(subscription=_SUBSCRIPTION),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/resume",
        resume_subscription,
        "Take back a cancellation before the period ends (subscription.cancel).",
        response_schema=_object(subscription=_SUBSCRIPTION),
    ),
    ApiRoute(
        "GET",
        "/v1/billing/invoices",
        list_invoices,
        "Issued invoices, newest first, with line items, subtotal, tax and total; filter by status (open, paid, "
        "void) (billing.read).",
        response_schema=_object(invoices={"type": "array", "items": _INVOICE}),
        query=(("page_size", "integer"), ("status", "string")),
    ),
    ApiRoute(
        "GET",
        "/v1/billing/invoices/{invoice_id}/pdf",
        invoice_pdf,
        "One invoice as a PDF document (application/pdf) (billing.read).",
        response_schema={"type": "string", "format": "binary", "contentMediaType": "application/pdf"},
    ),
    ApiRoute(
        "POST",
        "/v1/billing/invoices/{invoice_id}/credit-notes",
        create_credit_note,
        "Credit part or all of a paid invoice (amount_minor before tax, at the invoice's tax rate; the invoice "
        "itself never changes); the credit notes of an invoice never total more than it (platform operators only: "
        "platform.admin). "
        "Send an Idempotency-Key.",
        request_schema=_body("amount_minor", "reason", amount_minor={"type": "integer", "minimum": 1}, reason=_STRING),
        success_status=201,
    ),
    ApiRoute(
        "GET",
        "/v1/billing/credit-notes",
        list_credit_notes,
        "Credit notes, newest first, with their own gapless numbers (billing.read).",
        query=(("page_size", "integer"),),
    ),
    ApiRoute(
        "GET",
        "/v1/billing/payments",
        list_payments,
        "Collection attempts and recorded payments, newest first (billing.read).",
        query=(("page_size", "integer"),),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/invoices/{invoice_id}/payments",
        record_payment,
        "Record that an open invoice was paid by bank transfer, with the bank's reference (platform operators only: "
        "platform.admin). "
        "Send an Idempotency-Key.",
        request_schema=_body("reference", reference=_STRING),
        success_status=201,
    ),
)
