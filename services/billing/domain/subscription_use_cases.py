"""Billing's subscription use cases: the dashboard, seat changes, billing profile, payment method, cancellation,
invoices and payments, and the renewals and collection retries the renewal worker drives with the clock.

Collection runs outside any database transaction (a processor may be slow); its outcome is written in a
second transaction under the subscription's lock, so a retry never pays an invoice twice."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from email_validator import EmailNotValidError, validate_email

from services.billing.domain.catalogue import Catalogue, Plan
from services.billing.domain.credit_notes import CreditAmounts, CreditNote, credit_amounts, credit_note_number
from services.billing.domain.events import (
    CreditNoteIssued,
    InvoiceIssued,
    OrganizationDeletionScheduled,
    PaymentAttempted,
    SubscriptionChanged,
)
from services.billing.domain.invoices import (
    INVOICE_OPEN,
    INVOICE_STATUSES,
    Invoice,
    InvoiceDraft,
    invoice_number,
    plan_change_invoice,
    renewal_invoice,
    seats_added_invoice,
)
from services.billing.domain.model import SeatUsage, hold_cutoff
from services.billing.domain.money import MAX_TAX_RATE_BASIS_POINTS, Money
from services.billing.domain.payments import (
    METHOD_INVOICE,
    METHOD_KINDS,
    METHOD_NONE,
    METHOD_TEST,
    PAYMENT_FAILED,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    ChargeResult,
    Payment,
    PaymentMethod,
    PaymentProcessor,
)
from services.billing.domain.subscription import (
    CANCELED,
    TRIALING,
    BillingProfile,
    Subscription,
    add_seats,
    cancel_at_period_end,
    change_plan,
    is_due_for_renewal,
    payment_failed,
    payment_succeeded,
    renew,
    resume,
    schedule_seat_reduction,
)
from services.billing.domain.use_cases import BILLING_READ, BillingTransaction, usage_from_counts
from services.common.clock import Clock
from services.common.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Violations,
)
from services.common.ids import new_id
from services.common.permissions import BILLING_MANAGE, PLATFORM_ADMIN, SUBSCRIPTION_CANCEL
from services.common.principal import Principal, system_principal

log = logging.getLogger(__name__)

RENEWALS_ACTOR = system_principal("billing-renewals")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# Renewals of one organization caught up in one pass at most (a service down for months catches up over passes).
MAX_RENEWALS_PER_PASS = 24
# Invoices paid by bank transfer are due this long after they are issued; unpaid then, dunning starts.
PAYMENT_TERMS = timedelta(days=14)
# When a canceled subscription ends, the organization is flagged for deletion this long after (export before).
DELETION_DELAY = timedelta(days=90)
MAX_CREDIT_NOTES_PER_INVOICE = 100
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
VAT_ID = re.compile(r"^[A-Z0-9]{2,32}$")
CARD_NUMBER = re.compile(r"\d{12,}")
PROVIDER_TOKEN = re.compile(r"^tok_[A-Za-z0-9_]{1,60}$")
BRAND = re.compile(r"^[a-z][a-z ]{0,19}$")
LAST4 = re.compile(r"^\d{4}$")


class SubscriptionTransaction(BillingTransaction, Protocol):
    async def save_subscription(self, subscription: Subscription, now: datetime) -> None: ...
    async def organizations_due(self, now: datetime, limit: int) -> list[str]: ...
    async def insert_invoice(self, invoice: Invoice) -> None: ...
    async def mark_invoice_paid(self, invoice_id: str, paid_at: datetime) -> None: ...
    async def list_invoices(self, organization_id: str, limit: int, status: str | None = None) -> list[Invoice]: ...
    async def get_invoice(self, organization_id: str, invoice_id: str) -> Invoice | None: ...
    async def open_invoices(self, organization_id: str) -> list[Invoice]: ...
    async def insert_payment(self, payment: Payment) -> None: ...
    async def list_payments(self, organization_id: str, limit: int, invoice_id: str | None = None) -> list[Payment]: ...
    async def insert_credit_note(self, note: CreditNote) -> None: ...
    async def list_credit_notes(
        self, organization_id: str, limit: int, invoice_id: str | None = None
    ) -> list[CreditNote]: ...
    async def load_idempotent(self, scope: str, operation: str, request_id: str) -> bytes | None: ...
    async def save_idempotent(self, scope: str, operation: str, request_id: str, response: bytes) -> None: ...


class SubscriptionStore(Protocol):
    def read(self) -> AbstractAsyncContextManager[SubscriptionTransaction]: ...
    def write(self) -> AbstractAsyncContextManager[SubscriptionTransaction]: ...


@dataclass(frozen=True)
class Dashboard:
    subscription: Subscription
    plan: Plan
    seat_usage: SeatUsage
    # The invoice the next renewal issues (None when the subscription ends instead).
    upcoming_invoice: InvoiceDraft | None


@dataclass(frozen=True)
class SeatChange:
    subscription: Subscription
    invoice: Invoice | None
    payment: Payment | None


@dataclass(frozen=True)
class RecordedPayment:
    payment: Payment
    subscription: Subscription


def page_size(requested: int) -> int:
    if requested < 0 or requested > MAX_PAGE_SIZE:
        raise InvalidArgument(
            "The page size is out of range.",
            [FieldViolation("page_size", f"Between 1 and {MAX_PAGE_SIZE}, or 0 for {DEFAULT_PAGE_SIZE}.")],
        )
    return requested or DEFAULT_PAGE_SIZE


def validate_profile(profile: BillingProfile) -> BillingProfile:
    """The profile, trimmed and normalised, or InvalidArgument naming every bad field."""
    violations = Violations()
    legal_name = profile.legal_name.strip()
    address = profile.address.strip()
    country = profile.country.strip().upper()
    vat_id = re.sub(r"[\s.-]", "", profile.vat_id).upper()
    email = profile.billing_email.strip()
    if len(legal_name) > 200:
        violations.add("billing_profile.legal_name", "At most 200 characters.")
    if len(address) > 1000:
        violations.add("billing_profile.address", "At most 1000 characters.")
    if country and not COUNTRY_CODE.match(country):
        violations.add("billing_profile.country", "An ISO 3166-1 alpha-2 code, like DE.")
    if vat_id and not VAT_ID.match(vat_id):
        violations.add("billing_profile.vat_id", "Letters and digits only, 2 to 32 of them.")
    if not 0 <= profile.tax_rate_basis_points <= MAX_TAX_RATE_BASIS_POINTS:
        violations.add("billing_profile.tax_rate_basis_points", "Between 0 and 10000 (100 %).")
    if email:
        try:
            email = validate_email(email, check_deliverability=False, test_environment=True).normalized.lower()
        except EmailNotValidError:
            violations.add("billing_profile.billing_email", "Not a valid email address.")
        if len(email) > 254:
            violations.add("billing_profile.billing_email", "At most 254 characters.")
    violations.raise_if_any()
    return BillingProfile(legal_name, address, country, vat_id, profile.tax_rate_basis_points, email)


def validate_payment_method(method: PaymentMethod, today: datetime) -> PaymentMethod:
    """The method as stored: provider references only. A card is the provider's token with its brand, last 4
    digits and expiry; anything that looks like a card number is refused wherever it is put."""
    violations = Violations()
    label, reference, brand = method.label.strip(), method.reference.strip(), method.brand.strip().lower()
    for field, value in (("label", label), ("reference", reference), ("brand", brand)):
        if CARD_NUMBER.search(re.sub(r"[\s-]", "", value)):
            violations.add(f"payment_method.{field}", "Never a card number: send the provider's token.")
    if method.kind not in METHOD_KINDS:
        violations.add("payment_method.kind", f"One of {', '.join(METHOD_KINDS)}.")
    if len(label) > 64:
        violations.add("payment_method.label", "At most 64 characters.")
    if method.kind == METHOD_TEST:
        if not PROVIDER_TOKEN.match(reference):
            violations.add("payment_method.reference", "The provider's card token, like tok_visa (tok_..._fail fails).")
        if not BRAND.match(brand):
            violations.add("payment_method.brand", "The card's brand, like visa, in letters.")
        if not LAST4.match(method.last4):
            violations.add("payment_method.last4", "The last 4 digits of the card.")
        if not 1 <= method.expiry_month <= 12:
            violations.add("payment_method.expiry_month", "1 to 12.")
        elif (method.expiry_year, method.expiry_month) < (today.year, today.month) or method.expiry_year > 2100:
            violations.add("payment_method.expiry_year", "The card has expired.")
    violations.raise_if_any()
    if method.kind == METHOD_TEST:
        return PaymentMethod(METHOD_TEST, "", reference, brand, method.last4, method.expiry_month, method.expiry_year)
    return PaymentMethod(method.kind, label if method.kind == METHOD_INVOICE else "")


class SubscriptionUseCases:
    def __init__(self, store: SubscriptionStore, clock: Clock, catalogue: Catalogue, processor: PaymentProcessor):
        self._store = store
        self._clock = clock
        self._catalogue = catalogue
        self._processor = processor

    def plan_of(self, subscription: Subscription) -> Plan:
        plan = self._catalogue.plan(subscription.plan_id)
        if plan is None:
            raise FailedPrecondition(
                f"The plan {subscription.plan_id!r} is no longer in the catalogue.", reason="UNKNOWN_PLAN"
            )
        return plan

    def next_plan_of(self, subscription: Subscription) -> Plan | None:
        """The plan a scheduled change moves to at the next renewal, if one is scheduled."""
        if subscription.plan_at_renewal is None:
            return None
        return self.plan_of(replace(subscription, plan_id=subscription.plan_at_renewal))

    async def _locked(self, tx: SubscriptionTransaction, organization_id: str) -> Subscription:
        subscription = await tx.lock_subscription(organization_id)
        if subscription is None:
            raise NotFound("No subscription for this organization.")
        return subscription

    async def _seat_usage(self, tx: SubscriptionTransaction, subscription: Subscription) -> SeatUsage:
        counts = await tx.seat_counts(subscription.organization_id, hold_cutoff(self._clock.now()))
        return usage_from_counts(subscription, counts)

    async def list_plans(self, principal: Principal, organization_id: str) -> tuple[Plan, ...]:
        principal.authorize(BILLING_READ, organization_id)
        return self._catalogue.plans

    async def dashboard(self, principal: Principal, organization_id: str) -> Dashboard:
        principal.authorize(BILLING_READ, organization_id)
        async with self._store.read() as tx:
            subscription = await tx.get_subscription(organization_id)
            if subscription is None:
                raise NotFound("No subscription for this organization.")
            usage = await self._seat_usage(tx, subscription)
        plan = self.plan_of(subscription)
        return Dashboard(subscription, plan, usage, self.upcoming_invoice(subscription, plan, usage.in_use))

    def upcoming_invoice(self, subscription: Subscription, plan: Plan, seats_in_use: int) -> InvoiceDraft | None:
        """A preview of the invoice the next renewal issues, by the same code that will issue it."""
        if subscription.status == CANCELED or subscription.cancel_at_period_end:
            return None
        next_plan = self.next_plan_of(subscription)
        return renewal_invoice(renew(subscription, plan, seats_in_use, next_plan), next_plan or plan)

    async def change_seats(
        self,
        principal: Principal,
        organization_id: str,
        seats: int,
        request_id: str = "",
        idempotency_key: str = "",
    ) -> SeatChange:
        """More seats now, invoiced prorated and collected at once (free in a trial); fewer from the next period.
        A retry with the same idempotency key answers with the first call's invoice and changes nothing."""
        principal.authorize(BILLING_MANAGE, organization_id)
        now = self._clock.now()
        invoice: Invoice | None = None
        async with self._store.write() as tx:
            before = await self._locked(tx, organization_id)
            stored = await self._stored(tx, organization_id, "ChangeSeats", idempotency_key)
            if stored is not None:
                return await self._replay(tx, before, stored)
            plan = self.plan_of(before)
            if seats > before.seats_purchased:
                after, change = add_seats(before, plan, seats), "seats_added"
                if before.status != TRIALING:
                    draft = seats_added_invoice(before, plan, seats - before.seats_purchased, now)
                    invoice, after = self._issue(after, draft, now)
            else:
                usage = await self._seat_usage(tx, before)
                after = schedule_seat_reduction(before, plan, seats, usage.in_use)
                change = "seat_reduction_scheduled"
            await self._remember(tx, organization_id, "ChangeSeats", idempotency_key, invoice)
            if after == before:
                return SeatChange(before, None, None)
            after = replace(after, version=before.version + 1)
            await tx.save_subscription(after, now)
            await tx.record_events(SubscriptionChanged(principal, now, request_id, change, after, before))
            if invoice is not None:
                await tx.insert_invoice(invoice)
                await tx.record_events(InvoiceIssued(principal, now, request_id, invoice))
        payment = await self.collect(organization_id, principal, request_id) if invoice is not None else None
        if payment is not None or invoice is not None:
            async with self._store.read() as tx:
                after = await tx.get_subscription(organization_id) or after
                invoice = await tx.get_invoice(organization_id, invoice.id) if invoice else None
        return SeatChange(after, invoice, payment)

    async def change_plan(
        self,
        principal: Principal,
        organization_id: str,
        plan_id: str,
        request_id: str = "",
        idempotency_key: str = "",
    ) -> SeatChange:
        """Another plan: an upgrade applies now with a prorated invoice (credit for the unused old plan) collected
        at once; a cheaper plan or another interval waits for the renewal; while trialing it applies now, free."""
        principal.authorize(BILLING_MANAGE, organization_id)
        target = self._catalogue.plan(plan_id)
        if target is None:
            raise InvalidArgument("No such plan.", [FieldViolation("plan_id", "One of the catalogue's plan ids.")])
        now = self._clock.now()
        invoice: Invoice | None = None
        async with self._store.write() as tx:
            before = await self._locked(tx, organization_id)
            stored = await self._stored(tx, organization_id, "ChangePlan", idempotency_key)
            if stored is not None:
                return await self._replay(tx, before, stored)
            current = self.plan_of(before)
            after, applies_now = change_plan(before, current, target)
            if applies_now and after != before and before.status != TRIALING:
                draft = plan_change_invoice(before, current, after, target, now)
                invoice, after = self._issue(after, draft, now)
            await self._remember(tx, organization_id, "ChangePlan", idempotency_key, invoice)
            if after == before:
                return SeatChange(before, None, None)
            after = replace(after, version=before.version + 1)
            change = "plan_changed" if applies_now else "plan_change_scheduled"
            await tx.save_subscription(after, now)
            await tx.record_events(SubscriptionChanged(principal, now, request_id, change, after, before))
            if invoice is not None:
                await tx.insert_invoice(invoice)
                await tx.record_events(InvoiceIssued(principal, now, request_id, invoice))
        if invoice is None:
            return SeatChange(after, None, None)
        payment = await self.collect(organization_id, principal, request_id)
        async with self._store.read() as tx:
            after = await tx.get_subscription(organization_id) or after
            invoice = await tx.get_invoice(organization_id, invoice.id) or invoice
        return SeatChange(after, invoice, payment)

    async def _stored(
        self, tx: SubscriptionTransaction, organization_id: str, operation: str, idempotency_key: str
    ) -> str | None:
        """What the first call with this idempotency key left (an invoice id, or "" for none), if there was one."""
        if not idempotency_key:
            return None
        stored = await tx.load_idempotent(organization_id, operation, idempotency_key)
        return stored.decode() if stored is not None else None

    async def _remember(
        self,
        tx: SubscriptionTransaction,
        organization_id: str,
        operation: str,
        idempotency_key: str,
        invoice: Invoice | None,
    ) -> None:
        if idempotency_key:
            await tx.save_idempotent(
                organization_id, operation, idempotency_key, (invoice.id if invoice else "").encode()
            )

    async def _replay(self, tx: SubscriptionTransaction, subscription: Subscription, invoice_id: str) -> SeatChange:
        """The answer to a retried call: the subscription now, the first call's invoice and its last collection."""
        if not invoice_id:
            return SeatChange(subscription, None, None)
        invoice = await tx.get_invoice(subscription.organization_id, invoice_id)
        attempts = await tx.list_payments(subscription.organization_id, 1, invoice_id)
        return SeatChange(subscription, invoice, attempts[0] if attempts else None)

    async def cancel_seat_reduction(
        self, principal: Principal, organization_id: str, request_id: str = ""
    ) -> Subscription:
        """Drop a seat reduction scheduled for the next renewal; nothing changes when none is scheduled."""
        principal.authorize(BILLING_MANAGE, organization_id)
        return await self._change(
            principal,
            organization_id,
            "seat_reduction_canceled",
            request_id,
            lambda subscription: replace(subscription, seats_at_renewal=None),
        )

    def _issue(self, subscription: Subscription, draft: InvoiceDraft, now: datetime) -> tuple[Invoice, Subscription]:
        """A numbered invoice (gapless per organization: the counter lives on the locked subscription)."""
        sequence = subscription.invoices_issued + 1
        invoice = Invoice(new_id(), invoice_number(subscription.organization_id, sequence), INVOICE_OPEN, now, draft)
        return invoice, replace(subscription, invoices_issued=sequence)

    async def update_profile(
        self, principal: Principal, organization_id: str, profile: BillingProfile, request_id: str = ""
    ) -> Subscription:
        """The billing profile, editable by the tenant (billing.manage) except its tax rate, which only a platform
        operator sets: a tenant's update must carry the rate as it is (OPERATOR_ONLY otherwise)."""
        principal.authorize(BILLING_MANAGE, organization_id)
        profile = validate_profile(profile)
        operator = PLATFORM_ADMIN in principal.permissions

        def apply(subscription: Subscription) -> Subscription:
            if subscription.status == CANCELED:
                raise FailedPrecondition("The subscription is canceled.", reason="SUBSCRIPTION_CANCELED")
            if not operator and profile.tax_rate_basis_points != subscription.profile.tax_rate_basis_points:
                raise PermissionDenied(
                    "Only a platform operator sets the tax rate; send the current one "
                    f"({subscription.profile.tax_rate_basis_points} basis points).",
                    reason="OPERATOR_ONLY",
                    metadata={
                        "field": "billing_profile.tax_rate_basis_points",
                        "permission": PLATFORM_ADMIN,
                        "current_basis_points": str(subscription.profile.tax_rate_basis_points),
                    },
                )
            return replace(subscription, profile=profile)

        return await self._change(principal, organization_id, "profile_updated", request_id, apply)

    async def update_payment_method(
        self, principal: Principal, organization_id: str, method: PaymentMethod, request_id: str = ""
    ) -> Subscription:
        """A new payment method; when a collection had failed, the open invoices are retried with it at once."""
        principal.authorize(BILLING_MANAGE, organization_id)
        method = validate_payment_method(method, self._clock.now())
        updated = await self._update(
            principal, organization_id, "payment_method_updated", request_id, payment_method=method
        )
        if updated.failed_payment_attempts:
            await self.collect(organization_id, principal, request_id)
            async with self._store.read() as tx:
                updated = await tx.get_subscription(organization_id) or updated
        return updated

    async def cancel(self, principal: Principal, organization_id: str, request_id: str = "") -> Subscription:
        principal.authorize(SUBSCRIPTION_CANCEL, organization_id)
        principal.require_recent_authentication(self._clock.now())
        return await self._change(principal, organization_id, "cancel_scheduled", request_id, cancel_at_period_end)

    async def resume(self, principal: Principal, organization_id: str, request_id: str = "") -> Subscription:
        principal.authorize(SUBSCRIPTION_CANCEL, organization_id)
        return await self._change(principal, organization_id, "resumed", request_id, resume)

    async def _update(
        self, principal: Principal, organization_id: str, change: str, request_id: str, **values: object
    ) -> Subscription:
        def apply(subscription: Subscription) -> Subscription:
            if subscription.status == CANCELED:
                raise FailedPrecondition("The subscription is canceled.", reason="SUBSCRIPTION_CANCELED")
            return replace(subscription, **values)  # type: ignore[arg-type]

        return await self._change(principal, organization_id, change, request_id, apply)

    async def _change(
        self,
        principal: Principal,
        organization_id: str,
        change: str,
        request_id: str,
        apply: Callable[[Subscription], Subscription],
    ) -> Subscription:
        now = self._clock.now()
        async with self._store.write() as tx:
            before = await self._locked(tx, organization_id)
            after = apply(before)
            if after == before:
                return before
            after = replace(after, version=before.version + 1)
            await tx.save_subscription(after, now)
            await tx.record_events(SubscriptionChanged(principal, now, request_id, change, after, before))
        return after

    async def list_invoices(
        self, principal: Principal, organization_id: str, requested: int = 0, status: str | None = None
    ) -> list[Invoice]:
        principal.authorize(BILLING_READ, organization_id)
        limit = page_size(requested)
        if status is not None and status not in INVOICE_STATUSES:
            raise InvalidArgument(
                f"Unknown invoice status {status!r}.", [FieldViolation("filter", f"status one of {INVOICE_STATUSES}")]
            )
        async with self._store.read() as tx:
            return await tx.list_invoices(organization_id, limit, status)

    async def get_invoice(self, principal: Principal, organization_id: str, invoice_id: str) -> Invoice:
        principal.authorize(BILLING_READ, organization_id)
        async with self._store.read() as tx:
            invoice = await tx.get_invoice(organization_id, invoice_id[:36])
        if invoice is None:
            raise NotFound("No such invoice.")
        return invoice

    async def list_payments(self, principal: Principal, organization_id: str, requested: int = 0) -> list[Payment]:
        principal.authorize(BILLING_READ, organization_id)
        limit = page_size(requested)
        async with self._store.read() as tx:
            return await tx.list_payments(organization_id, limit)

    async def _require_operator_on_invoice(self, principal: Principal, organization_id: str, invoice_id: str) -> None:
        """Another organization's or an unknown invoice is not found for anyone (as on every route with an id);
        an existing one is then refused to all but platform operators."""
        principal.require_organization(organization_id)
        async with self._store.read() as tx:
            if await tx.get_invoice(organization_id, invoice_id[:36]) is None:
                raise NotFound("No such invoice.")
        principal.authorize(PLATFORM_ADMIN, organization_id)

    async def record_payment(
        self,
        principal: Principal,
        organization_id: str,
        invoice_id: str,
        reference: str,
        request_id: str = "",
        idempotency_key: str = "",
    ) -> RecordedPayment:
        """An open invoice paid by bank transfer; the subscription is back in good standing once nothing is open.
        Only a platform operator records payments (a tenant cannot mark its own invoices paid)."""
        await self._require_operator_on_invoice(principal, organization_id, invoice_id)
        reference = reference.strip()
        violations = Violations()
        if not reference or len(reference) > 128:
            violations.add("reference", "The bank's reference of the transfer, at most 128 characters.")
        violations.raise_if_any()
        now = self._clock.now()
        async with self._store.write() as tx:
            before = await self._locked(tx, organization_id)
            stored = await self._stored(tx, organization_id, "RecordPayment", idempotency_key)
            if stored is not None:
                recorded = await tx.list_payments(organization_id, MAX_PAGE_SIZE, stored.split(" ")[0])
                first = next(payment for payment in recorded if payment.id == stored.split(" ")[1])
                return RecordedPayment(first, before)
            invoice = await tx.get_invoice(organization_id, invoice_id[:36])
            if invoice is None:
                raise NotFound("No such invoice.")
            if invoice.status != INVOICE_OPEN:
                raise FailedPrecondition("The invoice is not open.", reason="INVOICE_NOT_OPEN")
            payment = Payment(
                new_id(), organization_id, invoice.id, invoice.total, PAYMENT_SUCCEEDED, METHOD_INVOICE,
                reference, "", now,
            )  # fmt: skip
            after = await self._apply_payment(tx, before, invoice, payment, "recorded", principal, request_id, now)
            if idempotency_key:
                await tx.save_idempotent(
                    organization_id, "RecordPayment", idempotency_key, f"{invoice.id} {payment.id}".encode()
                )
        return RecordedPayment(payment, after)

    async def create_credit_note(
        self,
        principal: Principal,
        organization_id: str,
        invoice_id: str,
        amount_minor: int,
        reason: str,
        request_id: str = "",
        idempotency_key: str = "",
    ) -> CreditNote:
        """Credit part or all of a paid invoice (which itself never changes); the credit notes of an invoice never
        total more than it. A retry with the same idempotency key returns the first credit note. Only a platform
        operator issues credit notes (a tenant cannot credit its own invoices)."""
        await self._require_operator_on_invoice(principal, organization_id, invoice_id)
        now = self._clock.now()
        async with self._store.write() as tx:
            before = await self._locked(tx, organization_id)
            stored = await self._stored(tx, organization_id, "CreateCreditNote", idempotency_key)
            if stored is not None:
                notes = await tx.list_credit_notes(organization_id, MAX_CREDIT_NOTES_PER_INVOICE, stored.split(" ")[0])
                return next(note for note in notes if note.id == stored.split(" ")[1])
            invoice = await tx.get_invoice(organization_id, invoice_id[:36])
            if invoice is None:
                raise NotFound("No such invoice.")
            earlier = await tx.list_credit_notes(organization_id, MAX_CREDIT_NOTES_PER_INVOICE, invoice.id)
            if len(earlier) >= MAX_CREDIT_NOTES_PER_INVOICE:
                raise FailedPrecondition("This invoice has too many credit notes.", reason="TOO_MANY_CREDIT_NOTES")
            credited = CreditAmounts(Money.zero(invoice.draft.currency), Money.zero(invoice.draft.currency))
            for note in earlier:
                credited = CreditAmounts(credited.subtotal + note.subtotal, credited.tax + note.tax)
            amounts = credit_amounts(invoice, amount_minor, credited, reason)
            sequence = before.credit_notes_issued + 1
            note = CreditNote(
                new_id(), organization_id, invoice.id, invoice.number, credit_note_number(organization_id, sequence),
                reason.strip(), amounts.subtotal, amounts.tax, invoice.draft.tax_rate_basis_points, now,
            )  # fmt: skip
            await tx.save_subscription(replace(before, credit_notes_issued=sequence, version=before.version + 1), now)
            await tx.insert_credit_note(note)
            await tx.record_events(CreditNoteIssued(principal, now, request_id, note))
            if idempotency_key:
                await tx.save_idempotent(
                    organization_id, "CreateCreditNote", idempotency_key, f"{invoice.id} {note.id}".encode()
                )
        return note

    async def list_credit_notes(
        self, principal: Principal, organization_id: str, requested: int = 0
    ) -> list[CreditNote]:
        principal.authorize(BILLING_READ, organization_id)
        limit = page_size(requested)
        async with self._store.read() as tx:
            return await tx.list_credit_notes(organization_id, limit)

    async def collect(self, organization_id: str, actor: Principal, request_id: str = "") -> Payment | None:
        """Charge the open invoices, oldest first, until one fails; returns the last attempt (None if none)."""
        last: Payment | None = None
        async with self._store.read() as tx:
            subscription = await tx.get_subscription(organization_id)
            open_invoices = await tx.open_invoices(organization_id)
        if subscription is None:
            return None
        if not open_invoices and subscription.next_payment_attempt_at is not None:
            await self._check_again_at(organization_id, None)  # nothing left to collect
        for invoice in open_invoices:
            result = await self._charge(subscription.payment_method, invoice)
            now = self._clock.now()
            if result.status == PAYMENT_PENDING:
                due = invoice.issued_at + PAYMENT_TERMS
                if now < due:
                    await self._check_again_at(organization_id, due)
                    return last
                result = ChargeResult(
                    PAYMENT_FAILED, failure_reason=f"Not paid within {PAYMENT_TERMS.days} days of the invoice."
                )
            payment = Payment(
                new_id(), organization_id, invoice.id, invoice.total, result.status,
                subscription.payment_method.display, result.reference,
                result.failure_reason, now,
            )  # fmt: skip
            async with self._store.write() as tx:
                before = await self._locked(tx, organization_id)
                current = await tx.get_invoice(organization_id, invoice.id)
                if current is None or current.status != INVOICE_OPEN:
                    continue  # paid meanwhile (recorded by hand, or another replica's retry)
                outcome = "succeeded" if result.status == PAYMENT_SUCCEEDED else "failed"
                subscription = await self._apply_payment(tx, before, invoice, payment, outcome, actor, request_id, now)
            last = payment
            if result.status == PAYMENT_FAILED:
                break
        return last

    async def _check_again_at(self, organization_id: str, moment: datetime | None) -> None:
        """Have the renewal worker look at this organization again then (an invoice paid by transfer falls due),
        or no more (None: nothing is left to collect)."""
        async with self._store.write() as tx:
            subscription = await self._locked(tx, organization_id)
            current = subscription.next_payment_attempt_at
            if moment is None or current is None or current > moment:
                await tx.save_subscription(replace(subscription, next_payment_attempt_at=moment), self._clock.now())

    async def _charge(self, method: PaymentMethod, invoice: Invoice) -> ChargeResult:
        if invoice.total.amount == 0:
            return ChargeResult(PAYMENT_SUCCEEDED, "nothing to collect")
        if method.kind == METHOD_NONE:
            return ChargeResult(PAYMENT_FAILED, failure_reason="No payment method on file.")
        return await self._processor.charge(method, invoice.total, invoice.number)

    async def _apply_payment(
        self,
        tx: SubscriptionTransaction,
        before: Subscription,
        invoice: Invoice,
        payment: Payment,
        outcome: str,
        actor: Principal,
        request_id: str,
        now: datetime,
    ) -> Subscription:
        await tx.insert_payment(payment)
        if payment.status == PAYMENT_SUCCEEDED:
            await tx.mark_invoice_paid(invoice.id, now)
            still_open = [other for other in await tx.open_invoices(before.organization_id) if other.id != invoice.id]
            after = before if still_open else payment_succeeded(before)
        else:
            after = payment_failed(before, now)
        after = replace(after, version=before.version + 1)
        await tx.save_subscription(after, now)
        await tx.record_events(
            PaymentAttempted(actor, now, request_id, outcome, payment, after.failed_payment_attempts)
        )
        if after.status != before.status:
            change = "reactivated" if payment.status == PAYMENT_SUCCEEDED else after.status
            await tx.record_events(SubscriptionChanged(actor, now, request_id, change, after, before))
        return after

    async def run_renewals(self, batch: int = 100) -> int:
        """Renew every subscription whose period has ended and retry due collections; returns how many
        organizations were handled. Driven by the renewal worker with the injected clock."""
        now = self._clock.now()
        async with self._store.read() as tx:
            due = await tx.organizations_due(now, batch)
        handled = 0
        for organization_id in due:
            try:
                await self.renew_organization(organization_id)
            except Exception:
                # One organization's trouble (a plan gone from the catalogue, say) must not stop the others.
                log.exception("renewal failed", extra={"organization_id": organization_id})
                continue
            handled += 1
        return handled

    async def renew_organization(self, organization_id: str) -> None:
        now = self._clock.now()
        async with self._store.write() as tx:
            subscription = await self._locked(tx, organization_id)
            for _ in range(MAX_RENEWALS_PER_PASS):
                if not is_due_for_renewal(subscription, now):
                    break
                plan = self.plan_of(subscription)
                next_plan = self.next_plan_of(subscription)
                usage = await self._seat_usage(tx, subscription)
                before = subscription
                renewed = renew(subscription, plan, usage.in_use, next_plan)
                plan = next_plan or plan
                if renewed.status == CANCELED:
                    subscription = replace(renewed, version=before.version + 1)
                    await tx.save_subscription(subscription, now)
                    ended = subscription.canceled_at or now
                    await tx.record_events(
                        SubscriptionChanged(RENEWALS_ACTOR, now, "", "canceled", subscription, before),
                        OrganizationDeletionScheduled(
                            RENEWALS_ACTOR, now, "", organization_id, ended, ended + DELETION_DELAY
                        ),
                    )
                    return
                invoice, renewed = self._issue(renewed, renewal_invoice(renewed, plan), now)
                subscription = replace(renewed, version=before.version + 1)
                await tx.save_subscription(subscription, now)
                await tx.insert_invoice(invoice)
                await tx.record_events(
                    SubscriptionChanged(RENEWALS_ACTOR, now, "", "renewed", subscription, before),
                    InvoiceIssued(RENEWALS_ACTOR, now, "", invoice),
                )
        retry_due = subscription.next_payment_attempt_at is None or subscription.next_payment_attempt_at <= now
        if subscription.status != CANCELED and retry_due:
            await self.collect(organization_id, RENEWALS_ACTOR)
