"""Benchmark of billing: invoice previews, invoice PDFs, renewals and seat reservations, each next to a
baseline measured in the same run.

Starts billing in this process (real gRPC server, real SQLite, real NATS), opens N organizations through its
membership projection, and measures through gRPC with C calls in flight:

- baseline: GetSeatUsage (one principal check, one indexed count) per second;
- dashboard: GetSubscription per second, which previews the upcoming invoice (renewal, line items, tax);
- PDF: GetInvoicePdf per second (fpdf2 rendering of a stored invoice);
- renewals: organizations renewed per second by one pass of the renewal worker's use case (invoice issued,
  numbered, stored, collected from a card, payment stored, events in the outbox), with the clock moved past the
  trial; the in-process invoice arithmetic alone (renewal_invoice) per second next to it;
- seat reservations: ReserveSeat per second, each call a new member in one of the organizations (free seats);
- seats: 200 concurrent ReserveSeat calls for 50 free seats (exactly 50 must succeed), wall time;
- renewal of R subscriptions (default 10,000) in a database of their own, seeded in bulk (25 seats, 10 members,
  a 19 % tax profile and a test card each): one renewal pass until none is due (invoice issued, numbered,
  stored, collected, payment and events stored), then every renewal invoice rendered as a PDF; invoices per
  second including the PDF, and each part alone.

    .venv/bin/python -m bench.billing [--organizations 200] [--requests 1000] [--concurrency 8] [--renewals 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
from pydantic import SecretStr
from tenantry.billing.v1 import billing_service_pb2 as pb
from tenantry.billing.v1 import billing_service_pb2_grpc as pb_grpc
from tenantry.events.v1 import membership_events_pb2

from bench.invite_flow import percentile
from services.billing.adapters.payment_providers import payment_providers
from services.billing.domain.catalogue import load_catalogue
from services.billing.domain.invoices import REASON_RENEWAL, renewal_invoice
from services.billing.domain.payments import PaymentMethod
from services.billing.domain.subscription import BillingProfile, open_subscription
from services.billing.domain.subscription_opening import SubscriptionOpener
from services.billing.domain.use_cases import BillingUseCases, billing_use_cases
from services.billing.events.consume import SEATS_CONSUMER, SeatProjection
from services.billing.events.publish import to_envelope
from services.billing.main import MIGRATIONS_DIR, build
from services.billing.render.invoice_pdf import render_invoice_pdf
from services.billing.settings import BillingSettings
from services.billing.store.sql import SqlBillingStore, subscription_values
from services.billing.store.tables import messaging, seat_holders, subscriptions
from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.keys import generate_principal_key_pair
from services.common.messaging import EventConsumer, Outbox, actor_from_principal, new_envelope
from services.common.nats_server import NatsServer, free_port
from services.common.principal import Principal, PrincipalSigner, outgoing_metadata, system_principal

OPERATOR = system_principal("bench")
TRIAL = timedelta(days=15)


def org_id(index: int) -> str:
    return f"00000000-0000-7000-8000-{index:012d}"


async def seed(url: str, organizations: int, clock: FrozenClock) -> BillingUseCases:
    """Organizations opened by the projection, each with a billing profile (19 % tax) and a card."""
    catalogue = load_catalogue()
    db = Database(url)
    store = SqlBillingStore(db, Outbox(messaging, clock), clock, to_envelope)
    opener = SubscriptionOpener(catalogue, 60, clock)
    use_cases = billing_use_cases(store, clock, catalogue, payment_providers(), opener)
    projection = SeatProjection(store, use_cases.seat_holds, opener)
    consumer = EventConsumer(
        name=SEATS_CONSUMER,
        db=db,
        tables=messaging,
        bus=None,  # type: ignore[arg-type]  # applied in process with `apply`, which never touches the bus
        producers=[],
        handlers=projection.handlers(),  # type: ignore[arg-type]
    )
    for index in range(organizations):
        organization = org_id(index)
        created = new_envelope(
            producer="membership",
            event_type="organization.created",
            organization_id=organization,
            actor=actor_from_principal(OPERATOR),
            payload=membership_events_pb2.OrganizationCreated(organization_id=organization),
            occurred_at=clock.now(),
        )
        await consumer.apply(created, projection.on_organization_created)
        for member in range(10):
            changed = new_envelope(
                producer="membership",
                event_type="member.added",
                organization_id=organization,
                actor=actor_from_principal(OPERATOR),
                payload=membership_events_pb2.MemberChanged(
                    member_id=f"m-{index}-{member}", status="active", version=1, seat_consuming=True
                ),
                occurred_at=clock.now(),
            )
            await consumer.apply(changed, projection.on_member_changed)
        profile = BillingProfile("Bench GmbH", "Main St 1\n10115 Berlin", "DE", "DE123456789", 1900)
        await use_cases.subscriptions.update_profile(OPERATOR, organization, profile)
        await use_cases.subscriptions.update_payment_method(
            OPERATOR, organization, PaymentMethod("test", "", "tok_visa", "visa", "4242", 12, 2099)
        )
    return use_cases


async def rate(call: Callable[[], Awaitable[object]], total: int, concurrency: int) -> dict[str, float]:
    counter = iter(range(total))
    latencies: list[float] = []

    async def worker() -> None:
        for _ in counter:
            started = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=600)
    elapsed = time.perf_counter() - started
    return {
        "per_second": round(total / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
    }


async def renewal_run(url: str, count: int) -> dict[str, Any]:
    """Renew `count` subscriptions whose trial has ended, then render each renewal invoice as a PDF."""
    migrations.upgrade(MIGRATIONS_DIR, url)
    clock = FrozenClock(datetime.now(UTC))
    catalogue = load_catalogue()
    plan = catalogue.default_plan
    db = Database(url)
    store = SqlBillingStore(db, Outbox(messaging, clock), clock, to_envelope)
    use_cases = billing_use_cases(
        store, clock, catalogue, payment_providers(), SubscriptionOpener(catalogue, 25, clock)
    )
    profile = BillingProfile("Bench GmbH", "Main St 1\n10115 Berlin", "DE", "DE123456789", 1900)
    card = PaymentMethod("test", "", "tok_visa", "visa", "4242", 12, 2099)
    now = clock.now()
    started = time.perf_counter()
    try:
        async with db.write() as connection:
            for first in range(0, count, 1000):
                chunk = range(first, min(first + 1000, count))
                rows = []
                for index in chunk:
                    subscription = replace(
                        open_subscription(org_id(index), plan, 25, now), profile=profile, payment_method=card
                    )
                    rows.append(
                        {"organization_id": subscription.organization_id, "created_at": now}
                        | subscription_values(subscription, now)
                    )
                await connection.execute(subscriptions.insert(), rows)
                await connection.execute(
                    seat_holders.insert(),
                    [
                        {
                            "organization_id": org_id(index),
                            "member_id": f"m-{index}-{member}",
                            "status": "active",
                            "version": 1,
                            "updated_at": now,
                        }
                        for index in chunk
                        for member in range(10)
                    ],
                )
        seeded_seconds = time.perf_counter() - started
        clock.advance(TRIAL)
        started = time.perf_counter()
        renewed = 0
        while handled := await use_cases.renewals.run_renewals(batch=500):
            renewed += handled
        renewal_seconds = time.perf_counter() - started
        invoices = [
            invoice
            for index in range(count)
            for invoice in await use_cases.records.list_invoices(OPERATOR, org_id(index), 1)
            if invoice.draft.reason == REASON_RENEWAL and invoice.status == "paid"
        ]
        started = time.perf_counter()
        pdf_bytes = sum(len(render_invoice_pdf(invoice)) for invoice in invoices)
        pdf_seconds = time.perf_counter() - started
    finally:
        await db.dispose()
    return {
        "subscriptions": count,
        "seeded_seconds": round(seeded_seconds, 1),
        "renewed": renewed,
        "paid_renewal_invoices": len(invoices),
        "renewal_seconds": round(renewal_seconds, 1),
        "pdf_seconds": round(pdf_seconds, 1),
        "pdf_average_bytes": pdf_bytes // max(len(invoices), 1),
        "invoices_per_second_renewal_only": round(len(invoices) / renewal_seconds, 1),
        "pdfs_per_second": round(len(invoices) / pdf_seconds, 1),
        "invoices_per_second_with_pdf": round(len(invoices) / (renewal_seconds + pdf_seconds), 1),
    }


def invoice_arithmetic_rate(seconds: float = 1.0) -> float:
    """Renewal invoices computed per second in process (no I/O): the floor under every preview."""
    plan = load_catalogue().default_plan
    subscription = replace(
        open_subscription("org", plan, 25, datetime(2026, 1, 31, tzinfo=UTC)),
        profile=BillingProfile(tax_rate_basis_points=1900),
    )
    count = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        renewal_invoice(subscription, plan).total  # noqa: B018 - the sums are what is measured
        count += 1
    return round(count / (time.perf_counter() - started), 1)


async def run(organizations: int, requests: int, concurrency: int, renewal_count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tenantry-billing-bench-") as tmp:
        nats = NatsServer(Path(tmp) / "nats")
        nats.start()
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'billing.db'}"
        migrations.upgrade(MIGRATIONS_DIR, url)
        seed_clock = FrozenClock(datetime.now(UTC))
        started = time.perf_counter()
        renewals = await seed(url, organizations, seed_clock)
        seeded_seconds = time.perf_counter() - started
        private_key, public_key = generate_principal_key_pair()
        settings = BillingSettings(
            data_dir=Path(tmp),
            database_url=url,
            grpc_port=free_port(),
            nats_url=nats.url,
            principal_public_key=SecretStr(public_key),
            secret_key=SecretStr("bench" * 10),
            shutdown_grace_seconds=1,
        )
        runtime = build(settings)
        port = await runtime.start()
        signer = PrincipalSigner(private_key, ttl=timedelta(hours=1))
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = pb_grpc.BillingServiceStub(channel)
                admin_of = {
                    org_id(index): outgoing_metadata(
                        signer.mint(
                            Principal(
                                actor_type="user",
                                actor_id="bench-admin",
                                organization_id=org_id(index),
                                permissions=frozenset({"billing.read", "billing.manage", "members.invite"}),
                            )
                        )[0]
                    )
                    for index in range(organizations)
                }
                turn = iter(range(10**9))

                def next_org() -> str:
                    return org_id(next(turn) % organizations)

                async def seat_usage() -> object:
                    organization = next_org()
                    return await stub.GetSeatUsage(
                        pb.GetSeatUsageRequest(organization_id=organization), metadata=admin_of[organization]
                    )

                async def dashboard() -> object:
                    organization = next_org()
                    reply = await stub.GetSubscription(
                        pb.GetSubscriptionRequest(organization_id=organization), metadata=admin_of[organization]
                    )
                    assert reply.upcoming_invoice.total.amount_minor > 0
                    return reply

                await rate(seat_usage, min(requests, 100), concurrency)  # warm up
                baseline = await rate(seat_usage, requests, concurrency)
                preview = await rate(dashboard, requests, concurrency)

                seed_clock.advance(TRIAL)
                started = time.perf_counter()
                renewed = 0
                while handled := await renewals.renewals.run_renewals(batch=100):
                    renewed += handled
                renewal_seconds = time.perf_counter() - started
                invoices = {
                    org_id(index): (await renewals.records.list_invoices(OPERATOR, org_id(index), 1))[0].id
                    for index in range(organizations)
                }

                async def pdf() -> object:
                    organization = next_org()
                    reply = await stub.GetInvoicePdf(
                        pb.GetInvoicePdfRequest(organization_id=organization, invoice_id=invoices[organization]),
                        metadata=admin_of[organization],
                    )
                    assert reply.pdf.startswith(b"%PDF-")
                    return reply

                pdfs = await rate(pdf, max(requests // 4, 1), concurrency)

                new_members = iter(range(10**9))

                async def reserve_new_member() -> object:
                    # Any organization but the first (kept for the race below), a new member each call.
                    number = next(new_members)
                    organization = org_id(1 + number % max(organizations - 1, 1))
                    return await stub.ReserveSeat(
                        pb.ReserveSeatRequest(organization_id=organization, member_id=f"rate-{number}"),
                        metadata=admin_of[organization],
                    )

                reservations = await rate(reserve_new_member, min(requests, 40 * (organizations - 1)), concurrency)

                contested = org_id(0)
                free = (
                    await stub.GetSeatUsage(
                        pb.GetSeatUsageRequest(organization_id=contested), metadata=admin_of[contested]
                    )
                ).seat_usage.available
                wanted = free - 50
                if wanted > 0:  # leave exactly 50 free
                    for extra in range(wanted):
                        await stub.ReserveSeat(
                            pb.ReserveSeatRequest(organization_id=contested, member_id=f"filler-{extra}"),
                            metadata=admin_of[contested],
                        )

                async def reserve(index: int) -> bool:
                    try:
                        await stub.ReserveSeat(
                            pb.ReserveSeatRequest(organization_id=contested, member_id=f"race-{index}"),
                            metadata=admin_of[contested],
                        )
                    except grpc.aio.AioRpcError as refused:
                        assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
                        return False
                    return True

                started = time.perf_counter()
                held = sum(await asyncio.gather(*(reserve(index) for index in range(200))))
                race_seconds = time.perf_counter() - started
        finally:
            await runtime.stop()
            nats.stop()
        renewal = await renewal_run(f"sqlite+aiosqlite:///{Path(tmp) / 'renewals.db'}", renewal_count)
    return {
        "organizations": organizations,
        "concurrency": concurrency,
        "seeded_seconds": round(seeded_seconds, 1),
        "baseline_get_seat_usage": baseline,
        "get_subscription_with_invoice_preview": {
            **preview,
            "ratio_to_baseline": round(preview["per_second"] / baseline["per_second"], 2),
        },
        "get_invoice_pdf": {**pdfs, "ratio_to_baseline": round(pdfs["per_second"] / baseline["per_second"], 2)},
        "renewals": {
            "organizations_renewed": renewed,
            "per_second": round(renewed / renewal_seconds, 1),
            "invoice_arithmetic_per_second": invoice_arithmetic_rate(),
        },
        "reserve_seat": {
            **reservations,
            "ratio_to_baseline": round(reservations["per_second"] / baseline["per_second"], 2),
        },
        "renewal_run": renewal,
        "seat_race": {"calls": 200, "free_seats": 50, "held": held, "seconds": round(race_seconds, 3)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organizations", type=int, default=200)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--renewals", type=int, default=10_000, help="subscriptions renewed (and PDFs rendered)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.organizations, args.requests, args.concurrency, args.renewals))
    baseline = result["baseline_get_seat_usage"]
    preview = result["get_subscription_with_invoice_preview"]
    pdfs = result["get_invoice_pdf"]
    renewals = result["renewals"]
    race = result["seat_race"]
    print(f"billing on SQLite, {result['organizations']} organizations, {result['concurrency']} calls in flight")
    print(f"{'':40} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8} {'/ baseline':>11}")
    print(f"{'GetSeatUsage (baseline)':40} {baseline['per_second']:>9} {baseline['p50_ms']:>8} {baseline['p99_ms']:>8}")
    for name, values in (
        ("GetSubscription (invoice preview)", preview),
        ("GetInvoicePdf", pdfs),
        ("ReserveSeat (new member, free seats)", result["reserve_seat"]),
    ):
        print(
            f"{name:40} {values['per_second']:>9} {values['p50_ms']:>8} {values['p99_ms']:>8}"
            f" {values['ratio_to_baseline']:>11}"
        )
    print(
        f"renewals: {renewals['organizations_renewed']} organizations at {renewals['per_second']}/s "
        f"(invoice, payment, events); invoice arithmetic alone {renewals['invoice_arithmetic_per_second']}/s"
    )
    print(
        f"seat race: {race['calls']} ReserveSeat for {race['free_seats']} free seats -> {race['held']} held "
        f"in {race['seconds']} s"
    )
    run_ = result["renewal_run"]
    print(
        f"renewal of {run_['subscriptions']} subscriptions: {run_['paid_renewal_invoices']} paid invoices, "
        f"{run_['invoices_per_second_with_pdf']} invoices/s including the PDF "
        f"(renewal pass {run_['renewal_seconds']} s = {run_['invoices_per_second_renewal_only']}/s; "
        f"PDFs {run_['pdf_seconds']} s = {run_['pdfs_per_second']}/s, {run_['pdf_average_bytes']} bytes each)"
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
