"""Scale-out under faults (`make scale`; too slow for `make test`): two replicas of every service and of the gateway
on PostgreSQL with a 3-node NATS cluster, under a mixed load. Mid-load, one replica of each service and one NATS
node are killed (-9) and started again; then every Deployment is restarted replica by replica, as a rolling update
does. Afterwards every acknowledged change is present exactly once, every event reached billing, audit and the
mailer exactly once in effect, seat counts agree, the audit chain verifies, and the rolling restart failed no
request. The figures go to stdout and to <tmp>/scale-report.json."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.cli import create_organization, verify_audit_chain
from services.common.testing import PostgresDatabases
from services.common.tests.smtp_inbox import SmtpInbox, running_smtp_inbox
from services.suite import SERVICES
from tests.scale.cluster import NatsCluster, PortPicker, ScaledSuite
from tests.scale.collector import TraceCollector
from tests.scale.load import MixedLoad, Rotation

OWNER_EMAIL, OWNER_PASSWORD = "owner@acme.test", "correct horse battery staple"
WARM_UP_SECONDS, DOWN_SECONDS, RECOVERY_SECONDS = 15, 5, 15
# A Kubernetes Service stops sending to a terminating pod within its endpoints' update; preStop covers that.
ENDPOINT_UPDATE_SECONDS = 1.0
# The Deployments' minReadySeconds: a restarted replica serves this long before the next one stops.
MIN_READY_SECONDS = 5.0


@pytest.fixture
def inbox() -> Iterator[SmtpInbox]:
    with running_smtp_inbox() as running:
        yield running


@pytest.fixture
def collector() -> Iterator[TraceCollector]:
    receiver = TraceCollector()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def scaled(
    tmp_path: Path, postgres_databases: PostgresDatabases, inbox: SmtpInbox, collector: TraceCollector
) -> Iterator[ScaledSuite]:
    nats = NatsCluster.on(tmp_path / "nats", PortPicker())
    nats.start()
    suite = ScaledSuite(
        data_dir=tmp_path / "data",
        nats=nats,
        database_urls={service: postgres_databases.create() for service in SERVICES},
        smtp_port=inbox.port,
        otlp_endpoint=f"http://127.0.0.1:{collector.port}",
    )
    try:
        suite.start()
        yield suite
    finally:
        suite.stop()


def eventually(check: Any, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def signed_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=30)

    def with_organization() -> bool:
        response = client.post("/v1/sessions", json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
        client.headers["X-CSRF-Token"] = response.json().get("csrf_token", "")
        return response.status_code in (200, 201) and bool(response.json()["session"]["organization_id"])

    assert eventually(with_organization, timeout=60), "the Owner's membership never reached identity"
    return client


def every_page(client: httpx.Client, path: str, key: str, params: dict[str, str]) -> list[dict[str, Any]]:
    items, token = [], ""
    while True:
        page = client.get(path, params={**params, "page_size": "200", **({"page_token": token} if token else {})})
        page.raise_for_status()
        items += page.json()[key]
        token = page.json().get("next_page_token", "")
        if not token:
            return items


@pytest.mark.timeout(900)
def test_two_replicas_of_everything_survive_kills_and_a_rolling_restart_under_load(
    scaled: ScaledSuite, inbox: SmtpInbox, collector: TraceCollector, tmp_path: Path
) -> None:
    created = asyncio.run(
        create_organization(
            data_dir=scaled.data_dir,
            name="Acme",
            owner_email=OWNER_EMAIL,
            owner_password=OWNER_PASSWORD,
            owner_name="Olivia Owner",
            identity_address=scaled.address("identity"),
            membership_address=scaled.address("membership"),
        )
    )
    organization_id = str(created["organization_id"])
    admin = signed_in(scaled.gateway_urls[0])
    rotation = Rotation(list(scaled.gateway_urls))
    load = MixedLoad(rotation, OWNER_EMAIL, OWNER_PASSWORD)
    load.start()

    # Phase 1: crashes. One replica of each service and one NATS node die at once, then come back.
    time.sleep(WARM_UP_SECONDS)
    crash_started = time.monotonic()
    for service in SERVICES:
        scaled.kill(service, 0)
    scaled.nats.nodes[0].stop(kill=True)
    time.sleep(DOWN_SECONDS)
    scaled.nats.nodes[0].start()
    for service in SERVICES:
        scaled.start_replica(service, 0)
    scaled.wait_ready(only=[(service, 0) for service in SERVICES])
    crash_ended = time.monotonic()
    time.sleep(RECOVERY_SECONDS)

    # Phase 2: a rolling restart of every Deployment, one replica at a time, each drained before it stops.
    rolling_started = time.monotonic()
    steps: list[tuple[str, float]] = []
    for name in (*SERVICES, "gateway"):
        for replica in range(scaled.replicas):
            url = scaled.gateway_urls[replica] if name == "gateway" else ""
            if url:
                rotation.remove(url)
                time.sleep(ENDPOINT_UPDATE_SECONDS)
            stopping = time.monotonic()
            assert scaled.terminate(name, replica) == 0, f"{name}-{replica} did not exit cleanly on SIGTERM"
            steps.append((f"{name}-{replica}", stopping))
            scaled.start_replica(name, replica)
            scaled.wait_ready(only=[(name, replica)])
            if url:
                rotation.add(url)
            time.sleep(MIN_READY_SECONDS)
    rolling_ended = time.monotonic()
    load.stop()
    ledger = load.ledger

    # Every acknowledged invitation exists once; every acknowledged removal holds.
    members = every_page(admin, "/v1/members", "members", {"status": "invited"})
    emails = Counter(member["email"] for member in members)
    kept = {email for email, member_id in ledger.invited.items() if member_id not in ledger.removed}
    assert {email for email, count in emails.items() if count > 1} == set(), "a member exists twice"
    assert kept <= set(emails), f"acknowledged invitations lost: {sorted(kept - set(emails))[:5]}"
    assert not {m["id"] for m in members} & ledger.removed, "an acknowledged removal was undone"

    # Billing counted every seat change once: its seats agree with membership's members.
    def reconciled() -> dict[str, Any] | None:
        reply = admin.get("/v1/billing/seats/reconciliation").json()
        return reply if reply["in_sync"] else None

    reconciliation = eventually(reconciled)
    assert reconciliation, admin.get("/v1/billing/seats/reconciliation").text

    # Audit recorded each invitation once, and the organization's chain verifies.
    def invitations_audited() -> Counter[str] | None:
        entries = every_page(admin, "/v1/audit/entries", "entries", {"action": "member.invited"})
        audited = Counter(entry["target_display"] for entry in entries)
        return audited if set(ledger.invited) <= set(audited) else None

    audited = eventually(invitations_audited)
    assert audited, "some acknowledged invitations never reached the audit log"
    assert [email for email in ledger.invited if audited[email] != 1] == [], "an invitation was audited twice"
    verdict = asyncio.run(
        verify_audit_chain(
            data_dir=scaled.data_dir, organization_id=organization_id, audit_address=scaled.address("audit")
        )
    )
    assert verdict["intact"], verdict

    # The mailer sent each invitation still standing once in effect (one Message-ID per invitee; SMTP may see a
    # resend). An invitation revoked before its event reached the mailer is, rightly, never mailed.
    def mailed() -> dict[str, set[str]] | None:
        ids: dict[str, set[str]] = {}
        for message in list(inbox.messages):
            recipient = parseaddr(str(message["To"]))[1].lower()
            ids.setdefault(recipient, set()).add(str(message["Message-ID"]))
        return ids if kept <= set(ids) else None

    # A mail claimed by a replica killed mid-send goes out when its claim lapses (2 minutes, mail_sender.py).
    message_ids = eventually(mailed, timeout=200)
    recipients = {parseaddr(str(message["To"]))[1].lower() for message in inbox.messages}
    assert message_ids, f"never mailed: {sorted(kept - recipients)[:5]} of {len(kept)}"
    assert [email for email in ledger.invited if len(message_ids.get(email, ())) > 1] == [], "mailed twice"
    assert not set(message_ids) - set(ledger.invited) - {OWNER_EMAIL}, "mail to someone never invited"

    # One trace per invitation across every hop (gateway -> membership -> billing, and the consumers of its event
    # in billing, audit and membership's mailer), and the replicas shared the work: each carried some.
    hops = {"gateway", "membership", "billing", "audit"}
    invitation_traces = [
        spans for spans in collector.traces().values() if any(s.name == "POST /v1/invitations" for s in spans)
    ]
    whole = [spans for spans in invitation_traces if {span.service for span in spans} >= hops]
    assert whole, f"no invitation trace reached every service ({len(invitation_traces)} invitation traces)"
    replicas_seen = {
        hop: sorted({s.instance for spans in invitation_traces for s in spans if s.service == hop}) for hop in hops
    }
    assert all(len(seen) == scaled.replicas for seen in replicas_seen.values()), replicas_seen

    crash_failed, crash_all = ledger.failure_share(crash_started, crash_ended)
    rolling_failed, rolling_all = ledger.failure_share(rolling_started, rolling_ended)
    total_failed, total = ledger.failure_share()
    report = {
        "requests": total,
        "failed_attempts": total_failed,
        "invitations_acknowledged": len(ledger.invited),
        "removals_acknowledged": len(ledger.removed),
        "crash_window_seconds": round(crash_ended - crash_started, 1),
        "crash_window_failed_attempts": crash_failed,
        "crash_window_attempts": crash_all,
        "crash_window_failed_share": round(crash_failed / crash_all, 4) if crash_all else 0.0,
        "rolling_restart_seconds": round(rolling_ended - rolling_started, 1),
        "rolling_restart_failed_attempts": rolling_failed,
        "rolling_restart_attempts": rolling_all,
        "smtp_deliveries": len(inbox.messages),
        "invitation_traces": len(invitation_traces),
        "invitation_traces_through_every_service": len(whole),
        "replicas_in_invitation_traces": replicas_seen,
        "rolling_restart_failures": ledger.failures(rolling_started, rolling_ended),
        "rolling_restart_steps": [(step, round(at - rolling_started, 1)) for step, at in steps],
        "seats_in_sync": reconciliation,
    }
    print(json.dumps(report, indent=2))
    (tmp_path / "scale-report.json").write_text(json.dumps(report, indent=2))
    admin.close()
    assert rolling_failed == 0, f"the rolling restart failed {rolling_failed} of {rolling_all} attempts"
