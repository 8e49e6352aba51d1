"""Accounts: created by operators, or by an invited person through membership's invitation link."""

from __future__ import annotations

import json
from dataclasses import replace

from services.common.clock import Clock
from services.common.errors import AlreadyExists, FailedPrecondition, PermissionDenied
from services.common.ids import new_id
from services.common.people import clean_display_name, normalise_email
from services.common.permissions import PLATFORM_ACCOUNTS_CREATE
from services.common.principal import Principal
from services.identity.domain import passwords
from services.identity.domain.events import AccountCreated
from services.identity.domain.model import Account
from services.identity.domain.ports import IdentityStore, InvitationChecker
from services.identity.domain.security_policy import check_new_password

# Held by operators' tools (through platform.admin) and bootstrap tools; never part of a role.


class AccountUseCases:
    def __init__(self, store: IdentityStore, clock: Clock, invitations: InvitationChecker | None = None):
        self._store = store
        self._clock = clock
        self._invitations = invitations

    async def create_account(
        self, principal: Principal, *, email: str, password: str, display_name: str = "", idempotency_key: str = ""
    ) -> Account:
        if not principal.has(PLATFORM_ACCOUNTS_CREATE):
            raise PermissionDenied("Only operators may create accounts directly.", reason="MISSING_PERMISSION")
        normalized = normalise_email(email)
        passwords.check_password_rules(password)
        name = clean_display_name(display_name)
        if idempotency_key:
            async with self._store.read() as tx:
                stored = await tx.load_idempotent("", "CreateAccount", idempotency_key)
                if stored is not None:
                    account = await tx.get_account(json.loads(stored)["account_id"])
                    if account is not None:
                        return account
        return await self._insert_account(principal, normalized, password, name, idempotency_key)

    async def register_invited_account(
        self, *, invitation_id: str, invitation_token: str, password: str, display_name: str, actor: Principal
    ) -> Account:
        """An invited person creates their account; membership vouches for the link, its email and organization."""
        if self._invitations is None:
            raise FailedPrecondition("Invitations cannot be checked from here.", reason="NO_MEMBERSHIP_LINK")
        passwords.check_password_rules(password)
        name = clean_display_name(display_name)
        invited = await self._invitations.invitation(invitation_id, invitation_token)
        email = normalise_email(invited.email)
        async with self._store.read() as tx:
            policy = await tx.get_policy(invited.organization_id)
        check_new_password(password, policy, email, invited.admin)
        return await self._insert_account(replace(actor, actor_display=email), email, password, name)

    async def _insert_account(
        self, principal: Principal, email: str, password: str, display_name: str, idempotency_key: str = ""
    ) -> Account:
        password_hash = await passwords.hash_password(password)
        now = self._clock.now()
        account = Account(new_id(), email, display_name, password_hash, "active", now)
        async with self._store.write() as tx:
            if await tx.find_account_by_email(email) is not None:
                raise AlreadyExists("An account with this email exists; sign in instead.", reason="ACCOUNT_EXISTS")
            await tx.insert_account(account)
            await tx.record_events(AccountCreated(principal, now, account))
            if idempotency_key:
                await tx.save_idempotent(
                    "", "CreateAccount", idempotency_key, json.dumps({"account_id": account.id}).encode()
                )
        return account
