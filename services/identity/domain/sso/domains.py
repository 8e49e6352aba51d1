"""Email domains an organization claims and proves by a DNS TXT record; only verified domains route sign-ins
(realm discovery) and let SSO link or create members."""

from __future__ import annotations

import secrets
from dataclasses import replace

from services.common.clock import Clock
from services.common.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from services.common.permissions import SECURITY_MANAGE
from services.common.principal import Principal
from services.identity.domain.sso.events import SsoDomainChanged
from services.identity.domain.sso.model import DOMAIN_PENDING, DOMAIN_VERIFIED, SsoDomain
from services.identity.domain.sso.ports import DnsResolver, SsoStore

TXT_RECORD_PREFIX = "_tenantry-challenge"
TXT_VALUE_PREFIX = "tenantry-domain-verification="


def txt_record_name(domain: str) -> str:
    return f"{TXT_RECORD_PREFIX}.{domain}"


def txt_record_value(domain: SsoDomain) -> str:
    return f"{TXT_VALUE_PREFIX}{domain.token}"


def normalise_domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    if (
        not ascii_domain
        or len(ascii_domain) > 253
        or len(labels) < 2
        or any(not label or len(label) > 63 or label.startswith("-") or label.endswith("-") for label in labels)
        or not all(c.isalnum() or c in "-." for c in ascii_domain)
    ):
        raise InvalidArgument("Give a domain name such as acme.com.", [FieldViolation("domain", "not a domain name")])
    return ascii_domain


class DomainUseCases:
    def __init__(self, store: SsoStore, clock: Clock, resolver: DnsResolver):
        self._store = store
        self._clock = clock
        self._resolver = resolver

    async def add(self, principal: Principal, value: str) -> SsoDomain:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        domain = SsoDomain(
            principal.organization_id, normalise_domain(value), DOMAIN_PENDING, secrets.token_hex(16), now
        )
        async with self._store.write() as tx:
            if not await tx.insert_domain(domain):
                existing = await tx.get_domain(principal.organization_id, domain.domain)
                if existing is not None:
                    return existing
                raise AlreadyExists("The domain is already claimed.")
            await tx.record_events(SsoDomainChanged(principal, now, "added", None, domain))
        return domain

    async def list(self, principal: Principal) -> list[SsoDomain]:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        async with self._store.read() as tx:
            return await tx.list_domains(principal.organization_id)

    async def verify(self, principal: Principal, value: str) -> SsoDomain:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        name = normalise_domain(value)
        async with self._store.read() as tx:
            domain = await tx.get_domain(principal.organization_id, name)
        if domain is None:
            raise NotFound("The organization has not claimed this domain.")
        if domain.state == DOMAIN_VERIFIED:
            return domain
        records = await self._resolver.txt_records(txt_record_name(domain.domain))
        if txt_record_value(domain) not in records:
            return domain
        async with self._store.write() as tx:
            if not await tx.mark_domain_verified(principal.organization_id, domain.domain, now):
                raise AlreadyExists("Another organization has verified this domain.", reason="DOMAIN_TAKEN")
            after = replace(domain, state=DOMAIN_VERIFIED, verified_at=now)
            await tx.record_events(SsoDomainChanged(principal, now, "verified", domain, after))
        return after

    async def remove(self, principal: Principal, value: str) -> None:
        principal.authorize(SECURITY_MANAGE, principal.organization_id)
        now = self._clock.now()
        principal.require_recent_authentication(now)
        name = normalise_domain(value)
        async with self._store.write() as tx:
            domain = await tx.get_domain(principal.organization_id, name)
            if domain is None or not await tx.delete_domain(principal.organization_id, name):
                raise NotFound("The organization has not claimed this domain.")
            await tx.record_events(SsoDomainChanged(principal, now, "removed", domain, None))
