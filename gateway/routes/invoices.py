"""REST routes of invoices (JSON and PDF), payments and credit notes."""

from __future__ import annotations

from starlette.responses import Response
from tenantry.billing.v1 import billing_service_pb2 as billing_pb

from gateway import convert
from gateway.models.billing import (
    CreditNoteList,
    CreditNoteReply,
    CreditNoteRequest,
    InvoiceList,
    InvoiceListQuery,
    PageQuery,
    PaymentList,
    PaymentRecord,
    RecordedPayment,
)
from gateway.routing import ApiRoute, Context, equality_filter


async def list_invoices(context: Context) -> InvoiceList:
    query = context.params_as(InvoiceListQuery)
    reply = await context.call(
        context.clients.billing.ListInvoices,
        billing_pb.ListInvoicesRequest(
            organization_id=context.organization_id,
            page_size=query.page_size or 0,
            page_token=query.page_token or "",
            filter=equality_filter({"status": query.status}),
        ),
    )
    return InvoiceList.model_validate(
        {"invoices": [convert.invoice(invoice) for invoice in reply.invoices], "next_page_token": reply.next_page_token}
    )


async def invoice_pdf(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.GetInvoicePdf,
        billing_pb.GetInvoicePdfRequest(organization_id=context.organization_id, invoice_id=context.path("invoice_id")),
    )
    return Response(
        reply.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{reply.file_name}"'},
    )


async def create_credit_note(context: Context) -> CreditNoteReply:
    note = context.body_as(CreditNoteRequest)
    reply = await context.call(
        context.clients.billing.CreateCreditNote,
        billing_pb.CreateCreditNoteRequest(
            organization_id=context.organization_id,
            invoice_id=context.path("invoice_id"),
            amount_minor=note.amount_minor,
            reason=note.reason,
            idempotency_key=context.idempotency_key,
        ),
    )
    return CreditNoteReply.model_validate({"credit_note": convert.credit_note(reply.credit_note)})


async def list_credit_notes(context: Context) -> CreditNoteList:
    page = context.params_as(PageQuery)
    reply = await context.call(
        context.clients.billing.ListCreditNotes,
        billing_pb.ListCreditNotesRequest(
            organization_id=context.organization_id, page_size=page.page_size or 0, page_token=page.page_token or ""
        ),
    )
    return CreditNoteList.model_validate(
        {"credit_notes": [convert.credit_note(n) for n in reply.credit_notes], "next_page_token": reply.next_page_token}
    )


async def list_payments(context: Context) -> PaymentList:
    page = context.params_as(PageQuery)
    reply = await context.call(
        context.clients.billing.ListPayments,
        billing_pb.ListPaymentsRequest(
            organization_id=context.organization_id, page_size=page.page_size or 0, page_token=page.page_token or ""
        ),
    )
    return PaymentList.model_validate(
        {"payments": [convert.payment(payment) for payment in reply.payments], "next_page_token": reply.next_page_token}
    )


async def record_payment(context: Context) -> RecordedPayment:
    reply = await context.call(
        context.clients.billing.RecordPayment,
        billing_pb.RecordPaymentRequest(
            organization_id=context.organization_id,
            invoice_id=context.path("invoice_id"),
            reference=context.body_as(PaymentRecord).reference,
            idempotency_key=context.idempotency_key,
        ),
    )
    return RecordedPayment.model_validate(
        {"payment": convert.payment(reply.payment), "subscription": convert.subscription(reply.subscription)}
    )


ROUTES: tuple[ApiRoute, ...] = (
    ApiRoute(
        "GET",
        "/v1/billing/invoices",
        list_invoices,
        "Issued invoices, newest first, with line items, subtotal, tax and total; filter by status (open, paid, "
        "void) (billing.read).",
        query=InvoiceListQuery,
        response=InvoiceList,
    ),
    ApiRoute(
        "GET",
        "/v1/billing/invoices/{invoice_id}/pdf",
        invoice_pdf,
        "One invoice as a PDF document (billing.read).",
        response_media=("application/pdf",),
    ),
    ApiRoute(
        "POST",
        "/v1/billing/invoices/{invoice_id}/credit-notes",
        create_credit_note,
        "Credit part or all of a paid invoice (amount_minor before tax, at the invoice's tax rate; the invoice "
        "itself never changes); the credit notes of an invoice never total more than it (platform operators only: "
        "platform.admin). Send an Idempotency-Key.",
        body=CreditNoteRequest,
        response=CreditNoteReply,
        success_status=201,
    ),
    ApiRoute(
        "GET",
        "/v1/billing/credit-notes",
        list_credit_notes,
        "Credit notes, newest first, with their own gapless numbers (billing.read).",
        query=PageQuery,
        response=CreditNoteList,
    ),
    ApiRoute(
        "GET",
        "/v1/billing/payments",
        list_payments,
        "Collection attempts and recorded payments, newest first (billing.read).",
        query=PageQuery,
        response=PaymentList,
    ),
    ApiRoute(
        "POST",
        "/v1/billing/invoices/{invoice_id}/payments",
        record_payment,
        "Record that an open invoice was paid by bank transfer, with the bank's reference (platform operators only: "
        "platform.admin). Send an Idempotency-Key.",
        body=PaymentRecord,
        response=RecordedPayment,
        success_status=201,
    ),
)
