"""Billing through the gateway's REST API, in process over real gRPC, NATS and SQLite: the dashboard, the
billing profile and payment method, buying seats (prorated invoice, collected), the invoice PDF, cancellation
by the Owner, the audit entries the changes leave, and the OpenAPI document that describes the routes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
from sqlalchemy import delete
from tenantry.billing.v1 import billing_service_pb2 as billing_pb
from tenantry.billing.v1 import billing_service_pb2_grpc as billing_grpc

from gateway.tests import in_process
from gateway.tests.in_process import running_services
from services.billing.domain.catalogue import DEFAULT_CATALOGUE_PATH
from services.billing.store.tables import seat_holders
from services.common.db import Database
from services.common.keys import signing_key_path
from services.common.nats_server import NatsServer
from services.common.principal import PrincipalSigner, outgoing_metadata, system_principal
from services.common.testing import eventually

CARD = {
    "kind": "test",
    "reference": "tok_visa",
    "brand": "visa",
    "last4": "4242",
    "expiry_month": 12,
    "expiry_year": 2030,
}


@pytest.fixture
def trial_days() -> int | None:
    """Trial days of every plan; None keeps the shipped catalogue."""
    return None


@pytest.fixture
def addresses() -> dict[str, str]:
    """The services' gRPC addresses, filled by owner_client (billing_address for operator calls)."""
    return {}


def operator_billing(tmp_path: Path, addresses: dict[str, str]) -> tuple[grpc.aio.Channel, Any, Any]:
    """A channel to billing, its stub and the metadata of a platform operator (as the CLI mints it)."""
    token, _ = PrincipalSigner(signing_key_path(tmp_path).read_text()).mint(system_principal("billing-operator"))
    channel = grpc.aio.insecure_channel(addresses["billing_address"])
    return channel, billing_grpc.BillingServiceStub(channel), outgoing_metadata(token, "operator-request")


@pytest.fixture
async def owner_client(
    tmp_path: Path, nats_server: NatsServer, trial_days: int | None, addresses: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """The four services and the gateway in this process; a client signed in as the Owner of Acme."""
    billing_settings: dict[str, Any] = {"renewal_interval_seconds": 0.2}
    if trial_days is not None:
        catalogue = tmp_path / "catalogue.toml"
        shipped = DEFAULT_CATALOGUE_PATH.read_text()
        catalogue.write_text(re.sub(r"trial_days = \d+", f"trial_days = {trial_days}", shipped))
        billing_settings["catalogue_path"] = catalogue
    async with running_services(tmp_path, nats_server.url, billing_settings) as running:
        addresses.update(running)
        async with in_process.owner_client(tmp_path, running) as client:
            yield client


async def test_the_owner_runs_billing_through_the_rest_api(
    owner_client: httpx.AsyncClient, tmp_path: Path, addresses: dict[str, str]
) -> None:
    client = owner_client
    dashboard = (await client.get("/v1/billing/subscription")).json()
    assert (dashboard["subscription"]["status"], dashboard["plan"]["id"]) == ("trialing", "team-monthly")
    assert dashboard["seats"]["purchased"] == 10 and dashboard["seats"]["in_use"] == 1
    assert dashboard["next_payment"]["amount"] == {"amount_minor": 12000, "currency": "EUR"}
    assert dashboard["next_payment"]["time"] == dashboard["subscription"]["current_period_end"]

    refused = await client.put("/v1/billing/profile", json={"country": "Germany", "tax_rate_basis_points": 1900})
    assert refused.status_code == 422  # a country is a two-letter code: refused before billing is asked
    assert [error["field"] for error in refused.json()["errors"]] == ["country"]
    unknown = await client.put("/v1/billing/profile", json={"discount": 100})
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "discount")
    profile = {"legal_name": "Acme GmbH", "country": "DE", "vat_id": "DE123456789", "tax_rate_basis_points": 1900}
    own_tax = await client.put("/v1/billing/profile", json=profile)  # the Owner never sets its own tax rate
    assert (own_tax.status_code, own_tax.json()["reason"]) == (403, "OPERATOR_ONLY")
    organization_id = dashboard["subscription"]["organization_id"]
    channel, billing, operator = operator_billing(tmp_path, addresses)
    async with channel:
        await billing.UpdateBillingProfile(
            billing_pb.UpdateBillingProfileRequest(
                organization_id=organization_id, billing_profile=billing_pb.BillingProfile(tax_rate_basis_points=1900)
            ),
            metadata=operator,
        )
    assert (await client.put("/v1/billing/profile", json=profile)).status_code == 200  # the same rate: accepted
    card_number = await client.put(
        "/v1/billing/payment-method", json={"kind": "test", "reference": "4242 4242 4242 4242", "last4": "4242"}
    )
    assert card_number.status_code == 400
    assert "payment_method.reference" in [error["field"] for error in card_number.json()["errors"]]
    method = await client.put("/v1/billing/payment-method", json=CARD)
    assert method.json()["subscription"]["payment_method"]["display"] == "visa •••• 4242 (12/2030)"

    bought = await client.post("/v1/billing/subscription/seats", json={"seats": 12})
    assert bought.status_code == 200, bought.text
    assert bought.json()["subscription"]["seats_purchased"] == 12
    assert bought.json()["invoice"] is None  # seats are free while trialing
    assert (await client.post("/v1/billing/subscription/seats", json={"seats": "many"})).status_code == 422
    too_few = await client.post("/v1/billing/subscription/seats", json={"seats": 0})
    assert (too_few.status_code, too_few.json()["errors"][0]["field"]) == (422, "seats")
    upcoming = (await client.get("/v1/billing/subscription")).json()["upcoming_invoice"]
    assert (upcoming["subtotal"]["amount_minor"], upcoming["tax"]["amount_minor"]) == (14400, 2736)

    yearly = await client.post("/v1/billing/subscription/plan", json={"plan_id": "team-yearly"})
    assert yearly.status_code == 200, yearly.text
    assert (yearly.json()["subscription"]["plan_id"], yearly.json()["invoice"]) == ("team-yearly", None)
    upcoming = (await client.get("/v1/billing/subscription")).json()["upcoming_invoice"]
    assert (upcoming["subtotal"]["amount_minor"], upcoming["tax"]["amount_minor"]) == (144000, 27360)
    unknown_plan = await client.post("/v1/billing/subscription/plan", json={"plan_id": "platinum"})
    assert (unknown_plan.status_code, unknown_plan.json()["errors"][0]["field"]) == (400, "plan_id")
    assert (await client.get("/v1/billing/invoices")).json() == {"invoices": [], "next_page_token": ""}
    missing = await client.get("/v1/billing/invoices/no-such-invoice/pdf")
    assert missing.status_code == 404
    assert len((await client.get("/v1/billing/plans")).json()["plans"]) == 3

    canceled = await client.post("/v1/billing/subscription/cancel")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["subscription"]["cancel_at_period_end"]
    assert (await client.get("/v1/billing/subscription")).json()["next_payment"] is None
    assert (await client.post("/v1/billing/subscription/resume")).json()["subscription"][
        "cancel_at_period_end"
    ] is False

    async def audited() -> set[str]:
        entries = (await client.get("/v1/audit/entries", params={"page_size": 100})).json()["entries"]
        actions = {entry["action"] for entry in entries}
        wanted = {"subscription.seats_added", "subscription.cancel_scheduled", "subscription.profile_updated"}
        return actions if wanted <= actions else set()

    await eventually(audited, timeout=15)

    document = (await client.get("/openapi.json")).json()
    for path in ("/v1/billing/seats", "/v1/billing/subscription", "/v1/billing/invoices/{invoice_id}/pdf"):
        assert path in document["paths"]


@pytest.mark.parametrize("trial_days", [0])
async def test_without_a_trial_the_first_invoice_is_collected_and_downloadable_as_pdf(
    owner_client: httpx.AsyncClient, tmp_path: Path, addresses: dict[str, str]
) -> None:
    client = owner_client

    async def failed_for_want_of_a_card() -> bool:
        subscription = (await client.get("/v1/billing/subscription")).json()["subscription"]
        return subscription["status"] == "past_due"

    await eventually(failed_for_want_of_a_card, timeout=15)
    settled = await client.put("/v1/billing/payment-method", json=CARD)
    assert settled.json()["subscription"]["status"] == "active"
    [invoice] = (await client.get("/v1/billing/invoices")).json()["invoices"]
    assert (await client.get("/v1/billing/invoices", params={"status": "open"})).json()["invoices"] == []
    assert len((await client.get("/v1/billing/invoices", params={"status": "paid"})).json()["invoices"]) == 1
    assert (await client.get("/v1/billing/invoices", params={"status": "lost"})).status_code == 422
    assert (invoice["status"], invoice["total"]) == ("paid", {"amount_minor": 12000, "currency": "EUR"})
    document = await client.get(f"/v1/billing/invoices/{invoice['id']}/pdf")
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf"
    assert document.content.startswith(b"%PDF-")
    assert invoice["number"] in document.headers["content-disposition"]
    payments = (await client.get("/v1/billing/payments")).json()["payments"]
    assert [payment["status"] for payment in payments] == ["succeeded", "failed"]

    preview = await client.post("/v1/billing/subscription/seats/preview", json={"seats": 11})
    assert preview.status_code == 200, preview.text
    assert preview.json()["subscription"]["seats_purchased"] == 11 and preview.json()["charge_now"]["id"] is None
    assert (await client.get("/v1/billing/seats")).json()["purchased"] == 10, "a preview buys nothing"
    bad_preview = await client.post("/v1/billing/subscription/seats/preview", json={"seats": "many"})
    assert (bad_preview.status_code, bad_preview.json()["errors"][0]["field"]) == (422, "seats")
    previewed = preview.json()["charge_now"]["total"]["amount_minor"]
    outdated = await client.post("/v1/billing/subscription/seats", json={"seats": 11, "expected_charge_minor": 1})
    assert (outdated.status_code, outdated.json()["reason"]) == (409, "CHARGE_CHANGED"), outdated.text
    bought_at = {"seats": 11, "expected_charge_minor": previewed}
    bought = (await client.post("/v1/billing/subscription/seats", json=bought_at)).json()
    assert bought["invoice"]["status"] == "paid"
    assert bought["invoice"]["total"] == preview.json()["charge_now"]["total"], "charged as previewed"
    assert 0 < bought["invoice"]["total"]["amount_minor"] <= 1200
    recorded = await client.post(f"/v1/billing/invoices/{invoice['id']}/payments", json={"reference": "SEPA-1"})
    assert recorded.status_code == 403  # the Owner never marks its own invoices paid
    channel, billing, operator = operator_billing(tmp_path, addresses)
    organization_id = bought["subscription"]["organization_id"]
    async with channel:
        with pytest.raises(grpc.aio.AioRpcError) as not_open:
            await billing.RecordPayment(
                billing_pb.RecordPaymentRequest(
                    organization_id=organization_id, invoice_id=invoice["id"], reference="SEPA-1"
                ),
                metadata=operator,
            )
        assert not_open.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    # A retried purchase with the same Idempotency-Key answers with the first invoice and buys nothing more.
    key = {"Idempotency-Key": "buy-one-more"}
    first = (await client.post("/v1/billing/subscription/seats", json={"seats": 12}, headers=key)).json()
    retry = (await client.post("/v1/billing/subscription/seats", json={"seats": 12}, headers=key)).json()
    assert first["invoice"]["id"] == retry["invoice"]["id"]
    assert retry["subscription"]["seats_purchased"] == 12
    assert len((await client.get("/v1/billing/invoices")).json()["invoices"]) == 3
    # Pages of two: all three invoices, each once, and no token after the last page.
    first_page = (await client.get("/v1/billing/invoices", params={"page_size": 2})).json()
    second_page = (
        await client.get("/v1/billing/invoices", params={"page_size": 2, "page_token": first_page["next_page_token"]})
    ).json()
    paged = [i["id"] for i in first_page["invoices"] + second_page["invoices"]]
    assert len(paged) == len(set(paged)) == 3 and second_page["next_page_token"] == ""

    # A paid invoice is corrected by a credit note (its own numbers), never changed; retries credit once. Only a
    # platform operator credits: the Owner is refused.
    path = f"/v1/billing/invoices/{invoice['id']}/credit-notes"
    own_credit = await client.post(path, json={"amount_minor": 1000, "reason": "Goodwill"})
    assert own_credit.status_code == 403
    assert (await client.get("/v1/billing/credit-notes")).json()["credit_notes"] == []
    request = billing_pb.CreateCreditNoteRequest(
        organization_id=organization_id, invoice_id=invoice["id"], amount_minor=1000, reason="Goodwill",
        idempotency_key="goodwill",
    )  # fmt: skip
    channel, billing, operator = operator_billing(tmp_path, addresses)
    async with channel:
        note = (await billing.CreateCreditNote(request, metadata=operator)).credit_note
        assert (await billing.CreateCreditNote(request, metadata=operator)).credit_note.id == note.id
        with pytest.raises(grpc.aio.AioRpcError) as too_much:
            await billing.CreateCreditNote(
                billing_pb.CreateCreditNoteRequest(
                    organization_id=organization_id, invoice_id=invoice["id"], amount_minor=11001, reason="All of it"
                ),
                metadata=operator,
            )
        assert too_much.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert (note.invoice_number, note.total.amount_minor) == (invoice["number"], 1000)
    assert note.number.endswith("-CN-000001")
    assert [n["id"] for n in (await client.get("/v1/billing/credit-notes")).json()["credit_notes"]] == [note.id]


async def test_a_seat_reduction_is_cancelled_and_seats_reconcile_with_membership(
    owner_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    client = owner_client
    scheduled = await client.post("/v1/billing/subscription/seats", json={"seats": 5})
    assert scheduled.status_code == 200, scheduled.text
    assert (await client.get("/v1/billing/subscription")).json()["subscription"]["seats_at_renewal"] == 5
    canceled = await client.post("/v1/billing/subscription/seats/cancel-reduction")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["subscription"]["seats_at_renewal"] is None
    upcoming = (await client.get("/v1/billing/subscription")).json()["upcoming_invoice"]
    assert upcoming["total"]["amount_minor"] == 12000  # ten seats again

    async def reconciled() -> dict[str, Any] | None:
        reply = await client.get("/v1/billing/seats/reconciliation")
        assert reply.status_code == 200, reply.text
        return reply.json() if reply.json()["in_sync"] else None

    report = await eventually(reconciled, timeout=15)
    assert report == {"in_sync": True, "membership_members": 1, "billing_seats": 1, "differences": []}
    # A membership event billing never applied (simulated by losing billing's row) shows as a difference.
    billing_db = Database(f"sqlite+aiosqlite:///{tmp_path / 'billing.db'}")
    try:
        async with billing_db.write() as connection:
            [owner_member] = (await connection.execute(delete(seat_holders).returning(seat_holders.c.member_id))).all()
    finally:
        await billing_db.dispose()
    drifted = (await client.get("/v1/billing/seats/reconciliation")).json()
    assert drifted == {
        "in_sync": False,
        "membership_members": 1,
        "billing_seats": 0,
        "differences": [
            {
                "member_id": owner_member.member_id,
                "kind": "missing_in_billing",
                "membership_status": "active",
                "billing_status": None,
            }
        ],
    }
    document = (await client.get("/openapi.json")).json()
    assert "/v1/billing/seats/reconciliation" in document["paths"]
    assert "/v1/billing/subscription/seats/cancel-reduction" in document["paths"]
