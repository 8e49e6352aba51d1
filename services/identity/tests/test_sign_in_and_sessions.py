"""Identity's use cases against real databases (SQLite and PostgreSQL); the clock is injected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from services.common.errors import AlreadyExists, InvalidArgument, PermissionDenied, Unauthenticated
from services.common.people import normalise_email
from services.common.principal import Principal, system_principal
from services.identity.tests.harness import OWNER_PERMISSIONS, PASSWORD, Identity, anonymous, identity_on


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as harness:
        yield harness


async def member_joined(identity: Identity, account_id: str, *args: object, **kwargs: object) -> None:
    await identity.member_joined(account_id, *args, **kwargs)  # type: ignore[arg-type]


async def owner_account(identity: Identity, email: str = "Owner@Acme.test") -> str:
    return await identity.owner_account(email)


async def test_a_person_signs_in_and_the_session_yields_their_organization_permissions(identity: Identity) -> None:
    account_id = await owner_account(identity)
    token, session = await identity.sign_in("owner@acme.test")
    assert session.organization_id == "org-1"
    authenticated = await identity.use_cases.authentication.authenticate_session(token)
    principal = identity.verifier.verify(authenticated.token)
    assert principal.account_id == account_id
    assert principal.organization_id == "org-1"
    assert principal.permissions == frozenset(OWNER_PERMISSIONS)


async def test_wrong_password_and_unknown_email_get_the_same_error(identity: Identity) -> None:
    await owner_account(identity)
    with pytest.raises(Unauthenticated) as wrong_password:
        await identity.use_cases.sign_in.sign_in(
            email="owner@acme.test", password="not the password", actor=anonymous()
        )
    with pytest.raises(Unauthenticated) as unknown_email:
        await identity.use_cases.sign_in.sign_in(email="nobody@acme.test", password=PASSWORD, actor=anonymous())
    assert wrong_password.value.message == unknown_email.value.message
    assert wrong_password.value.reason == unknown_email.value.reason


async def test_a_long_password_is_neither_truncated_nor_case_folded(identity: Identity) -> None:
    long_password = "Aa1!" * 20
    await identity.use_cases.accounts.create_account(system_principal(), email="long@acme.test", password=long_password)
    await identity.use_cases.sign_in.sign_in(email="long@acme.test", password=long_password, actor=anonymous())
    for near_miss in (long_password[:72], long_password.lower()):
        with pytest.raises(Unauthenticated):
            await identity.use_cases.sign_in.sign_in(email="long@acme.test", password=near_miss, actor=anonymous())


async def test_an_idle_session_expires(identity: Identity) -> None:
    await owner_account(identity)
    token, _ = await identity.sign_in("owner@acme.test")
    identity.clock.advance(timedelta(minutes=29))
    await identity.use_cases.authentication.authenticate_session(token)
    identity.clock.advance(timedelta(minutes=30, seconds=1))
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(token)


async def test_an_active_session_still_ends_at_its_absolute_lifetime(identity: Identity) -> None:
    await owner_account(identity)
    token, _ = await identity.sign_in("owner@acme.test")
    for _ in range(12 * 4):
        await identity.use_cases.authentication.authenticate_session(token)
        identity.clock.advance(timedelta(minutes=15))
    identity.clock.advance(timedelta(seconds=1))
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(token)


async def test_a_signed_out_session_is_refused(identity: Identity) -> None:
    await owner_account(identity)
    token, session = await identity.sign_in("owner@acme.test")
    principal = (await identity.use_cases.authentication.authenticate_session(token)).principal
    await identity.use_cases.sessions.sign_out(principal, session.id)
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(token)


async def test_an_api_key_carries_only_the_permissions_it_was_given(identity: Identity) -> None:
    await owner_account(identity)
    token, _ = await identity.sign_in("owner@acme.test")
    owner = (await identity.use_cases.authentication.authenticate_session(token)).principal
    created = await identity.use_cases.api_keys.create_api_key(owner, name="reader", permissions=["members.read"])
    principal = identity.verifier.verify(
        (await identity.use_cases.authentication.authenticate_api_key(created.secret)).token
    )
    assert principal.actor_type == "api_key"
    assert principal.permissions == frozenset({"members.read"})
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_api_key(
            created.secret[:-1] + ("A" if created.secret[-1] != "A" else "B")
        )


async def test_nobody_can_create_an_api_key_with_permissions_they_do_not_hold(identity: Identity) -> None:
    await owner_account(identity)
    token, _ = await identity.sign_in("owner@acme.test")
    owner = (await identity.use_cases.authentication.authenticate_session(token)).principal
    for escalation in (["billing.manage"], ["platform.admin"]):
        with pytest.raises(PermissionDenied):
            await identity.use_cases.api_keys.create_api_key(owner, name="escalate", permissions=escalation)


async def test_only_operators_create_accounts_and_emails_are_unique_case_insensitively(identity: Identity) -> None:
    await owner_account(identity)
    with pytest.raises(PermissionDenied):
        await identity.use_cases.accounts.create_account(
            Principal(actor_type="user", actor_id="x", permissions=frozenset({"members.invite"})),
            email="new@acme.test",
            password=PASSWORD,
        )
    with pytest.raises(AlreadyExists):
        await identity.use_cases.accounts.create_account(system_principal(), email="OWNER@acme.test", password=PASSWORD)


async def test_a_stale_member_event_does_not_undo_a_newer_one(identity: Identity) -> None:
    account_id = await owner_account(identity)
    await member_joined(identity, account_id, version=3, permissions=["members.read"])
    await member_joined(identity, account_id, version=2, permissions=OWNER_PERMISSIONS)
    token, _ = await identity.sign_in("owner@acme.test")
    principal = (await identity.use_cases.authentication.authenticate_session(token)).principal
    assert principal.permissions == frozenset({"members.read"})


async def test_a_deactivated_member_signs_in_to_no_organization(identity: Identity) -> None:
    account_id = await owner_account(identity)
    await member_joined(identity, account_id, version=2, status="deactivated")
    with pytest.raises(Unauthenticated):
        await identity.use_cases.sign_in.sign_in(
            email="owner@acme.test", password=PASSWORD, organization_id="org-1", actor=anonymous()
        )


async def test_an_account_email_follows_the_rule_membership_shares(identity: Identity) -> None:
    """The account of a person invited as " E\u0301ve@Acme.TEST " is found by the email membership stores."""
    account = await identity.use_cases.accounts.create_account(
        system_principal(), email=" E\u0301ve@Acme.TEST ", password=PASSWORD, display_name="  Zoe\u0308  "
    )
    assert (account.email, account.display_name) == (normalise_email("\u00e9ve@acme.test"), "Zo\u00eb")
    await identity.member_joined(account.id)
    token, _ = await identity.sign_in("\u00c9VE@acme.test")
    assert (await identity.principal(token)).account_id == account.id
    with pytest.raises(InvalidArgument):
        await identity.use_cases.accounts.create_account(system_principal(), email="user@localhost", password=PASSWORD)
