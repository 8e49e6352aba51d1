"""REST routes of billing: seats, plans, the subscription dashboard, seat and plan changes, the billing
profile, the payment method, cancellation and seat reconciliation. Every handler is one billing call; the
rules (permissions, proration, rounding) live in billing."""

from __future__ import annotations

from typing import Any

from tenantry.billing.v1 import billing_service_pb2 as billing_pb

from gateway import convert
from gateway.models.billing import (
    BillingProfileChange,
    Dashboard,
    PaymentMethodChange,
    PlanChange,
    PlanChangePreview,
    PlanChoice,
    PlanList,
    Reconciliation,
    SeatChange,
    SeatChangePreview,
    SeatPurchase,
    SeatUsage,
    SubscriptionChange,
    SubscriptionReply,
)
from gateway.routing import ApiRoute, Context


def subscription_reply(reply: Any) -> SubscriptionReply:
    return SubscriptionReply.model_validate({"subscription": convert.subscription(reply.subscription)})


def subscription_change(reply: Any) -> SubscriptionChange:
    return SubscriptionChange.model_validate(
        {
            "subscription": convert.subscription(reply.subscription),
            "invoice": convert.invoice(reply.invoice) if reply.HasField("invoice") else None,
            "payment": convert.payment(reply.payment) if reply.HasField("payment") else None,
        }
    )


async def seat_usage(context: Context) -> SeatUsage:
    reply = await context.call(
        context.clients.billing.GetSeatUsage, billing_pb.GetSeatUsageRequest(organization_id=context.organization_id)
    )
    return SeatUsage.model_validate(convert.seat_usage(reply.seat_usage))


async def list_plans(context: Context) -> PlanList:
    reply = await context.call(
        context.clients.billing.ListPlans, billing_pb.ListPlansRequest(organization_id=context.organization_id)
    )
    return PlanList.model_validate({"plans": [convert.plan(plan) for plan in reply.plans]})


async def get_subscription(context: Context) -> Dashboard:
    reply = await context.call(
        context.clients.billing.GetSubscription,
        billing_pb.GetSubscriptionRequest(organization_id=context.organization_id),
    )
    upcoming = convert.invoice(reply.upcoming_invoice) if reply.HasField("upcoming_invoice") else None
    return Dashboard.model_validate(
        {
            "subscription": convert.subscription(reply.subscription),
            "plan": convert.plan(reply.plan),
            "seats": convert.seat_usage(reply.seat_usage),
            "upcoming_invoice": upcoming,
            "next_payment": {"time": upcoming["issue_time"], "amount": upcoming["total"]} if upcoming else None,
        }
    )


async def change_seats(context: Context) -> SubscriptionChange:
    body = context.body_as(SeatPurchase)
    reply = await context.call(
        context.clients.billing.ChangeSeats,
        billing_pb.ChangeSeatsRequest(
            organization_id=context.organization_id,
            seats=body.seats,
            idempotency_key=context.idempotency_key,
            expected_charge_minor=body.expected_charge_minor,
        ),
    )
    return subscription_change(reply)


async def preview_seat_change(context: Context) -> SeatChangePreview:
    reply = await context.call(
        context.clients.billing.PreviewSeatChange,
        billing_pb.PreviewSeatChangeRequest(
            organization_id=context.organization_id, seats=context.body_as(SeatChange).seats
        ),
    )
    return SeatChangePreview.model_validate(
        {
            "subscription": convert.subscription(reply.subscription),
            "charge_now": convert.invoice(reply.charge_now) if reply.HasField("charge_now") else None,
            "next_invoice": convert.invoice(reply.next_invoice) if reply.HasField("next_invoice") else None,
        }
    )


async def change_plan(context: Context) -> SubscriptionChange:
    body = context.body_as(PlanChange)
    reply = await context.call(
        context.clients.billing.ChangePlan,
        billing_pb.ChangePlanRequest(
            organization_id=context.organization_id,
            plan_id=body.plan_id,
            idempotency_key=context.idempotency_key,
            expected_charge_minor=body.expected_charge_minor,
        ),
    )
    return subscription_change(reply)


async def preview_plan_change(context: Context) -> PlanChangePreview:
    reply = await context.call(
        context.clients.billing.PreviewPlanChange,
        billing_pb.PreviewPlanChangeRequest(
            organization_id=context.organization_id, plan_id=context.body_as(PlanChoice).plan_id
        ),
    )
    return PlanChangePreview.model_validate(
        {
            "subscription": convert.subscription(reply.subscription),
            "applies_now": reply.applies_now,
            "charge_now": convert.invoice(reply.charge_now) if reply.HasField("charge_now") else None,
            "next_invoice": convert.invoice(reply.next_invoice) if reply.HasField("next_invoice") else None,
        }
    )


async def cancel_seat_reduction(context: Context) -> SubscriptionReply:
    reply = await context.call(
        context.clients.billing.CancelSeatReduction,
        billing_pb.CancelSeatReductionRequest(organization_id=context.organization_id),
    )
    return subscription_reply(reply)


async def reconcile_seats(context: Context) -> Reconciliation:
    reply = await context.call(
        context.clients.billing.ReconcileSeats,
        billing_pb.ReconcileSeatsRequest(organization_id=context.organization_id),
    )
    return Reconciliation.model_validate(
        {
            "in_sync": reply.in_sync,
            "membership_members": reply.membership_members,
            "billing_seats": reply.billing_seats,
            "differences": [convert.seat_difference(difference) for difference in reply.differences],
        }
    )


async def update_billing_profile(context: Context) -> SubscriptionReply:
    profile = billing_pb.BillingProfile(**context.body_as(BillingProfileChange).model_dump())
    reply = await context.call(
        context.clients.billing.UpdateBillingProfile,
        billing_pb.UpdateBillingProfileRequest(organization_id=context.organization_id, billing_profile=profile),
    )
    return subscription_reply(reply)


async def update_payment_method(context: Context) -> SubscriptionReply:
    method = billing_pb.PaymentMethod(**context.body_as(PaymentMethodChange).model_dump())
    reply = await context.call(
        context.clients.billing.UpdatePaymentMethod,
        billing_pb.UpdatePaymentMethodRequest(organization_id=context.organization_id, payment_method=method),
    )
    return subscription_reply(reply)


async def cancel_subscription(context: Context) -> SubscriptionReply:
    reply = await context.call(
        context.clients.billing.CancelSubscription,
        billing_pb.CancelSubscriptionRequest(organization_id=context.organization_id),
    )
    return subscription_reply(reply)


async def resume_subscription(context: Context) -> SubscriptionReply:
    reply = await context.call(
        context.clients.billing.ResumeSubscription,
        billing_pb.ResumeSubscriptionRequest(organization_id=context.organization_id),
    )
    return subscription_reply(reply)


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/billing/seats",
        seat_usage,
        "Seats purchased, in use and available (billing.read).",
        response=SeatUsage,
    ),
    ApiRoute(
        "GET",
        "/v1/billing/plans",
        list_plans,
        "The plans of the catalogue; prices in integer minor units of an ISO 4217 currency (billing.read).",
        response=PlanList,
    ),
    ApiRoute(
        "GET",
        "/v1/billing/subscription",
        get_subscription,
        "The billing dashboard: subscription, plan, seats purchased/in use/invited/available, and the next payment "
        "(date and amount, from a preview of the upcoming invoice) (billing.read).",
        response=Dashboard,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/seats",
        change_seats,
        "Buy seats now (invoiced prorated to the period end and collected) or reduce them from the next renewal, "
        "never below the seats in use (billing.manage). Send an Idempotency-Key, and the previewed charge as "
        "expected_charge_minor to be charged nothing else.",
        body=SeatPurchase,
        response=SubscriptionChange,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/seats/preview",
        preview_seat_change,
        "What changing to this many seats would do now, changing nothing: the prorated charge for added seats (the "
        "amount then charged) and the next renewal's invoice; refused as the change would be (billing.manage).",
        body=SeatChange,
        response=SeatChangePreview,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/plan",
        change_plan,
        "Move to another plan: an upgrade for the same interval applies now (prorated, the unused old plan "
        "credited, collected at once); a cheaper plan or another interval at the next renewal (billing.manage). "
        "A plan without a feature in use (SSO while a connection is enabled) is refused: 409 FEATURE_IN_USE. "
        "Send an Idempotency-Key, and the previewed charge as expected_charge_minor to be charged nothing else.",
        body=PlanChange,
        response=SubscriptionChange,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/plan/preview",
        preview_plan_change,
        "What moving to this plan would do now, changing nothing: whether it applies now or at the renewal, the "
        "prorated charge of an upgrade (the amount then charged) and the next renewal's invoice; refused as the "
        "change would be (billing.manage).",
        body=PlanChoice,
        response=PlanChangePreview,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/seats/cancel-reduction",
        cancel_seat_reduction,
        "Drop the seat reduction scheduled for the next renewal (seats_at_renewal); nothing changes when none is "
        "scheduled (billing.manage).",
        response=SubscriptionReply,
    ),
    ApiRoute(
        "GET",
        "/v1/billing/seats/reconciliation",
        reconcile_seats,
        "Compare billing's seats with membership's invited and active members and list every member on one side "
        "only (billing.read and members.read).",
        response=Reconciliation,
    ),
    ApiRoute(
        "PUT",
        "/v1/billing/profile",
        update_billing_profile,
        "Replace the billing profile printed on invoices: legal name, address, country, VAT id, tax rate in basis "
        "points (2000 = 20 %), billing email (billing.manage; the tax rate only by a platform operator, "
        "platform.admin: a tenant sends the current rate unchanged, else 403 OPERATOR_ONLY).",
        body=BillingProfileChange,
        response=SubscriptionReply,
    ),
    ApiRoute(
        "PUT",
        "/v1/billing/payment-method",
        update_payment_method,
        "Replace the payment method, as provider references only: invoice (bank transfer or purchase order, "
        "label = PO number), test (a card token, brand, last4, expiry; tokens ending in _fail are declined) or "
        "none. Card numbers are refused. Failed collections are retried with it at once (billing.manage).",
        body=PaymentMethodChange,
        response=SubscriptionReply,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/cancel",
        cancel_subscription,
        "End the subscription at the end of the current period (subscription.cancel, Owners; privileged window).",
        response=SubscriptionReply,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/subscription/resume",
        resume_subscription,
        "Take back a cancellation before the period ends (subscription.cancel).",
        response=SubscriptionReply,
    ),
)
