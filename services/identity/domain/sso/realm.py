"""Home-realm discovery: the email typed on the sign-in page says where the person signs in."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import InvalidArgument
from services.common.people import normalise_email
from services.identity.domain.sso.ports import SsoStore


@dataclass(frozen=True)
class Realm:
    """Empty connection_id: a password."""

    connection_id: str = ""
    organization_id: str = ""
    protocol: str = ""


class RealmDiscovery:
    def __init__(self, store: SsoStore):
        self._store = store

    async def discover(self, email: str) -> Realm:
        try:
            domain = normalise_email(email).rsplit("@", 1)[1]
        except (InvalidArgument, IndexError):
            return Realm()
        async with self._store.read() as tx:
            organization_id = await tx.verified_domain_owner(domain)
            if organization_id is None:
                return Realm()
            connections = await tx.list_connections(organization_id)
        enabled = [c for c in connections if c.enabled]
        if not enabled:
            return Realm()
        return Realm(enabled[0].id, organization_id, enabled[0].protocol)
