"""Authentication of every request: a session token or an API key becomes a principal, handed to the other
services as a short-lived signed token."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.common.clock import Clock
from services.common.errors import Unauthenticated
from services.common.principal import ACTOR_API_KEY, ACTOR_SERVICE_ACCOUNT, ACTOR_USER, Principal
from services.identity.domain.api_keys import API_KEY_PREFIX
from services.identity.domain.memberships import caught_up_memberships
from services.identity.domain.model import SERVICE_ACCOUNT_KIND
from services.identity.domain.organization_end import has_ended, may_enter_ended, organization_ended_error, read_only
from services.identity.domain.ports import IdentityStore, MembershipDirectory, PrincipalMinter
from services.identity.domain.sessions import choose_membership, rotate_session, system_actor
from services.identity.domain.tokens import token_hash

# last_seen_at / last_used_at are written at most this often, to keep authentication read-mostly.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class Authenticated:
    principal: Principal
    token: str
    expires_at: datetime
    rotated_session_token: str = ""
    mfa_enrollment_required: bool = False
    # The organization's subscription has ended: the principal holds read and billing permissions only.
    organization_ended: bool = False


class AuthenticationUseCases:
    def __init__(
        self,
        store: IdentityStore,
        clock: Clock,
        minter: PrincipalMinter,
        memberships: MembershipDirectory | None = None,
    ):
        self._store = store
        self._clock = clock
        self._minter = minter
        # Membership itself, asked when the projection has not caught up with a new member (read-your-writes).
        self._memberships = memberships

    async def authenticate_session(self, token: str, ip_address: str = "", user_agent: str = "") -> Authenticated:
        if not token or len(token) > 512:
            raise Unauthenticated("Invalid session.", reason="INVALID_SESSION")
        now = self._clock.now()
        async with self._store.read() as tx:
            session = await tx.find_session_by_token_hash(token_hash(token))
            account = await tx.get_account(session.account_id) if session else None
            memberships = await tx.active_memberships(session.account_id) if session else []
            policy = await tx.get_policy(session.organization_id) if session else None
            totp = await tx.get_totp(session.account_id) if session else None
            ended = bool(session and session.organization_id) and has_ended(
                await tx.organization_entitlements(session.organization_id) if session else None
            )
        if (
            session is None
            or account is None
            or policy is None
            or account.status != "active"
            or session.revoked_at is not None
            or now >= session.expires_at
            or now >= session.created_at + policy.absolute_lifetime
            or now - session.last_seen_at > policy.idle_timeout
        ):
            raise Unauthenticated("Invalid or expired session.", reason="INVALID_SESSION")
        # Never a principal without the organization membership knows the person has (a member of a moment ago).
        memberships = await caught_up_memberships(
            self._store, self._memberships, account.id, memberships, session.organization_id
        )
        # A session opened before membership's events reached us has no organization yet: pick it now.
        membership = choose_membership(memberships, session.organization_id)
        if session.organization_id and membership is None:
            raise Unauthenticated("Invalid or expired session.", reason="INVALID_SESSION")  # no longer a member
        if ended and (membership is None or not may_enter_ended(membership.permissions)):
            raise organization_ended_error()
        rotated_token = ""
        if session.rotate_required:
            async with self._store.write() as tx:
                rotated_token, session = await rotate_session(tx, session, system_actor(session), now, reason="rotated")
        elif now - session.last_seen_at >= TOUCH_INTERVAL:
            async with self._store.write() as tx:
                await tx.touch_session(session.id, now)
        permissions = membership.permissions if membership else frozenset()
        if ended:
            permissions = read_only(permissions)
        enrollment_required = (
            membership is not None and policy.requires_mfa(permissions) and (totp is None or totp.confirmed_at is None)
        )
        principal = Principal(
            actor_type=ACTOR_USER,
            actor_id=account.id,
            actor_display=account.email,
            account_id=account.id,
            organization_id=membership.organization_id if membership else session.organization_id,
            # Until the person enrols a second factor the policy demands, they may do nothing else.
            permissions=frozenset() if enrollment_required else permissions,
            credential_id=session.id,
            ip_address=ip_address,
            user_agent=user_agent,
            authenticated_at=session.authenticated_at or session.created_at,
        )
        minted = self._mint(principal)
        return replace(
            minted,
            rotated_session_token=rotated_token,
            mfa_enrollment_required=enrollment_required,
            organization_ended=ended,
        )

    async def authenticate_api_key(self, secret: str, ip_address: str = "", user_agent: str = "") -> Authenticated:
        invalid = Unauthenticated("Invalid API key.", reason="INVALID_API_KEY")
        parts = secret.split("_", 2)
        if len(secret) > 512 or len(parts) != 3 or parts[0] != API_KEY_PREFIX:
            raise invalid
        now = self._clock.now()
        async with self._store.read() as tx:
            api_key = await tx.find_api_key_by_prefix(parts[1])
            ended = has_ended(await tx.organization_entitlements(api_key.organization_id)) if api_key else False
            # A key follows the person who created it (a key made by a program or an operator follows nobody).
            creator = await tx.get_account(api_key.created_by) if api_key else None
            creator_membership = (
                await tx.get_membership(api_key.organization_id, creator.id) if api_key and creator else None
            )
        if (
            api_key is None
            or not hmac.compare_digest(api_key.secret_hash, token_hash(secret))
            or api_key.revoked_at is not None
            or (api_key.expires_at is not None and now >= api_key.expires_at)
        ):
            raise invalid
        if ended:
            raise organization_ended_error()
        permissions = api_key.permissions
        if creator is not None:
            if creator.status != "active" or creator_membership is None or creator_membership.status != "active":
                raise Unauthenticated(
                    "This API key's creator is no longer an active member; an administrator can issue a new key.",
                    reason="API_KEY_CREATOR_INACTIVE",
                )
            permissions = permissions & creator_membership.permissions
        if api_key.last_used_at is None or now - api_key.last_used_at >= TOUCH_INTERVAL:
            async with self._store.write() as tx:
                await tx.touch_api_key(api_key.id, now)
        principal = Principal(
            actor_type=ACTOR_SERVICE_ACCOUNT if api_key.kind == SERVICE_ACCOUNT_KIND else ACTOR_API_KEY,
            actor_id=api_key.id,
            actor_display=api_key.name,
            organization_id=api_key.organization_id,
            permissions=permissions,
            credential_id=api_key.id,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        return self._mint(principal)

    def _mint(self, principal: Principal) -> Authenticated:
        token, expires_at = self._minter.mint(principal)
        return Authenticated(principal, token, expires_at)
