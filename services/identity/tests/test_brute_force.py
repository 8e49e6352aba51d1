"""Brute-force protection (the lockout and per-address rules) with the injected clock, on SQLite and PostgreSQL.

The thresholds are lowered for speed (3 failures per account, 6 per address); the rules are the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.common import migrations
from services.common.clock import FrozenClock
from services.common.db import Database
from services.common.errors import ResourceExhausted, Unauthenticated
from services.common.messaging import Outbox
from services.common.principal import Principal, PrincipalSigner, system_principal
from services.identity.domain.lockout import LockoutPolicy
from services.identity.domain.use_cases import IdentityUseCases
from services.identity.events.publish import to_envelope
from services.identity.main import MIGRATIONS_DIR
from services.identity.store.sql import SqlIdentityStore
from services.identity.store.tables import ip_sign_in_failures, login_failures, messaging

PASSWORD = "correct horse battery staple"
POLICY = LockoutPolicy(max_failures=3, ip_max_failures=6, quick_login_interval=timedelta(0))


@pytest.fixture
async def identity(
    database_url: str, principal_keys: tuple[str, str]
) -> AsyncIterator[tuple[IdentityUseCases, FrozenClock, Database]]:
    migrations.upgrade(MIGRATIONS_DIR, database_url)
    db = Database(database_url)
    clock = FrozenClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    store = SqlIdentityStore(db, Outbox(messaging, clock), clock, to_envelope)
    use_cases = IdentityUseCases.wire(
        store, clock, PrincipalSigner(principal_keys[0], clock=clock), link_key=b"test-link-key", lockout=POLICY
    )
    await use_cases.accounts.create_account(system_principal(), email="victim@acme.test", password=PASSWORD)
    yield use_cases, clock, db
    await db.dispose()


def from_ip(ip: str) -> Principal:
    return Principal(actor_type="user", actor_id="", ip_address=ip)


async def attempt(use_cases: IdentityUseCases, email: str, password: str, ip: str = "198.51.100.1") -> str:
    """'ok', or the error's reason."""
    try:
        await use_cases.sign_in.sign_in(email=email, password=password, ip_address=ip, actor=from_ip(ip))
    except (Unauthenticated, ResourceExhausted) as exc:
        return f"{exc.reason}: {exc.message}"
    return "ok"


async def test_repeated_failures_lock_the_account_and_a_locked_account_answers_like_a_wrong_password(
    identity: tuple[IdentityUseCases, FrozenClock, Database],
) -> None:
    use_cases, clock, db = identity
    wrong = [await attempt(use_cases, "victim@acme.test", f"wrong {i}", ip=f"203.0.113.{i}") for i in range(3)]
    locked = await attempt(use_cases, "victim@acme.test", PASSWORD, ip="203.0.113.9")
    assert locked == wrong[0]
    async with db.read() as connection:
        events = await connection.scalar(
            select(func.count())
            .select_from(messaging.outbox)
            .where(messaging.outbox.c.subject == "tenantry.identity.login.locked")
        )
    assert events == 1
    clock.advance(timedelta(minutes=1, seconds=1))
    assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="203.0.113.9") == "ok"


async def test_case_variants_share_one_counter_and_failures_during_a_lockout_do_not_extend_it(
    identity: tuple[IdentityUseCases, FrozenClock, Database],
) -> None:
    use_cases, clock, _ = identity
    for index, variant in enumerate(("victim@acme.test", "VICTIM@acme.test", "Victim@Acme.Test")):
        await attempt(use_cases, variant, "wrong", ip=f"203.0.113.{index}")
    clock.advance(timedelta(seconds=50))
    await attempt(use_cases, "victim@acme.test", "wrong again", ip="203.0.113.20")  # during the lockout
    clock.advance(timedelta(seconds=11))
    assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="203.0.113.21") == "ok"


async def test_the_wait_grows_with_each_lockout(identity: tuple[IdentityUseCases, FrozenClock, Database]) -> None:
    use_cases, clock, _ = identity
    for lockout, wait in enumerate((timedelta(minutes=1), timedelta(minutes=2))):
        for i in range(3):
            await attempt(use_cases, "victim@acme.test", "wrong", ip=f"203.0.{lockout}.{i}")
        clock.advance(wait - timedelta(seconds=1))
        assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="192.0.2.1") != "ok"
        clock.advance(timedelta(seconds=2))
    assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="192.0.2.1") == "ok"


async def test_a_success_resets_the_counter(identity: tuple[IdentityUseCases, FrozenClock, Database]) -> None:
    use_cases, _, _ = identity
    for _ in range(2):
        await attempt(use_cases, "victim@acme.test", "wrong", ip="203.0.113.1")
    assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="203.0.113.2") == "ok"
    for _ in range(2):
        await attempt(use_cases, "victim@acme.test", "wrong", ip="203.0.113.3")
    assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="203.0.113.4") == "ok"


async def test_failures_against_unknown_emails_leave_nothing_that_blocks_a_later_sign_up(
    identity: tuple[IdentityUseCases, FrozenClock, Database],
) -> None:
    use_cases, _, db = identity
    for i in range(5):
        await attempt(use_cases, "newcomer@acme.test", "guess", ip=f"203.0.113.{i}")
    async with db.read() as connection:
        assert await connection.scalar(select(func.count()).select_from(login_failures)) == 0
    await use_cases.accounts.create_account(system_principal(), email="newcomer@acme.test", password=PASSWORD)
    assert await attempt(use_cases, "newcomer@acme.test", PASSWORD, ip="203.0.113.99") == "ok"


async def test_one_address_trying_many_accounts_is_slowed_without_locking_anyone_out(
    identity: tuple[IdentityUseCases, FrozenClock, Database],
) -> None:
    use_cases, _, _ = identity
    for i in range(6):
        await attempt(use_cases, f"user{i}@acme.test", "guess", ip="198.51.100.66")
    with pytest.raises(ResourceExhausted) as limited:
        await use_cases.sign_in.sign_in(
            email="victim@acme.test", password=PASSWORD, ip_address="198.51.100.66", actor=from_ip("x")
        )
    assert limited.value.retry_after_seconds > 0
    assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="198.51.100.67") == "ok"


async def test_the_limit_of_an_address_holds_across_replicas(
    identity: tuple[IdentityUseCases, FrozenClock, Database], principal_keys: tuple[str, str]
) -> None:
    """Failures spread over two replicas meet one limit: the counts live in the shared database."""
    first_replica, clock, db = identity
    store = SqlIdentityStore(db, Outbox(messaging, clock), clock, to_envelope)
    second_replica = IdentityUseCases.wire(
        store, clock, PrincipalSigner(principal_keys[0], clock=clock), link_key=b"test-link-key", lockout=POLICY
    )
    for i in range(3):
        await attempt(first_replica, f"user{i}@acme.test", "guess", ip="198.51.100.70")
        await attempt(second_replica, f"other{i}@acme.test", "guess", ip="198.51.100.70")
    for replica in (first_replica, second_replica):
        assert (await attempt(replica, "victim@acme.test", PASSWORD, ip="198.51.100.70")).startswith(
            "TOO_MANY_ATTEMPTS"
        )


async def test_an_address_may_try_again_once_its_failures_leave_the_window_and_old_counts_are_swept(
    identity: tuple[IdentityUseCases, FrozenClock, Database],
) -> None:
    use_cases, clock, db = identity
    for i in range(6):
        await attempt(use_cases, f"user{i}@acme.test", "guess", ip="198.51.100.71")
    with pytest.raises(ResourceExhausted) as limited:
        await use_cases.sign_in.sign_in(
            email="victim@acme.test", password=PASSWORD, ip_address="198.51.100.71", actor=from_ip("x")
        )
    wait = limited.value.retry_after_seconds
    assert POLICY.ip_window.total_seconds() <= wait <= POLICY.ip_window.total_seconds() + 31
    clock.advance(timedelta(seconds=wait))
    assert await attempt(use_cases, "victim@acme.test", PASSWORD, ip="198.51.100.71") == "ok"
    assert await use_cases.sign_in.forget_old_address_failures() >= 1
    async with db.read() as connection:
        assert await connection.scalar(select(func.count()).select_from(ip_sign_in_failures)) == 0
