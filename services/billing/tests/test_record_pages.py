"""Invoices, payments and credit notes listed a page at a time over real gRPC: following next_page_token reads
every row once, in order, even when rows share a timestamp and rows are added meanwhile; a token only works for
the query it came from. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from tenantry.billing.v1 import billing_service_pb2 as pb
from tenantry.billing.v1 import billing_service_pb2_grpc as pb_grpc

from services.billing.main import build
from services.billing.tests.harness import OPERATOR, ORG, BillingHarness, open_harness, served_settings
from services.billing.tests.test_subscriptions import BILLING_ADMIN, activate
from services.common.nats_server import NatsServer
from services.common.principal import PRINCIPAL_METADATA_KEY, Principal

SEAT_PURCHASES = 6  # with the first period: 7 invoices and 7 payments, all at the same instant
CREDIT_NOTES = 5
PAGE = 2
Metadata = tuple[tuple[str, str], ...]
# One page of a list: (ids on it, next_page_token), from (page_size, page_token).
ListPage = Callable[[int, str], Awaitable[tuple[list[str], str]]]


@dataclass
class PagedBilling:
    stub: pb_grpc.BillingServiceStub
    harness: BillingHarness
    metadata: Metadata


@pytest.fixture
async def paged_billing(
    database_url: str,
    tmp_path: Path,
    nats_server: NatsServer,
    principal_keys: tuple[str, str],
    mint: Callable[[Principal], str],
) -> AsyncIterator[PagedBilling]:
    harness = await open_harness(database_url)
    await activate(harness)
    for seats in range(11, 11 + SEAT_PURCHASES):
        await harness.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, seats)
    first = (await harness.use_cases.records.list_invoices(BILLING_ADMIN, ORG))[-1]
    for _ in range(CREDIT_NOTES):
        await harness.use_cases.credit_notes.create_credit_note(OPERATOR, ORG, first.id, 100, "goodwill")
    runtime = build(served_settings(tmp_path, database_url, nats_server.url, principal_keys[1]))
    port = await runtime.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            metadata = ((PRINCIPAL_METADATA_KEY, mint(BILLING_ADMIN)),)
            yield PagedBilling(pb_grpc.BillingServiceStub(channel), harness, metadata)
    finally:
        await runtime.stop()
        await harness.db.dispose()


def pages_of(billing: PagedBilling, rpc: str, rows: str, filter_: str | None = None) -> ListPage:
    """Pages of one of the list RPCs (`rpc`, whose reply holds the page in the field `rows`)."""
    call = getattr(billing.stub, rpc)
    request_type = getattr(pb, f"{rpc}Request")
    extra = {"filter": filter_} if filter_ is not None else {}

    async def page(size: int, token: str) -> tuple[list[str], str]:
        request = request_type(organization_id=ORG, page_size=size, page_token=token, **extra)
        reply = await call(request, metadata=billing.metadata)
        return [row.id for row in getattr(reply, rows)], reply.next_page_token

    return page


def invoice_pages(billing: PagedBilling, filter_: str = "") -> ListPage:
    return pages_of(billing, "ListInvoices", "invoices", filter_)


def payment_pages(billing: PagedBilling) -> ListPage:
    return pages_of(billing, "ListPayments", "payments")


def credit_note_pages(billing: PagedBilling) -> ListPage:
    return pages_of(billing, "ListCreditNotes", "credit_notes")


async def every_page(list_page: ListPage, size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    token = ""
    while True:
        ids, token = await list_page(size, token)
        pages.append(ids)
        if not token:
            return pages


@pytest.mark.parametrize(
    ("pages_of", "expected"),
    [(invoice_pages, 1 + SEAT_PURCHASES), (payment_pages, 1 + SEAT_PURCHASES), (credit_note_pages, CREDIT_NOTES)],
    ids=["invoices", "payments", "credit_notes"],
)
async def test_following_next_page_tokens_reads_every_record_once_in_order(
    paged_billing: PagedBilling, pages_of: Callable[[PagedBilling], ListPage], expected: int
) -> None:
    list_page = pages_of(paged_billing)
    [everything] = await every_page(list_page, 200)
    assert len(everything) == expected
    pages = await every_page(list_page, PAGE)
    assert [len(page) for page in pages] == [PAGE] * (expected // PAGE) + ([expected % PAGE] if expected % PAGE else [])
    assert [record_id for page in pages for record_id in page] == everything


async def test_records_added_between_pages_neither_shift_nor_repeat_the_rest(paged_billing: PagedBilling) -> None:
    list_page = invoice_pages(paged_billing)
    [before] = await every_page(list_page, 200)
    first, token = await list_page(PAGE, "")
    await paged_billing.harness.use_cases.seat_purchases.change_seats(BILLING_ADMIN, ORG, 30)  # a newer invoice
    rest: list[str] = []
    while token:
        ids, token = await list_page(PAGE, token)
        rest += ids
    assert first + rest == before


async def test_a_page_token_only_works_for_the_query_it_came_from(paged_billing: PagedBilling) -> None:
    _, token = await invoice_pages(paged_billing)(PAGE, "")
    assert token
    for list_page in (invoice_pages(paged_billing, 'status = "paid"'), payment_pages(paged_billing)):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await list_page(PAGE, token)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as forged:
        await invoice_pages(paged_billing)(PAGE, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert forged.value.code() == grpc.StatusCode.INVALID_ARGUMENT
