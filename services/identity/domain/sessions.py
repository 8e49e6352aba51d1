"""Sessions: opening, rotating and ending them, and what a signed-in person may do with their own and,
with "security.manage", with a member's."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from services.common.clock import Clock
from services.common.errors import NotFound, PermissionDenied
from services.common.ids import new_id, new_secret_token
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import ACTOR_SYSTEM, ACTOR_USER, Principal, bounded_client
from services.identity.domain.events import SessionEnded, SessionStarted
from services.identity.domain.model import Account, Membership, Session
from services.identity.domain.policies import SecurityPolicy
from services.identity.domain.ports import IdentityStore, IdentityTransaction
from services.identity.domain.tokens import token_hash

# Acts on identity's own side effects: rotating a session, ending a deactivated member's sessions.
IDENTITY_SYSTEM = Principal(actor_type=ACTOR_SYSTEM, actor_id="identity", actor_display="identity")


class SessionUseCases:
    """Signing out, and listing and ending sessions (one's own, or a member's for an administrator)."""

    def __init__(self, store: IdentityStore, clock: Clock):
        self._store = store
        self._clock = clock

    async def sign_out(self, principal: Principal, session_id: str) -> None:
        if principal.actor_type != ACTOR_USER or principal.credential_id != (session_id or principal.credential_id):
            raise PermissionDenied("You can end only your own session.", reason="NOT_YOUR_SESSION")
        now = self._clock.now()
        async with self._store.write() as tx:
            session = await tx.get_session(principal.credential_id)
            if session is None:
                raise NotFound("No such session.")
            if await tx.revoke_session(session.id, now):
                await tx.record_events(SessionEnded(principal, now, session, "sign_out"))

    async def list_sessions(self, principal: Principal, account_id: str = "") -> list[Session]:
        require_session(principal)
        target = await self._session_owner(principal, account_id)
        async with self._store.read() as tx:
            return await tx.open_sessions(target, principal.organization_id, self._clock.now())

    async def revoke_session(self, principal: Principal, session_id: str) -> None:
        require_session(principal)
        now = self._clock.now()
        async with self._store.write() as tx:
            session = await tx.get_session(session_id[:64])
            if session is None or session.organization_id != principal.organization_id:
                raise NotFound("No such session.")
            if session.account_id != principal.account_id:
                await self._session_owner(principal, session.account_id, tx)
            if await tx.revoke_session(session.id, now):
                reason = "sign_out" if session.account_id == principal.account_id else "admin_revoked"
                await tx.record_events(SessionEnded(principal, now, session, reason))

    async def revoke_account_sessions(
        self, principal: Principal, account_id: str = "", keep_current: bool = False
    ) -> int:
        """Sign an account out everywhere in the organization ("sign out everywhere")."""
        require_session(principal)
        now = self._clock.now()
        async with self._store.write() as tx:
            target = await self._session_owner(principal, account_id, tx)
            keep = principal.credential_id if keep_current and target == principal.account_id else ""
            reason = "sign_out_everywhere" if target == principal.account_id else "admin_revoked"
            return await revoke_sessions_with_events(
                tx, target, principal.organization_id, principal, now, reason, keep_session_id=keep
            )

    async def _session_owner(self, principal: Principal, account_id: str, tx: IdentityTransaction | None = None) -> str:
        """Whose sessions the caller may see or end: their own, or a member's with "security.manage"."""
        if not account_id or account_id == principal.account_id:
            return principal.account_id
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        if tx is None:
            async with self._store.read() as read_tx:
                membership = await read_tx.get_membership(principal.organization_id, account_id[:64])
        else:
            membership = await tx.get_membership(principal.organization_id, account_id[:64])
        if membership is None:
            raise NotFound("No such member.")
        return membership.account_id


def require_session(principal: Principal) -> None:
    if principal.actor_type != ACTOR_USER or not principal.credential_id:
        raise PermissionDenied("This needs a signed-in person.", reason="SESSION_REQUIRED")


def choose_membership(memberships: list[Membership], organization_id: str) -> Membership | None:
    """The active membership in the requested organization, or the oldest one when none is requested."""
    if organization_id:
        return next((m for m in memberships if m.organization_id == organization_id), None)
    return memberships[0] if memberships else None


async def revoke_sessions_with_events(
    tx: IdentityTransaction,
    account_id: str,
    organization_id: str | None,
    actor: Principal,
    now: datetime,
    reason: str,
    keep_session_id: str = "",
) -> int:
    """End an account's sessions and publish session.ended for each, which every service's revocation
    feed turns into a refusal of principals minted from them."""
    ended = await tx.revoke_sessions(account_id, organization_id, now, keep_session_id)
    if ended:
        await tx.record_events(*(SessionEnded(actor, now, session, reason) for session in ended))
    return len(ended)


async def open_session(
    tx: IdentityTransaction,
    account: Account,
    membership: Membership | None,
    now: datetime,
    anonymous: Principal,
    ip_address: str,
    user_agent: str,
    *,
    method: str,
    mfa_enrolled: bool,
) -> tuple[str, Session]:
    """A new session with a fresh token (never one the client chose), lifetime from the organization's policy."""
    organization_id = membership.organization_id if membership else ""
    policy = await tx.get_policy(organization_id) if organization_id else SecurityPolicy("")
    token = new_secret_token()
    ip_address, user_agent = bounded_client(ip_address, user_agent)
    session = Session(
        id=new_id(),
        token_hash=token_hash(token),
        account_id=account.id,
        organization_id=organization_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.absolute_lifetime,
        ip_address=ip_address,
        user_agent=user_agent,
        authenticated_at=now,
        mfa_enrollment_required=bool(membership)
        and policy.requires_mfa(membership.permissions if membership else frozenset())
        and not mfa_enrolled,
        method=method,
    )
    await tx.insert_session(session)
    await tx.record_events(SessionStarted(_user_actor(account, session, anonymous), now, session, account.email))
    return token, session


async def rotate_session(
    tx: IdentityTransaction,
    session: Session,
    actor: Principal,
    now: datetime,
    *,
    reason: str,
    authenticated_at: datetime | None = None,
) -> tuple[str, Session]:
    """Replace a session by a new one with a new id and token; the old token stops working at once."""
    token = new_secret_token()
    replacement = replace(
        session,
        id=new_id(),
        token_hash=token_hash(token),
        last_seen_at=now,
        authenticated_at=authenticated_at or session.authenticated_at,
        rotate_required=False,
        revoked_at=None,
    )
    await tx.revoke_session(session.id, now)
    await tx.insert_session(replacement)
    await tx.record_events(SessionEnded(actor, now, session, reason))
    return token, replacement


async def end_presented_session(tx: IdentityTransaction, token: str, actor: Principal, now: datetime) -> None:
    """A browser signing in ends whatever session it held, so no earlier id survives the sign-in."""
    if len(token) > 512:
        return
    session = await tx.find_session_by_token_hash(token_hash(token))
    if session is not None and await tx.revoke_session(session.id, now):
        await tx.record_events(SessionEnded(actor, now, session, "replaced_at_sign_in"))


def system_actor(session: Session) -> Principal:
    """Identity itself, acting on one session (a rotation after a privilege change)."""
    return replace(IDENTITY_SYSTEM, credential_id=session.id)


def _user_actor(account: Account, session: Session, anonymous: Principal) -> Principal:
    return Principal(
        actor_type=ACTOR_USER,
        actor_id=account.id,
        actor_display=account.email,
        account_id=account.id,
        organization_id=session.organization_id,
        credential_id=session.id,
        ip_address=anonymous.ip_address,
        user_agent=anonymous.user_agent,
    )
