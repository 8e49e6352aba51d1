"""Billing: the plan and seats, the next payment, invoices (PDF through the REST API) and payments; changing
seats or the plan, cancelling and resuming. Billing decides every rule (seats never below those in use, a
reduction at the term's end, an upgrade now and a downgrade at the term's end); the page shows its answer."""

from __future__ import annotations

import secrets
from typing import Any

import grpc
from starlette.requests import Request
from starlette.responses import Response
from tenantry.billing.v1 import billing_service_pb2 as billing_pb

from gateway import convert
from gateway.portal.shared import (
    SignedIn,
    call,
    checked_form,
    form_field,
    notice_of,
    page_refusal,
    portal_page,
    see_other,
    services,
    signed_in,
    to_sign_in,
)
from services.common import permissions as p

BILLING_PAGE = "/portal/billing"
NOTICES = {
    "seats-changed": "The number of seats was changed.",
    "plan-changed": "The plan was changed.",
    "canceled": "The subscription will end at the end of the current term.",
    "resumed": "The subscription continues.",
}
RECENT = 20


async def billing_page(request: Request) -> Response:
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    return await render_billing(request, person, notice=notice_of(request, NOTICES))


async def render_billing(request: Request, person: SignedIn, status: int = 200, **values: object) -> Response:
    caller, billing = person.caller, services(request).billing
    organization_id = caller.organization_id
    try:
        dashboard = await call(
            request, billing.GetSubscription, billing_pb.GetSubscriptionRequest(organization_id=organization_id), caller
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND):
            return portal_page(request, person, "forbidden.html", "billing", 403)
        raise
    plans = await call(request, billing.ListPlans, billing_pb.ListPlansRequest(organization_id=organization_id), caller)
    invoices = await call(
        request,
        billing.ListInvoices,
        billing_pb.ListInvoicesRequest(organization_id=organization_id, page_size=RECENT),
        caller,
    )
    payments = await call(
        request,
        billing.ListPayments,
        billing_pb.ListPaymentsRequest(organization_id=organization_id, page_size=RECENT),
        caller,
    )
    upcoming: dict[str, Any] | None = (
        convert.invoice(dashboard.upcoming_invoice) if dashboard.HasField("upcoming_invoice") else None
    )
    return portal_page(
        request,
        person,
        "billing.html",
        "billing",
        status,
        subscription=convert.subscription(dashboard.subscription),
        plan=convert.plan(dashboard.plan),
        seats=convert.seat_usage(dashboard.seat_usage),
        upcoming=upcoming,
        plans=[convert.plan(plan) for plan in plans.plans],
        invoices=[convert.invoice(invoice) for invoice in invoices.invoices],
        payments=[convert.payment(payment) for payment in payments.payments],
        can_manage=p.BILLING_MANAGE in caller.principal.permissions,
        can_cancel=p.SUBSCRIPTION_CANCEL in caller.principal.permissions,
        idempotency_key=secrets.token_urlsafe(16),
        **values,
    )


async def preview_seats(request: Request) -> Response:
    """The seat form's first step: what the new count costs now (prorated to the period's end) and from the next
    invoice, as billing computes it for the change itself; the page then asks to confirm."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render_billing(request, person, 403, error="This request did not come from this site.")
    seats = form_field(form, "seats", 12)
    if not seats.isdigit():
        return await render_billing(request, person, 422, error="Enter a whole number of seats.")
    return await render_preview(request, person, int(seats))


def previewed(reply: billing_pb.PreviewSeatChangeResponse | billing_pb.PreviewPlanChangeResponse) -> dict[str, Any]:
    """What a preview shows: the charge now, the next invoice, and the charge its confirmation is made at (or
    refused, CHARGE_CHANGED, with nothing changed)."""
    charge_now = convert.invoice(reply.charge_now) if reply.HasField("charge_now") else None
    return {
        "subscription": convert.subscription(reply.subscription),
        "charge_now": charge_now,
        "expected_charge_minor": charge_now["total"]["amount_minor"] if charge_now else 0,
        "next_invoice": convert.invoice(reply.next_invoice) if reply.HasField("next_invoice") else None,
    }


async def render_preview(request: Request, person: SignedIn, seats: int, error: str = "") -> Response:
    """The seat form's answer: the change previewed, with its confirmation (and `error`, why it is asked again)."""
    caller = person.caller
    try:
        reply = await call(
            request,
            services(request).billing.PreviewSeatChange,
            billing_pb.PreviewSeatChangeRequest(organization_id=caller.organization_id, seats=seats),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_billing(request, person, refusal.status, error=refusal.message)
    return await render_billing(request, person, preview={"seats": seats, **previewed(reply)}, error=error)


async def preview_plan(request: Request) -> Response:
    """The plan form's first step: whether the change applies now or at the renewal, what an upgrade costs now
    (prorated) and the next invoice, as billing computes them for the change itself; the page then asks to confirm."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render_billing(request, person, 403, error="This request did not come from this site.")
    return await render_plan_preview(request, person, form_field(form, "plan_id", 65))


async def render_plan_preview(request: Request, person: SignedIn, plan_id: str, error: str = "") -> Response:
    """The plan form's answer: the change previewed, with its confirmation (and `error`, why it is asked again)."""
    caller = person.caller
    try:
        reply = await call(
            request,
            services(request).billing.PreviewPlanChange,
            billing_pb.PreviewPlanChangeRequest(organization_id=caller.organization_id, plan_id=plan_id),
            caller,
        )
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_billing(request, person, refusal.status, error=refusal.message)
    plan_preview = {"plan_id": plan_id, "applies_now": reply.applies_now, **previewed(reply)}
    return await render_billing(request, person, plan_preview=plan_preview, error=error)


async def change_subscription(request: Request) -> Response:
    """One of the page's forms: seats, plan, cancel or resume."""
    person = await signed_in(request)
    if person is None:
        return to_sign_in()
    form = await checked_form(request)
    if form is None:
        return await render_billing(request, person, 403, error="This request did not come from this site.")
    caller, billing, change = person.caller, services(request).billing, request.path_params["change"]
    organization_id, key = caller.organization_id, form_field(form, "idempotency_key", 64)
    try:
        if change == "seats":
            seats = form_field(form, "seats", 12)
            expected = form_field(form, "expected_charge_minor", 20)
            if not seats.isdigit():
                return await render_billing(request, person, 422, error="Enter a whole number of seats.")
            purchase = billing_pb.ChangeSeatsRequest(
                organization_id=organization_id,
                seats=int(seats),
                idempotency_key=key,
                expected_charge_minor=int(expected) if expected.isdigit() else None,
            )
            try:
                await call(request, billing.ChangeSeats, purchase, caller)
            except grpc.aio.AioRpcError as exc:
                if page_refusal(exc).reason != "CHARGE_CHANGED":
                    raise
                # Time went on since the preview: show the charge as it is now, to confirm again.
                return await render_preview(request, person, int(seats), error=page_refusal(exc).message)
            notice = "seats-changed"
        elif change == "plan":
            plan_id, expected = form_field(form, "plan_id", 65), form_field(form, "expected_charge_minor", 20)
            plan_change = billing_pb.ChangePlanRequest(
                organization_id=organization_id,
                plan_id=plan_id,
                idempotency_key=key,
                expected_charge_minor=int(expected) if expected.isdigit() else None,
            )
            try:
                await call(request, billing.ChangePlan, plan_change, caller)
            except grpc.aio.AioRpcError as exc:
                if page_refusal(exc).reason != "CHARGE_CHANGED":
                    raise
                return await render_plan_preview(request, person, plan_id, error=page_refusal(exc).message)
            notice = "plan-changed"
        elif change == "cancel":
            await call(
                request,
                billing.CancelSubscription,
                billing_pb.CancelSubscriptionRequest(organization_id=organization_id),
                caller,
            )
            notice = "canceled"
        elif change == "resume":
            await call(
                request,
                billing.ResumeSubscription,
                billing_pb.ResumeSubscriptionRequest(organization_id=organization_id),
                caller,
            )
            notice = "resumed"
        else:
            return portal_page(request, person, "not_found.html", "billing", 404)
    except grpc.aio.AioRpcError as exc:
        refusal = page_refusal(exc)
        return await render_billing(request, person, refusal.status, error=refusal.message)
    return see_other(f"{BILLING_PAGE}?notice={notice}")
