"""Identity's unit of work: one transaction made of the query groups of each area (the only SQL of this
service lives in those modules)."""

from __future__ import annotations

from collections.abc import Callable

from tenantry.events.v1 import envelope_pb2

from services.common.clock import Clock
from services.common.db import Database
from services.common.mail_outbox import MailOutboxQueries
from services.common.messaging import Outbox
from services.common.secret_box import SecretBox
from services.common.store import OutboxStore, OutboxTransaction
from services.identity.domain.events import DomainEvent
from services.identity.store.accounts import AccountQueries
from services.identity.store.api_keys import ApiKeyQueries
from services.identity.store.deletion import OrganizationDeletionQueries
from services.identity.store.factors import FactorQueries
from services.identity.store.memberships import MembershipQueries
from services.identity.store.oidc_logins import OidcLoginQueries
from services.identity.store.policies import PolicyQueries
from services.identity.store.scim_tokens import ScimTokenQueries
from services.identity.store.sessions import SessionQueries
from services.identity.store.sso import SsoQueries
from services.identity.store.tables import idempotency_keys, mail_outbox


class SqlIdentityTransaction(
    AccountQueries,
    SessionQueries,
    FactorQueries,
    ApiKeyQueries,
    ScimTokenQueries,
    PolicyQueries,
    MembershipQueries,
    OidcLoginQueries,
    SsoQueries,
    OrganizationDeletionQueries,
    MailOutboxQueries,
    OutboxTransaction,
):
    idempotency_keys = idempotency_keys
    mail_outbox = mail_outbox


class SqlIdentityStore(OutboxStore[SqlIdentityTransaction]):
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Clock,
        to_envelope: Callable[[DomainEvent], envelope_pb2.Envelope],
        secret_box: SecretBox | None = None,
    ):
        """`secret_box` seals secrets at rest (the service's data keys); without one, a key that lives as long
        as the store (tests)."""
        box = secret_box or SecretBox.ephemeral()
        transactions = type("SqlIdentityTransaction", (SqlIdentityTransaction,), {"secret_box": box})
        super().__init__(transactions, db, outbox, clock, to_envelope)
