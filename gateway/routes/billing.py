"""REST routes: Billing: seats, plans, the subscription dashboard, seat and plan changes, billing profile, payment
method, cancellation and seat reconciliation. Every handler is one billing call; the rules live in billing."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from tenantry.billing.v1 import billing_service_pb2 as billing_pb

from gateway import convert
from gateway.routing import (
    STRING,
    ApiRoute,
    BadRequest,
    Context,
    body_schema,
)

MAX_TEXT_FIELD = 1000


PROFILE_TEXT_FIELDS = ("legal_name", "address", "country", "vat_id", "billing_email")


PROFILE_FIELDS = (*PROFILE_TEXT_FIELDS, "tax_rate_basis_points")


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
    reply = await context.call(
        context.clients.billing.GetSeatUsage, billing_pb.GetSeatUsageRequest(organization_id=context.organization_id)
    )
    return JSONResponse(convert.seat_usage(reply.seat_usage))


async def list_plans(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.ListPlans, billing_pb.ListPlansRequest(organization_id=context.organization_id)
    )
    return JSONResponse({"plans": [convert.plan_json(plan) for plan in reply.plans]})


async def get_subscription(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.GetSubscription,
        billing_pb.GetSubscriptionRequest(organization_id=context.organization_id),
    )
    upcoming = convert.invoice_json(reply.upcoming_invoice) if reply.HasField("upcoming_invoice") else None
    return JSONResponse(
        {
            "subscription": convert.subscription_json(reply.subscription),
            "plan": convert.plan_json(reply.plan),
            "seats": convert.seat_usage(reply.seat_usage),
            "upcoming_invoice": upcoming,
            "next_payment": {"time": upcoming["issue_time"], "amount": upcoming["total"]} if upcoming else None,
        }
    )


async def change_seats(context: Context) -> Response:
    refuse_unknown_fields(context, ("seats",))
    reply = await context.call(
        context.clients.billing.ChangeSeats,
        billing_pb.ChangeSeatsRequest(
            organization_id=context.organization_id,
            seats=whole_number_field(context, "seats", required=True),
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse(
        {
            "subscription": convert.subscription_json(reply.subscription),
            "invoice": convert.invoice_json(reply.invoice) if reply.HasField("invoice") else None,
            "payment": convert.payment_json(reply.payment) if reply.HasField("payment") else None,
        }
    )


async def change_plan(context: Context) -> Response:
    refuse_unknown_fields(context, ("plan_id",))
    reply = await context.call(
        context.clients.billing.ChangePlan,
        billing_pb.ChangePlanRequest(
            organization_id=context.organization_id,
            plan_id=text_field(context, "plan_id", required=True),
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse(
        {
            "subscription": convert.subscription_json(reply.subscription),
            "invoice": convert.invoice_json(reply.invoice) if reply.HasField("invoice") else None,
            "payment": convert.payment_json(reply.payment) if reply.HasField("payment") else None,
        }
    )


async def cancel_seat_reduction(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.CancelSeatReduction,
        billing_pb.CancelSeatReductionRequest(organization_id=context.organization_id),
    )
    return JSONResponse({"subscription": convert.subscription_json(reply.subscription)})


async def reconcile_seats(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.ReconcileSeats,
        billing_pb.ReconcileSeatsRequest(organization_id=context.organization_id),
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


async def update_billing_profile(context: Context) -> Response:
    refuse_unknown_fields(context, PROFILE_FIELDS)
    profile = billing_pb.BillingProfile(
        **{name: text_field(context, name) for name in PROFILE_TEXT_FIELDS},
        tax_rate_basis_points=whole_number_field(context, "tax_rate_basis_points"),
    )
    reply = await context.call(
        context.clients.billing.UpdateBillingProfile,
        billing_pb.UpdateBillingProfileRequest(organization_id=context.organization_id, billing_profile=profile),
    )
    return JSONResponse({"subscription": convert.subscription_json(reply.subscription)})


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
    reply = await context.call(
        context.clients.billing.UpdatePaymentMethod,
        billing_pb.UpdatePaymentMethodRequest(organization_id=context.organization_id, payment_method=method),
    )
    return JSONResponse({"subscription": convert.subscription_json(reply.subscription)})


async def cancel_subscription(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.CancelSubscription,
        billing_pb.CancelSubscriptionRequest(organization_id=context.organization_id),
    )
    return JSONResponse({"subscription": convert.subscription_json(reply.subscription)})


async def resume_subscription(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.ResumeSubscription,
        billing_pb.ResumeSubscriptionRequest(organization_id=context.organization_id),
    )
    return JSONResponse({"subscription": convert.subscription_json(reply.subscription)})


_WHOLE: dict[str, Any] = {"type": "integer", "minimum": 0}


_MONEY: dict[str, Any] = {
    "type": "object",
    "properties": {"amount_minor": {"type": "integer"}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}},
}


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


_SUBSCRIPTION = _object(
    status={"type": "string", "enum": ["trialing", "active", "past_due", "unpaid", "canceled"]},
    plan_id=STRING,
    seats_purchased=_WHOLE,
    seats_at_renewal={"type": ["integer", "null"], "minimum": 0},
    current_period_end={"type": "string", "format": "date-time"},
    cancel_at_period_end={"type": "boolean"},
)


_INVOICE = _object(id=STRING, number=STRING, status=STRING, subtotal=_MONEY, tax=_MONEY, total=_MONEY)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute("GET", "/v1/billing/seats", seat_usage, "Seats purchased, in use and available (billing.read)."),
    ApiRoute(
        "GET",
        "/v1/billing/plans",
        list_plans,
        "The plans of the catalogue; prices in integer minor units of an ISO 4217 currency (billing.read).",
        response_schema=_object(plans={"type": "array", "items": _object(id=STRING, price_per_seat=_MONEY)}),
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
        request_schema=body_schema("seats", seats={"type": "integer", "minimum": 1}),
        response_schema=_object(subscription=_SUBSCRIPTION, invoice=_INVOICE),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/plan",
        change_plan,
        "Move to another plan: an upgrade for the same interval applies now (prorated, the unused old plan "
        "credited, collected at once); a cheaper plan or another interval at the next renewal (billing.manage). "
        "Send an Idempotency-Key.",
        request_schema=body_schema("plan_id", plan_id=STRING),
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
        request_schema=body_schema(
            legal_name=STRING,
            address=STRING,
            country={"type": "string", "pattern": "^[A-Za-z]{2}$"},
            vat_id=STRING,
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
        request_schema=body_schema(
            "kind",
            kind={"type": "string", "enum": ["invoice", "test", "none"]},
            label=STRING,
            reference={"type": "string", "pattern": "^tok_[A-Za-z0-9_]{1,60}$"},
            brand=STRING,
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
)
