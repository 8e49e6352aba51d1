"""Identity's use cases, one object per area, wired once for the servicer, the consumers and the tests."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.clock import Clock
from services.identity.domain.accounts import AccountUseCases
from services.identity.domain.api_keys import ApiKeyUseCases
from services.identity.domain.authentication import AuthenticationUseCases
from services.identity.domain.credentials import CredentialUseCases
from services.identity.domain.lockout import LockoutPolicy
from services.identity.domain.ports import (
    IdentityStore,
    InvitationChecker,
    MembershipDirectory,
    PrincipalMinter,
    ResetLinkComposer,
)
from services.identity.domain.security_policy import SecurityPolicyUseCases
from services.identity.domain.sessions import SessionUseCases
from services.identity.domain.sign_in import SignInUseCases


@dataclass(frozen=True)
class IdentityUseCases:
    accounts: AccountUseCases
    sign_in: SignInUseCases
    authentication: AuthenticationUseCases
    sessions: SessionUseCases
    credentials: CredentialUseCases
    api_keys: ApiKeyUseCases
    security_policy: SecurityPolicyUseCases

    @classmethod
    def wire(
        cls,
        store: IdentityStore,
        clock: Clock,
        minter: PrincipalMinter,
        *,
        link_key: bytes,
        lockout: LockoutPolicy | None = None,
        invitations: InvitationChecker | None = None,
        reset_links: ResetLinkComposer | None = None,
        memberships: MembershipDirectory | None = None,
    ) -> IdentityUseCases:
        """`link_key` derives the tokens of emailed links; the same on every replica. `memberships` is membership's
        own word, asked when the projection lags behind a new member."""
        sign_in = SignInUseCases(store, clock, lockout, memberships)
        return cls(
            accounts=AccountUseCases(store, clock, invitations),
            sign_in=sign_in,
            authentication=AuthenticationUseCases(store, clock, minter, memberships),
            sessions=SessionUseCases(store, clock),
            credentials=CredentialUseCases(store, clock, sign_in, link_key, reset_links),
            api_keys=ApiKeyUseCases(store, clock),
            security_policy=SecurityPolicyUseCases(store, clock),
        )
