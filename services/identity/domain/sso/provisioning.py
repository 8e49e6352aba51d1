"""Signing a person in from an ExternalIdentity (SAML now, OIDC too): find them by (issuer, subject), link an
existing member with the same email of a verified domain, or create them just in time; map IdP groups to a
role and groups; open a session under the organization's policy, capped by the IdP's SessionNotOnOrAfter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.common.clock import Clock
from services.common.errors import DomainError, FailedPrecondition, InvalidArgument
from services.common.ids import new_id
from services.common.people import normalise_email
from services.common.principal import Principal
from services.identity.domain.events import AccountCreated
from services.identity.domain.external_identity import ExternalIdentity
from services.identity.domain.model import Account, Membership, Session
from services.identity.domain.organization_end import has_ended, may_enter_ended
from services.identity.domain.sessions import open_session
from services.identity.domain.sso.events import SsoSignedIn
from services.identity.domain.sso.model import IdentityLink, SsoConnection
from services.identity.domain.sso.ports import MemberProvisioner, SsoStore, SsoTransaction

# Accounts created for SSO have no password: this value is no argon2 hash, so no password ever matches it.
NO_PASSWORD = "!sso"


class SignInRefused(Exception):
    """The IdP vouched for someone we will not sign in; `reason` goes to the audit log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# No free seat for a person created just in time: the sign-in page says so (nothing is created).
NO_SEAT = "no_seat"
# Membership's reason when billing has no free seat.
NO_SEATS_AVAILABLE = "NO_SEATS_AVAILABLE"
# The organization's subscription has ended and this person may not enter it (only who can resubscribe may).
ORGANIZATION_ENDED = "organization_ended"


@dataclass(frozen=True)
class ExternalSignIn:
    token: str
    session: Session
    member_created: bool


def mapped(identity: ExternalIdentity, attribute: str) -> str | None:
    values = identity.attributes.get(attribute) if attribute else None
    return values[0] if values else None


def email_of(identity: ExternalIdentity, connection: SsoConnection) -> str | None:
    raw = mapped(identity, connection.attribute_mapping.email) or identity.email
    if not raw:
        return None
    try:
        return normalise_email(raw)
    except InvalidArgument:
        return None


def groups_of(identity: ExternalIdentity, connection: SsoConnection) -> tuple[str, ...]:
    attribute = connection.attribute_mapping.groups
    return identity.attributes.get(attribute, ()) if attribute else identity.groups


def role_and_groups(connection: SsoConnection, groups: tuple[str, ...]) -> tuple[str, list[str]]:
    """The first mapped role wins (mappings are ordered); every mapped group applies."""
    role = next((m.role for m in connection.group_mappings if m.role and m.idp_group in groups), "")
    group_ids = sorted({m.group_id for m in connection.group_mappings if m.group_id and m.idp_group in groups})
    return role, group_ids


class ExternalSignInUseCase:
    def __init__(self, store: SsoStore, clock: Clock, provisioner: MemberProvisioner | None):
        self._store = store
        self._clock = clock
        self._provisioner = provisioner

    async def sign_in(
        self, connection: SsoConnection, identity: ExternalIdentity, actor: Principal, ip_address: str, user_agent: str
    ) -> ExternalSignIn:
        organization_id = connection.organization_id
        email = email_of(identity, connection)
        display_name = (mapped(identity, connection.attribute_mapping.display_name) or identity.display_name or "")[
            :200
        ]
        role, group_ids = role_and_groups(connection, groups_of(identity, connection))
        async with self._store.read() as tx:
            link = await tx.find_identity_link(organization_id, identity.issuer, identity.subject)
            account = await tx.get_account(link.account_id) if link else None
            if account is None and email:
                account = await tx.find_account_by_email(email)
            membership = await tx.get_membership(organization_id, account.id) if account else None
            domain_owner = await tx.verified_domain_owner(email.rsplit("@", 1)[1]) if email else None
            ended = has_ended(await tx.organization_entitlements(organization_id))
        in_verified_domain = domain_owner == organization_id
        linked = link is not None and account is not None
        if not linked and not in_verified_domain:
            # An email is only trusted to link or create someone when the organization verified its domain.
            raise SignInRefused("domain_not_verified")
        active = membership is not None and membership.status == "active"
        if ended and not (active and membership is not None and may_enter_ended(membership.permissions)):
            # Refused up front: no account, member or seat is made, no session opened, for an organization whose
            # subscription ended; its Owners and Billing admins go on, to the read-only page.
            raise SignInRefused(ORGANIZATION_ENDED)
        member_created = False
        role_refused = ""
        if not active or role or group_ids:
            if not active and not connection.jit_provisioning:
                raise SignInRefused("not_provisioned")
            if self._provisioner is None:
                if not active:
                    raise SignInRefused("not_provisioned")
            else:
                if account is None:
                    account = await self._create_account(email or "", display_name, actor)
                try:
                    provisioned = await self._provisioner.provision(
                        organization_id=organization_id,
                        email=account.email,
                        display_name=display_name,
                        external_id=f"{identity.issuer}|{identity.subject}"[:255],
                        account_id=account.id,
                        role=role or connection.default_role,
                        group_ids=group_ids,
                        idempotency_key=f"sso:{connection.id}:{identity.subject}:{self._clock.now().isoformat()}",
                        # Only a mapped role changes an existing member's; the default is for new members.
                        role_from_mapping=bool(role),
                    )
                except FailedPrecondition as error:
                    raise SignInRefused(NO_SEAT if error.reason == NO_SEATS_AVAILABLE else "not_provisioned") from error
                except DomainError as error:
                    raise SignInRefused("not_provisioned") from error
                member_created = provisioned.created
                role_refused = provisioned.role_refused
                if membership is None or not active:
                    membership = Membership(
                        organization_id, provisioned.member_id, account.id, frozenset(), "active", 0
                    )
        assert account is not None and membership is not None
        now = self._clock.now()
        async with self._store.write() as tx:
            if link is None:
                await tx.insert_identity_link(
                    IdentityLink(connection.id, identity.issuer, identity.subject, account.id, organization_id, now)
                )
            token, session = await open_session(
                tx, account, membership, now, actor, ip_address, user_agent, method="sso", mfa_enrolled=True
            )
            session = await self._cap(tx, session, identity.session_not_on_or_after)
            await tx.record_events(
                SsoSignedIn(
                    replace(actor, actor_id=account.id, actor_display=account.email, account_id=account.id),
                    now,
                    organization_id,
                    connection.id,
                    account.id,
                    account.email,
                    identity.issuer,
                    identity.subject,
                    session.id,
                    member_created,
                    role_refused,
                )
            )
        return ExternalSignIn(token, session, member_created)

    async def _cap(self, tx: SsoTransaction, session: Session, cap: datetime | None) -> Session:
        """The IdP's SessionNotOnOrAfter shortens the session; it never lengthens it."""
        if cap is None or cap >= session.expires_at:
            return session
        await tx.cap_session_expiry(session.id, cap)
        return replace(session, expires_at=cap)

    async def _create_account(self, email: str, display_name: str, actor: Principal) -> Account:
        now = self._clock.now()
        account = Account(new_id(), email, display_name, NO_PASSWORD, "active", now)
        async with self._store.write() as tx:
            existing = await tx.find_account_by_email(email)
            if existing is not None:
                return existing
            await tx.insert_account(account)
            await tx.record_events(AccountCreated(actor, now, account))
        return account
