"""The security requirements against identity's use cases on real databases, with the injected clock:
lockout limits (A1, A2), session ids (A4), timeouts (A5), revocation (A6), password storage and policy
and the privileged window (A9), plus MFA, password reset, the security policy and service accounts."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from argon2 import PasswordHasher

from services.common.errors import (
    Aborted,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from services.common.mail import Mailer
from services.common.mail_sender import MailSender
from services.common.principal import system_principal
from services.identity.adapters.mail import ResetLinkEmails
from services.identity.domain.lockout import LockoutPolicy
from services.identity.events.consume import PasswordResetMailer
from services.identity.store.tables import mail_outbox
from services.identity.tests.harness import PASSWORD, Identity, anonymous, identity_on

OWNER = "owner@acme.test"


@pytest.fixture
async def identity(database_url: str, principal_keys: tuple[str, str]) -> AsyncIterator[Identity]:
    async with identity_on(database_url, principal_keys) as harness:
        await harness.owner_account(OWNER)
        yield harness


async def test_an_attacker_gets_at_most_100_password_checks_per_account_per_hour(identity: Identity) -> None:
    """A1: one guess every 15 seconds for an hour; the lockout lets fewer than 100 reach the password check."""
    for _ in range(240):
        with pytest.raises(Unauthenticated):
            await identity.use_cases.sign_in.sign_in(
                email=OWNER, password="guess", actor=anonymous(f"198.51.100.{_ % 200}")
            )
        identity.clock.advance(timedelta(seconds=15))
    reasons = [e.payload.value for e in await identity.events("identity.sign_in.failed")]
    checked = sum(1 for value in reasons if b"bad_password" in value)
    assert 0 < checked <= 100
    assert await identity.events("identity.login.locked")


async def test_two_failures_within_a_second_trigger_the_quick_login_wait(identity: Identity) -> None:
    """A2: Keycloak's quick-login check; even the right password is refused during the wait."""
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            await identity.use_cases.sign_in.sign_in(email=OWNER, password="guess", actor=anonymous())
        identity.clock.advance(timedelta(milliseconds=400))
    with pytest.raises(Unauthenticated):
        await identity.sign_in(OWNER)
    identity.clock.advance(LockoutPolicy().quick_login_wait)
    await identity.sign_in(OWNER)


async def test_the_session_id_changes_at_sign_in_at_step_up_and_on_a_role_change(identity: Identity) -> None:
    """A4: the earlier token is dead each time; tokens carry 256 random bits."""
    first_token, first = await identity.sign_in(OWNER)
    assert len(first_token) >= 43  # 32 bytes, URL-safe base64
    second_token, second = await identity.sign_in(OWNER, previous_session_token=first_token)
    assert second.id != first.id
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(first_token)

    principal = await identity.principal(second_token)
    stepped_token, stepped = await identity.use_cases.sign_in.reauthenticate(principal, password=PASSWORD)
    assert stepped.id != second.id
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(second_token)

    await identity.member_joined(principal.account_id, version=2, permissions=["members.read"], role="user_admin")
    rotated = await identity.use_cases.authentication.authenticate_session(stepped_token)
    assert rotated.rotated_session_token and rotated.principal.credential_id != stepped.id
    assert rotated.principal.permissions == frozenset({"members.read"})
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(stepped_token)
    await identity.use_cases.authentication.authenticate_session(rotated.rotated_session_token)


async def test_sessions_end_after_the_organizations_idle_timeout_and_absolute_lifetime(identity: Identity) -> None:
    """A5, with the organization's own policy (10 minutes idle, 1 hour absolute)."""
    token, _ = await identity.sign_in(OWNER)
    admin = await identity.principal(token)
    await identity.use_cases.security_policy.update_policy(
        admin,
        "org-1",
        {"session_idle_timeout_seconds": 600, "session_absolute_lifetime_seconds": 3600},
    )
    idle_token, _ = await identity.sign_in(OWNER)
    identity.clock.advance(timedelta(seconds=601))
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(idle_token)

    busy_token, _ = await identity.sign_in(OWNER)
    for _ in range(6):  # active every 9 minutes: never idle
        identity.clock.advance(timedelta(minutes=9))
        await identity.use_cases.authentication.authenticate_session(busy_token)
    identity.clock.advance(timedelta(minutes=6, seconds=1))  # 60 minutes and 1 second after sign-in
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(busy_token)


async def test_deactivation_password_change_mfa_change_and_admin_revocation_end_sessions(
    identity: Identity,
) -> None:
    """A6 at identity: each path ends sessions and publishes session.ended, which every service's feed reads."""
    member = await identity.use_cases.accounts.create_account(
        system_principal(), email="m@acme.test", password=PASSWORD
    )
    await identity.member_joined(member.id, permissions=["seat.use"], role="member")
    owner_token, _ = await identity.sign_in(OWNER)
    owner = await identity.principal(owner_token)

    member_token, member_session = await identity.sign_in("m@acme.test")
    assert [s.id for s in await identity.use_cases.sessions.list_sessions(owner, member.id)] == [member_session.id]
    assert await identity.use_cases.sessions.revoke_account_sessions(owner, member.id) == 1
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(member_token)

    member_token, _ = await identity.sign_in("m@acme.test")
    await identity.member_joined(member.id, version=2, status="deactivated", permissions=["seat.use"])
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(member_token)
    ended = await identity.events("identity.session.ended")
    assert len(ended) == 2

    kept_token, _ = await identity.sign_in(OWNER)
    other_token, _ = await identity.sign_in(OWNER, user_agent="another browser")
    keeper = await identity.principal(kept_token)
    assert (
        await identity.use_cases.credentials.change_password(
            keeper, current_password=PASSWORD, new_password="a new long passphrase 2026"
        )
        >= 1
    )
    await identity.use_cases.authentication.authenticate_session(kept_token)
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(other_token)
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(owner_token)

    other_token, _ = await identity.sign_in(OWNER, password="a new long passphrase 2026")
    enrollment = await identity.use_cases.credentials.enroll_totp(keeper)
    await identity.use_cases.credentials.confirm_totp(keeper, pyotp.TOTP(enrollment.secret).at(identity.clock.now()))
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(other_token)


async def test_a_member_cannot_see_or_end_anothers_sessions_or_those_of_another_organization(
    identity: Identity,
) -> None:
    member = await identity.use_cases.accounts.create_account(
        system_principal(), email="m@acme.test", password=PASSWORD
    )
    await identity.member_joined(member.id, permissions=["seat.use"], role="member")
    stranger = await identity.owner_account("boss@other.test", organization_id="org-2")
    owner_token, owner_session = await identity.sign_in(OWNER)
    member_principal = await identity.principal((await identity.sign_in("m@acme.test"))[0])
    with pytest.raises(PermissionDenied):
        await identity.use_cases.sessions.list_sessions(
            member_principal, (await identity.principal(owner_token)).account_id
        )
    with pytest.raises(PermissionDenied):
        await identity.use_cases.sessions.revoke_session(member_principal, owner_session.id)
    owner = await identity.principal(owner_token)
    with pytest.raises(NotFound):  # T1: another organization's account is not found, not forbidden
        await identity.use_cases.sessions.list_sessions(owner, stranger)
    _, stranger_session = await identity.sign_in("boss@other.test")
    with pytest.raises(NotFound):
        await identity.use_cases.sessions.revoke_session(owner, stranger_session.id)
    await identity.use_cases.authentication.authenticate_session(owner_token)


async def test_passwords_are_argon2id_rehashed_when_weaker_and_never_truncated(identity: Identity) -> None:
    """A9: argon2-cffi defaults (m=64 MiB, t=3, p=4); old parameters are upgraded at the next sign-in."""
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    account = await identity.use_cases.accounts.create_account(
        system_principal(), email="old@acme.test", password=PASSWORD
    )
    async with identity.store.write() as tx:
        await tx.update_password_hash(account.id, weak)
    await identity.sign_in("old@acme.test")
    async with identity.store.read() as tx:
        stored = (await tx.get_account(account.id)).password_hash  # type: ignore[union-attr]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")

    long_password = "Ä" * 40 + "x" * 40  # 120 bytes in UTF-8, beyond bcrypt's 72
    await identity.use_cases.accounts.create_account(system_principal(), email="long@acme.test", password=long_password)
    for near_miss in (long_password[:-1] + "y", long_password.lower()):
        with pytest.raises(Unauthenticated):
            await identity.sign_in("long@acme.test", near_miss)
        identity.clock.advance(timedelta(seconds=2))  # slower than the quick-login check
    await identity.sign_in("long@acme.test", long_password)


async def test_the_password_policy_refuses_short_common_and_email_bearing_passwords(identity: Identity) -> None:
    """A9: admins need 12 characters by default; the current password is required to change it."""
    owner = await identity.principal((await identity.sign_in(OWNER))[0])
    for weak in ("short pass", "password1234", "owner-rocks-2026!", "Password123!"):
        with pytest.raises(InvalidArgument):
            await identity.use_cases.credentials.change_password(owner, current_password=PASSWORD, new_password=weak)
    with pytest.raises(PermissionDenied):
        await identity.use_cases.credentials.change_password(
            owner, current_password="not my password", new_password="a fine new passphrase"
        )
    await identity.use_cases.security_policy.update_policy(owner, "org-1", {"password_required_classes": 3})
    with pytest.raises(InvalidArgument):
        await identity.use_cases.credentials.change_password(
            owner, current_password=PASSWORD, new_password="all lower case words"
        )
    await identity.use_cases.credentials.change_password(
        owner, current_password=PASSWORD, new_password="Mixed Case words 77"
    )


async def test_sensitive_actions_need_a_recent_authentication(identity: Identity) -> None:
    """A9: after the 15-minute window, policy changes and key creation ask for the password again."""
    token, _ = await identity.sign_in(OWNER)
    identity.clock.advance(timedelta(minutes=16))
    stale = await identity.principal(token)
    with pytest.raises(PermissionDenied) as refused:
        await identity.use_cases.security_policy.update_policy(stale, "org-1", {"mfa_required": "admins"})
    assert refused.value.reason == "REAUTHENTICATION_REQUIRED"
    with pytest.raises(PermissionDenied):
        await identity.use_cases.api_keys.create_api_key(stale, name="script", permissions=[])
    fresh_token, _ = await identity.use_cases.sign_in.reauthenticate(stale, password=PASSWORD)
    fresh = await identity.principal(fresh_token)
    await identity.use_cases.api_keys.create_api_key(fresh, name="script", permissions=["members.read"])


async def test_totp_sign_in_accepts_each_code_once_and_recovery_codes_once(identity: Identity) -> None:
    owner = await identity.principal((await identity.sign_in(OWNER))[0])
    enrollment = await identity.use_cases.credentials.enroll_totp(owner)
    assert enrollment.otpauth_uri.startswith("otpauth://totp/") and "<svg" in enrollment.qr_code_svg
    assert await identity.use_cases.credentials.account_security(owner) == (False, 0)  # not on until confirmed
    totp = pyotp.TOTP(enrollment.secret)
    recovery = await identity.use_cases.credentials.confirm_totp(owner, totp.at(identity.clock.now()))
    assert len(recovery) == 10
    assert await identity.use_cases.credentials.account_security(owner) == (True, 10)

    identity.clock.advance(timedelta(seconds=30))
    challenge = await identity.use_cases.sign_in.sign_in(email=OWNER, password=PASSWORD, actor=anonymous())
    assert challenge.session is None and challenge.mfa_challenge_token
    code = totp.at(identity.clock.now())
    with pytest.raises(Unauthenticated):
        await identity.use_cases.sign_in.verify_second_factor(
            challenge_token=challenge.mfa_challenge_token, totp_code="000000", actor=anonymous()
        )
    opened = await identity.use_cases.sign_in.verify_second_factor(
        challenge_token=challenge.mfa_challenge_token, totp_code=code, actor=anonymous()
    )
    assert opened.session is not None and opened.session.method == "password+totp"

    replay = await identity.use_cases.sign_in.sign_in(email=OWNER, password=PASSWORD, actor=anonymous())
    with pytest.raises(Unauthenticated):  # the same code again, within its 30 seconds
        await identity.use_cases.sign_in.verify_second_factor(
            challenge_token=replay.mfa_challenge_token, totp_code=code, actor=anonymous()
        )
    await identity.use_cases.sign_in.verify_second_factor(
        challenge_token=replay.mfa_challenge_token, recovery_code=recovery[0].upper(), actor=anonymous()
    )
    again = await identity.use_cases.sign_in.sign_in(email=OWNER, password=PASSWORD, actor=anonymous())
    with pytest.raises(Unauthenticated):
        await identity.use_cases.sign_in.verify_second_factor(
            challenge_token=again.mfa_challenge_token, recovery_code=recovery[0], actor=anonymous()
        )
    assert await identity.use_cases.credentials.account_security(owner) == (True, 9)


async def test_an_organization_requiring_mfa_restricts_admins_until_they_enrol(identity: Identity) -> None:
    owner = await identity.principal((await identity.sign_in(OWNER))[0])
    await identity.use_cases.security_policy.update_policy(owner, "org-1", {"mfa_required": "admins"})
    token, _ = await identity.sign_in(OWNER)
    restricted = await identity.use_cases.authentication.authenticate_session(token)
    assert restricted.mfa_enrollment_required and restricted.principal.permissions == frozenset()
    principal = identity.verifier.verify(restricted.token)
    enrollment = await identity.use_cases.credentials.enroll_totp(principal)
    await identity.use_cases.credentials.confirm_totp(principal, pyotp.TOTP(enrollment.secret).at(identity.clock.now()))
    unrestricted = await identity.use_cases.authentication.authenticate_session(token)
    assert not unrestricted.mfa_enrollment_required and "security.manage" in unrestricted.principal.permissions
    with pytest.raises(FailedPrecondition):  # the policy forbids turning it off
        await identity.use_cases.credentials.disable_totp(identity.verifier.verify(unrestricted.token), PASSWORD)


async def test_a_reset_link_works_once_before_it_expires_and_ends_every_session(identity: Identity) -> None:
    token, _ = await identity.sign_in(OWNER)
    await identity.use_cases.credentials.request_reset(anonymous(), "OWNER@acme.test")
    await identity.use_cases.credentials.request_reset(anonymous(), "nobody@acme.test")  # same silence, nothing stored
    requested = await identity.events("identity.password_reset.requested")
    assert len(requested) == 1
    from tenantry.events.v1 import identity_events_pb2

    event = identity_events_pb2.PasswordResetRequested()
    requested[0].payload.Unpack(event)
    link_token = identity.use_cases.credentials.reset_token(event.reset_id)
    with pytest.raises(FailedPrecondition):
        await identity.use_cases.credentials.reset_password(
            anonymous(), reset_id=event.reset_id, token="f" * 64, new_password="brand new passphrase 9"
        )
    await identity.use_cases.credentials.reset_password(
        anonymous(), reset_id=event.reset_id, token=link_token, new_password="brand new passphrase 9"
    )
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_session(token)
    with pytest.raises(FailedPrecondition):  # single use
        await identity.use_cases.credentials.reset_password(
            anonymous(), reset_id=event.reset_id, token=link_token, new_password="another passphrase 10"
        )
    await identity.sign_in(OWNER, "brand new passphrase 9")

    admin = await identity.principal((await identity.sign_in(OWNER, "brand new passphrase 9"))[0])
    reset = await identity.use_cases.credentials.send_reset(admin, admin.account_id)
    identity.clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(FailedPrecondition):  # expired
        await identity.use_cases.credentials.reset_password(
            anonymous(),
            reset_id=reset.id,
            token=identity.use_cases.credentials.reset_token(reset.id),
            new_password="late passphrase 11 ok",
        )


async def test_the_reset_mailer_emails_a_link_that_resets_the_password(
    database_url: str, principal_keys: tuple[str, str], tmp_path: Path
) -> None:
    mailer = Mailer(sender="tenantry@acme.test", drop_dir=tmp_path / "mail")
    emails = ResetLinkEmails(mailer, "https://admin.acme.test/")
    async with identity_on(database_url, principal_keys, reset_links=emails) as identity:
        await identity.owner_account(OWNER)
        await identity.use_cases.credentials.request_reset(anonymous(), OWNER)
        [requested] = await identity.events("identity.password_reset.requested")
        async with identity.db.write() as connection:
            await PasswordResetMailer(identity.use_cases.credentials, identity.store).on_reset_requested(
                connection, requested
            )
        assert await MailSender(identity.db, mail_outbox, mailer, identity.clock).send_pending() == 1
        [sent] = (tmp_path / "mail").glob("*.eml")
        message = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
        assert message["To"] == OWNER
        assert isinstance(message, EmailMessage)
        link = re.search(r"https://admin\.acme\.test/reset-password\?\S+", message.get_content())
        assert link is not None
        query = parse_qs(urlsplit(link.group(0)).query)
        await identity.use_cases.credentials.reset_password(
            anonymous(), reset_id=query["id"][0], token=query["token"][0], new_password="brand new passphrase 9"
        )
        await identity.sign_in(OWNER, "brand new passphrase 9")


async def test_the_security_policy_is_validated_versioned_and_audited_with_before_and_after(
    identity: Identity,
) -> None:
    owner = await identity.principal((await identity.sign_in(OWNER))[0])
    policy = await identity.use_cases.security_policy.get_policy(owner, "org-1")
    assert (policy.session_idle_timeout_seconds, policy.session_absolute_lifetime_seconds) == (1800, 43200)
    with pytest.raises(InvalidArgument):
        await identity.use_cases.security_policy.update_policy(owner, "org-1", {"session_idle_timeout_seconds": 5})
    with pytest.raises(InvalidArgument):
        await identity.use_cases.security_policy.update_policy(
            owner, "org-1", {"allowed_invitation_domains": ["not a domain"]}
        )
    updated = await identity.use_cases.security_policy.update_policy(
        owner,
        "org-1",
        {"privacy_mode": True, "allowed_invitation_domains": ["ACME.test", "@acme.io"]},
        etag=policy.etag,
    )
    assert updated.allowed_invitation_domains == ("acme.io", "acme.test") and updated.privacy_mode
    with pytest.raises(Aborted):
        await identity.use_cases.security_policy.update_policy(
            owner, "org-1", {"privacy_mode": False}, etag=policy.etag
        )
    [event] = await identity.events("identity.security_policy.updated")
    from tenantry.events.v1 import identity_events_pb2

    change = identity_events_pb2.SecurityPolicyUpdated()
    event.payload.Unpack(change)
    assert not change.before.privacy_mode and change.after.privacy_mode
    with pytest.raises(NotFound):
        await identity.use_cases.security_policy.get_policy(owner, "org-2")


async def test_service_accounts_act_with_their_own_identity_and_lose_access_when_revoked(identity: Identity) -> None:
    owner = await identity.principal((await identity.sign_in(OWNER))[0])
    created = await identity.use_cases.api_keys.create_service_account(
        owner, name="product-backend", permissions=["members.read"]
    )
    authenticated = await identity.use_cases.authentication.authenticate_api_key(created.secret)
    assert authenticated.principal.actor_type == "service_account"
    assert authenticated.principal.permissions == frozenset({"members.read"})
    with pytest.raises(PermissionDenied):
        await identity.use_cases.api_keys.create_service_account(owner, name="too much", permissions=["platform.admin"])
    listed = await identity.use_cases.api_keys.list_api_keys(owner)
    assert [k.kind for k in listed] == ["service_account"]
    await identity.use_cases.api_keys.revoke_api_key(owner, created.api_key.id)
    with pytest.raises(Unauthenticated):
        await identity.use_cases.authentication.authenticate_api_key(created.secret)
    assert await identity.events("identity.credential.revoked")
