"""An invoice as a PDF (fpdf2): seller, customer's billing profile, line items, subtotal, tax and total."""

from __future__ import annotations

from fpdf import FPDF

from services.billing.domain.invoices import Invoice
from services.billing.domain.money import Money

SELLER = "Tenantry"
# The PDF core fonts cover Latin-1; anything else is replaced rather than breaking the document.
PDF_ENCODING = "latin-1"


def pdf_text(text: str) -> str:
    return text.encode(PDF_ENCODING, "replace").decode(PDF_ENCODING)


def render_invoice_pdf(invoice: Invoice, *, compress: bool = True) -> bytes:
    draft = invoice.draft
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(invoice.issued_at)
    pdf.set_title(pdf_text(f"Invoice {invoice.number}"))
    pdf.set_author(SELLER)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, pdf_text(f"Invoice {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    facts = [
        f"Issued: {invoice.issued_at.date().isoformat()}",
        f"Period: {draft.period_start.date().isoformat()} to {draft.period_end.date().isoformat()}",
        f"Status: {invoice.status}",
    ]
    for fact in facts:
        pdf.cell(0, 6, pdf_text(fact), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Billed to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    profile = draft.profile
    customer = [profile.legal_name or draft.organization_id, *profile.address.splitlines(), profile.country]
    if profile.vat_id:
        customer.append(f"VAT id: {profile.vat_id}")
    if profile.billing_email:
        customer.append(profile.billing_email)
    for line in filter(None, customer):
        pdf.cell(0, 6, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    widths = (100, 20, 35, 35)
    pdf.set_font("Helvetica", "B", 10)
    for width, heading, align in zip(widths, ("Description", "Qty", "Unit price", "Amount"), "LRRR", strict=True):
        pdf.cell(width, 8, heading, border="B", align=align)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for item in draft.lines:
        cells = (item.description, str(item.quantity), item.unit_amount.format(), item.amount.format())
        for width, text, align in zip(widths, cells, "LRRR", strict=True):
            pdf.cell(width, 7, pdf_text(text), align=align)
        pdf.ln()
    pdf.ln(2)
    rate = f"{draft.tax_rate_basis_points / 100:.2f} %"
    sums: list[tuple[str, Money]] = [("Subtotal", draft.subtotal), (f"Tax ({rate})", draft.tax), ("Total", draft.total)]
    for label, amount in sums:
        pdf.set_font("Helvetica", "B" if label == "Total" else "", 10)
        pdf.cell(sum(widths[:3]), 7, label, align="R")
        pdf.cell(widths[3], 7, amount.format(), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
