"""Invitation links. The token is an HMAC of the invitation id and its version under the service's secret:
nothing secret is stored or published, and resending (a new version) retires the old link."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

from services.membership.domain.model import Invitation


def invitation_token(secret: str, invitation_id: str, token_version: int) -> str:
    digest = hmac.new(
        hashlib.sha256(("invitation:" + secret).encode()).digest(),
        f"{invitation_id}:{token_version}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_matches(secret: str, invitation: Invitation, token: str) -> bool:
    expected = invitation_token(secret, invitation.id, invitation.token_version)
    return hmac.compare_digest(expected, token)


def invitation_link(public_url: str, secret: str, invitation: Invitation) -> str:
    query = urlencode(
        {"invitation": invitation.id, "token": invitation_token(secret, invitation.id, invitation.token_version)}
    )
    return f"{public_url.rstrip('/')}/accept-invitation?{query}"


def invitation_email_text(organization_name: str, inviter: str, link: str, expires: str) -> str:
    return (
        f"Hello,\n\n{inviter or 'An administrator'} invited you to join {organization_name} on Tenantry.\n\n"
        f"Accept the invitation: {link}\n\nThe link works until {expires} (UTC).\n"
    )
