"""An invoice renders to a PDF that shows its number, customer, lines and total."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from services.billing.domain.catalogue import load_catalogue
from services.billing.domain.invoices import INVOICE_OPEN, Invoice, renewal_invoice
from services.billing.domain.subscription import BillingProfile, open_subscription
from services.billing.render.invoice_pdf import render_invoice_pdf

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_the_pdf_shows_the_invoice_and_survives_non_latin_names() -> None:
    plan = replace(load_catalogue().default_plan, trial_days=0)
    terms = replace(
        open_subscription("org-1", plan, 3, NOW),
        profile=BillingProfile(
            legal_name="Acme Łódź GmbH", address="Main St 1\n10115 Berlin", vat_id="DE123", tax_rate_basis_points=1900
        ),
    )
    invoice = Invoice("inv-1", "ORG1-000001", INVOICE_OPEN, NOW, renewal_invoice(terms, plan))
    document = render_invoice_pdf(invoice, compress=False)
    assert document.startswith(b"%PDF-")
    for text in (b"Invoice ORG1-000001", b"Acme ?", b"DE123", b"36.00 EUR", b"6.84 EUR", b"42.84 EUR", b"19.00 %"):
        assert text in document
    assert render_invoice_pdf(invoice).startswith(b"%PDF-")
