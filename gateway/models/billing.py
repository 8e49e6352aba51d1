"""Bodies of the billing routes. Money is exact: integer minor units and an ISO 4217 code, never a float."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from gateway.models.fields import (
    BasisPoints,
    Id,
    LongText,
    PageSize,
    PageToken,
    PositiveNumber,
    QueryParameters,
    RequestBody,
    ResponseBody,
    ShortText,
    Timestamp,
)

InvoiceStatus = Literal["open", "paid", "void"]


class Money(ResponseBody):
    amount_minor: int
    currency: Annotated[str, Field(description="ISO 4217", examples=["EUR"])]


class SeatUsage(ResponseBody):
    organization_id: str
    purchased: int
    active: int
    invited: int
    in_use: int
    available: int


class Plan(ResponseBody):
    id: str
    name: str
    price_per_seat: Money
    interval: str
    minimum_seats: int
    maximum_seats: int
    trial_days: int
    entitlements: list[str]


class PlanList(ResponseBody):
    plans: list[Plan]


class BillingProfile(ResponseBody):
    legal_name: str
    address: str
    country: str
    vat_id: str
    tax_rate_basis_points: int
    billing_email: str


class PaymentMethod(ResponseBody):
    kind: str
    label: str
    reference: str
    brand: str
    last4: str
    expiry_month: int
    expiry_year: int
    display: str


class Subscription(ResponseBody):
    organization_id: str
    plan_id: str
    status: Literal["trialing", "active", "past_due", "unpaid", "canceled"]
    seats_purchased: int
    seats_at_renewal: Annotated[int | None, Field(description="a reduction scheduled for the next renewal")]
    current_period_start: Timestamp | None
    current_period_end: Timestamp | None
    cancel_at_period_end: bool
    cancel_time: Timestamp | None
    failed_payment_attempts: int
    next_payment_attempt_time: Timestamp | None
    billing_profile: BillingProfile
    payment_method: PaymentMethod
    version: int
    plan_at_renewal: str | None


class SubscriptionReply(ResponseBody):
    subscription: Subscription


class InvoiceLine(ResponseBody):
    description: str
    quantity: int
    unit_amount: Money
    amount: Money
    period_start: Timestamp | None
    period_end: Timestamp | None


class Invoice(ResponseBody):
    id: Annotated[str | None, Field(description="absent on a preview of the upcoming invoice")]
    number: Annotated[str | None, Field(description="absent on a preview of the upcoming invoice")]
    status: str
    reason: str
    lines: list[InvoiceLine]
    subtotal: Money
    tax: Money
    total: Money
    tax_rate_basis_points: int
    period_start: Timestamp | None
    period_end: Timestamp | None
    issue_time: Timestamp | None
    paid_time: Timestamp | None
    billing_profile: BillingProfile


class Payment(ResponseBody):
    id: str
    invoice_id: str
    amount: Money
    status: str
    method: str
    reference: str
    failure_reason: str
    attempt_time: Timestamp | None


class NextPayment(ResponseBody):
    time: Timestamp | None
    amount: Money


class Dashboard(ResponseBody):
    subscription: Subscription
    plan: Plan
    seats: SeatUsage
    upcoming_invoice: Annotated[Invoice | None, Field(description="none once the subscription ends")]
    next_payment: NextPayment | None


class SubscriptionChange(ResponseBody):
    subscription: Subscription
    invoice: Annotated[Invoice | None, Field(description="the prorated invoice, when one was issued now")]
    payment: Annotated[Payment | None, Field(description="its collection attempt, when one was made")]


class SeatChange(RequestBody):
    seats: PositiveNumber


ExpectedCharge = Annotated[
    int | None,
    Field(
        ge=0,
        le=2**53,
        description="the charge now, in minor units, a preview showed (0 for none): a different charge changes "
        "nothing (409 CHARGE_CHANGED); omit for no check",
    ),
]


class SeatPurchase(SeatChange):
    expected_charge_minor: ExpectedCharge = None


class SeatChangePreview(ResponseBody):
    subscription: Annotated[Subscription, Field(description="the subscription as the change would leave it")]
    charge_now: Annotated[
        Invoice | None, Field(description="the prorated invoice added seats would issue now; none for a reduction")
    ]
    next_invoice: Annotated[
        Invoice | None, Field(description="the next renewal's invoice after the change; none when it ends")
    ]


class PlanChoice(RequestBody):
    plan_id: Id


class PlanChange(PlanChoice):
    expected_charge_minor: ExpectedCharge = None


class PlanChangePreview(ResponseBody):
    subscription: Annotated[
        Subscription, Field(description="the subscription as the change would leave it (plan_at_renewal if it waits)")
    ]
    applies_now: Annotated[bool, Field(description="true for an upgrade (or in a trial); false: at the next renewal")]
    charge_now: Annotated[
        Invoice | None, Field(description="the prorated invoice an upgrade would issue now; none otherwise")
    ]
    next_invoice: Annotated[
        Invoice | None, Field(description="the next renewal's invoice after the change; none when it ends")
    ]


class BillingProfileChange(RequestBody):
    """The whole profile: fields not sent become empty."""

    legal_name: Annotated[str, StringConstraints(max_length=200)] = ""
    address: LongText = ""
    country: Annotated[str, Field(max_length=2, description="ISO 3166-1 alpha-2")] = ""
    vat_id: Annotated[str, StringConstraints(max_length=64)] = ""
    tax_rate_basis_points: Annotated[
        BasisPoints, Field(description="set by platform operators only; others send the current rate")
    ] = 0
    billing_email: Annotated[str, StringConstraints(max_length=254)] = ""


class PaymentMethodChange(RequestBody):
    """Provider references only: card numbers are refused."""

    kind: Literal["invoice", "test", "none"]
    label: Annotated[str, StringConstraints(max_length=64)] = ""
    reference: Annotated[str, StringConstraints(max_length=128), Field(description="a provider token: tok_…")] = ""
    brand: Annotated[str, StringConstraints(max_length=32)] = ""
    last4: Annotated[str, StringConstraints(max_length=4)] = ""
    expiry_month: Annotated[int, Field(ge=0, le=12)] = 0
    expiry_year: Annotated[int, Field(ge=0, le=9999)] = 0


class SeatDifference(ResponseBody):
    member_id: str
    kind: str
    membership_status: str | None
    billing_status: str | None


class Reconciliation(ResponseBody):
    in_sync: bool
    membership_members: int
    billing_seats: int
    differences: list[SeatDifference]


class PageQuery(QueryParameters):
    page_size: PageSize | None = None
    page_token: PageToken | None = None


class InvoiceListQuery(PageQuery):
    status: InvoiceStatus | None = None


class InvoiceList(ResponseBody):
    invoices: list[Invoice]
    next_page_token: str = Field(description="empty on the last page")


class CreditNote(ResponseBody):
    id: str
    number: str
    invoice_id: str
    invoice_number: str
    reason: str
    subtotal: Money
    tax: Money
    total: Money
    tax_rate_basis_points: int
    issue_time: Timestamp | None


class CreditNoteReply(ResponseBody):
    credit_note: CreditNote


class CreditNoteList(ResponseBody):
    credit_notes: list[CreditNote]
    next_page_token: str = Field(description="empty on the last page")


class CreditNoteRequest(RequestBody):
    amount_minor: Annotated[PositiveNumber, Field(description="before tax, at the invoice's tax rate")]
    reason: Annotated[ShortText, StringConstraints(min_length=1)]


class PaymentList(ResponseBody):
    payments: list[Payment]
    next_page_token: str = Field(description="empty on the last page")


class PaymentRecord(RequestBody):
    reference: Annotated[str, StringConstraints(min_length=1, max_length=128), Field(description="the bank's")]


class RecordedPayment(ResponseBody):
    payment: Payment
    subscription: Subscription
