"""REST routes: Invoices (JSON and PDF), payments and credit notes."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from tenantry.billing.v1 import billing_service_pb2 as billing_pb

from gateway import convert
from gateway.routes.billing import _INVOICE, _object, refuse_unknown_fields, text_field, whole_number_field
from gateway.routing import (
    STRING,
    ApiRoute,
    Context,
    body_schema,
    equality_filter,
    page_size_of,
    path_id,
)


async def list_invoices(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.ListInvoices,
        billing_pb.ListInvoicesRequest(
            organization_id=context.organization_id,
            page_size=page_size_of(context),
            filter=equality_filter({"status": context.query("status")}),
        ),
    )
    return JSONResponse({"invoices": [convert.invoice_json(invoice) for invoice in reply.invoices]})


async def invoice_pdf(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.GetInvoicePdf,
        billing_pb.GetInvoicePdfRequest(
            organization_id=context.organization_id, invoice_id=path_id(context, "invoice_id")
        ),
    )
    return Response(
        reply.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{reply.file_name}"'},
    )


async def create_credit_note(context: Context) -> Response:
    refuse_unknown_fields(context, ("amount_minor", "reason"))
    reply = await context.call(
        context.clients.billing.CreateCreditNote,
        billing_pb.CreateCreditNoteRequest(
            organization_id=context.organization_id,
            invoice_id=path_id(context, "invoice_id"),
            amount_minor=whole_number_field(context, "amount_minor", required=True),
            reason=text_field(context, "reason", required=True),
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse({"credit_note": convert.credit_note_json(reply.credit_note)}, status_code=201)


async def list_credit_notes(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.ListCreditNotes,
        billing_pb.ListCreditNotesRequest(organization_id=context.organization_id, page_size=page_size_of(context)),
    )
    return JSONResponse({"credit_notes": [convert.credit_note_json(note) for note in reply.credit_notes]})


async def list_payments(context: Context) -> Response:
    reply = await context.call(
        context.clients.billing.ListPayments,
        billing_pb.ListPaymentsRequest(organization_id=context.organization_id, page_size=page_size_of(context)),
    )
    return JSONResponse({"payments": [convert.payment_json(payment) for payment in reply.payments]})


async def record_payment(context: Context) -> Response:
    refuse_unknown_fields(context, ("reference",))
    reply = await context.call(
        context.clients.billing.RecordPayment,
        billing_pb.RecordPaymentRequest(
            organization_id=context.organization_id,
            invoice_id=path_id(context, "invoice_id"),
            reference=text_field(context, "reference", required=True),
            request_id=context.idempotency_key(),
        ),
    )
    return JSONResponse(
        {"payment": convert.payment_json(reply.payment), "subscription": convert.subscription_json(reply.subscription)},
        status_code=201,
    )


ROUTES: tuple[ApiRoute, ...] = (
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
        request_schema=body_schema(
            "amount_minor", "reason", amount_minor={"type": "integer", "minimum": 1}, reason=STRING
        ),
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
        request_schema=body_schema("reference", reference=STRING),
        success_status=201,
    ),
)
