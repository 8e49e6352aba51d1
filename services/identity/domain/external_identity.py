"""A person as an identity provider vouched for them: the one shape a SAML or an OIDC sign-in produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ExternalIdentity:
    """Who the IdP says signed in, keyed by (issuer, subject), never by email."""

    connection_id: str
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    display_name: str | None
    groups: tuple[str, ...] = ()
    # Every other attribute or claim the IdP sent, by name (attribute mapping reads from here).
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The IdP's cap on the session (SAML SessionNotOnOrAfter); None when it set none.
    session_not_on_or_after: datetime | None = None
