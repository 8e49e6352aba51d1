"""OpenID Connect relying-party rules, pure: which signing algorithms an IdP may use, what a pending login holds,
how the authorization response, the discovery document, the ID token's header and claims and the UserInfo answer
are checked, and how claims become an ExternalIdentity. No I/O here: the adapter fetches, this module decides."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from services.common.errors import InvalidArgument, Unauthenticated
from services.identity.domain.external_identity import ExternalIdentity

# Asymmetric algorithms only: we verify with the IdP's published public keys, so a symmetric (HS*) algorithm
# would let anyone holding the public key forge tokens (key confusion), and `none` is no signature at all.
SUPPORTED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
DEFAULT_ALGORITHMS = ("RS256",)
# Header parameters that would let the token name its own verification key; never honoured.
FORBIDDEN_HEADER_PARAMETERS = frozenset({"jwk", "jku", "x5u", "x5c"})
LOGIN_LIFETIME = timedelta(minutes=10)
CLOCK_SKEW = timedelta(seconds=60)
# 256 bits of CSPRNG output for state, nonce, PKCE verifier and browser binding (at least 128 are required).
SECRET_BYTES = 32


class OidcSignInRefused(Unauthenticated):
    """The IdP's answer failed a check. The message says which, for the log; callers show one generic page."""

    reason = "SSO_SIGN_IN_REFUSED"


def check_algorithm_allow_list(algorithms: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The per-IdP allow-list as configured: non-empty, asymmetric, never `none` nor HS*."""
    if not algorithms:
        raise InvalidArgument("At least one signing algorithm must be allowed.")
    refused = sorted(a for a in algorithms if a not in SUPPORTED_ALGORITHMS)
    if refused:
        raise InvalidArgument(
            f"Signing algorithms {', '.join(refused)} are not allowed; choose from "
            f"{', '.join(sorted(SUPPORTED_ALGORITHMS))} (never none nor HS*)."
        )
    return tuple(dict.fromkeys(algorithms))


@dataclass(frozen=True)
class ClaimMapping:
    """Which claims carry the person's email, name and groups (an IdP may name them its own way)."""

    email: str = "email"
    email_verified: str = "email_verified"
    display_name: str = "name"
    groups: str = "groups"
    # Some IdPs (Entra ID) send no email_verified: they only issue addresses of their own tenant's users.
    email_always_verified: bool = False


MAPPING_PRESETS: Mapping[str, ClaimMapping] = {
    "generic": ClaimMapping(),
    # Entra ID: `email` when the optional claim is configured, `groups` as object ids, no `email_verified`.
    "entra_id": ClaimMapping(email="email", display_name="name", groups="groups", email_always_verified=True),
    "okta": ClaimMapping(email="email", display_name="name", groups="groups"),
    # Google Workspace has no groups claim in its ID token.
    "google": ClaimMapping(email="email", display_name="name", groups=""),
}


@dataclass(frozen=True)
class OidcConnection:
    """What we know about one OIDC IdP of an organization."""

    connection_id: str
    organization_id: str
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    allowed_algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    mapping: ClaimMapping = field(default_factory=ClaimMapping)
    # Fetch UserInfo too (its `sub` must then be the ID token's).
    use_userinfo: bool = True


@dataclass(frozen=True)
class PendingOidcLogin:
    """A sign-in started and not yet completed; used once, by the browser that started it, before it expires."""

    state_hash: str
    binding_hash: str
    connection_id: str
    nonce: str
    code_verifier: str
    return_to: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LoginSecrets:
    state: str
    nonce: str
    code_verifier: str

    @property
    def code_challenge(self) -> str:
        """PKCE S256 (RFC 7636 §4.2); plain is never used."""
        return pkce_s256(self.code_verifier)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def new_login_secrets() -> LoginSecrets:
    return LoginSecrets(state=new_secret(), nonce=new_secret(), code_verifier=new_secret())


def digest(value: str) -> str:
    """How state and browser binding are stored: their SHA-256, never the value."""
    return hashlib.sha256(value.encode()).hexdigest()


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def safe_return_to(value: str, allowed_origins: tuple[str, ...] = ()) -> str:
    """Where to send the person after sign-in: a path of ours, or a URL on an allowed origin; anything else
    (another host, `//host`, a backslash trick, a scheme) is refused rather than silently replaced."""
    if not value:
        return "/"
    if any(ord(c) < 0x20 or c == "\\" for c in value):
        raise InvalidArgument("return_to is not an allowed address.")
    parts = urlsplit(value)
    if not parts.scheme and not parts.netloc and value.startswith("/") and not value.startswith("//"):
        return value
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.scheme in ("http", "https") and parts.netloc and origin in allowed_origins:
        return value
    raise InvalidArgument("return_to is not an allowed address.")


def check_discovery_issuer(document: Mapping[str, Any], configured_issuer: str) -> None:
    """The discovery document must name exactly the issuer we configured (OpenID Discovery §4.3)."""
    if document.get("issuer") != configured_issuer:
        raise OidcSignInRefused("The discovery document names another issuer.")


def check_authorization_response(
    params: Mapping[str, str], configured_issuer: str, iss_parameter_supported: bool
) -> str:
    """The code of a successful authorization response; RFC 9207 `iss` must be ours when present, and present
    when the IdP says it sends it (mix-up defence)."""
    if "error" in params:
        raise OidcSignInRefused(f"The identity provider answered with an error: {params['error'][:100]}.")
    iss = params.get("iss")
    if iss is not None and iss != configured_issuer:
        raise OidcSignInRefused("The authorization response comes from another issuer (RFC 9207).")
    if iss is None and iss_parameter_supported:
        raise OidcSignInRefused("The authorization response lacks its issuer (RFC 9207).")
    code = params.get("code", "")
    if not code:
        raise OidcSignInRefused("The authorization response has no code.")
    return code


def check_token_header(header: Mapping[str, Any], allowed_algorithms: tuple[str, ...]) -> str:
    """The `alg` of a signed ID token, if allowed for this IdP; the token never chooses its own key."""
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed_algorithms or alg not in SUPPORTED_ALGORITHMS:
        raise OidcSignInRefused(f"ID token algorithm {str(alg)[:20]!r} is not allowed for this identity provider.")
    if FORBIDDEN_HEADER_PARAMETERS & set(header):
        raise OidcSignInRefused("ID token header names its own key (jwk, jku, x5u or x5c).")
    return alg


def _timestamp(claims: Mapping[str, Any], name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OidcSignInRefused(f"ID token has no valid `{name}`.")
    return int(value)


def check_id_token_claims(
    claims: Mapping[str, Any], connection: OidcConnection, nonce: str, now: datetime, skew: timedelta = CLOCK_SKEW
) -> None:
    """OpenID Connect Core §3.1.3.7 for a verified token's claims."""
    if claims.get("iss") != connection.issuer:
        raise OidcSignInRefused("ID token issuer is not the connection's.")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if connection.client_id not in audiences:
        raise OidcSignInRefused("ID token is not meant for us (aud).")
    azp = claims.get("azp")
    if len(audiences) > 1 and azp is None:
        raise OidcSignInRefused("ID token has several audiences and no azp.")
    if azp is not None and azp != connection.client_id:
        raise OidcSignInRefused("ID token was issued to another party (azp).")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise OidcSignInRefused("ID token has no valid subject.")
    issued_at = _timestamp(claims, "iat")
    expires = _timestamp(claims, "exp")
    moment = int(now.timestamp())
    if expires <= moment - int(skew.total_seconds()):
        raise OidcSignInRefused("ID token has expired.")
    if issued_at > moment + int(skew.total_seconds()):
        raise OidcSignInRefused("ID token is issued in the future.")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not secrets.compare_digest(token_nonce.encode(), nonce.encode()):
        raise OidcSignInRefused("ID token nonce does not match the sign-in's.")


def check_userinfo_subject(userinfo: Mapping[str, Any], subject: str) -> None:
    """UserInfo must describe the person of the ID token (Core §5.3.2), else it could be another person's."""
    if userinfo.get("sub") != subject:
        raise OidcSignInRefused("UserInfo describes another subject.")


def _values(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v is not None)
    return (str(value),)


def _verified(value: Any) -> bool:
    # Only a real true (or the string "true" some IdPs send) counts; anything else is unverified.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def external_identity(
    connection: OidcConnection, claims: Mapping[str, Any], userinfo: Mapping[str, Any] | None = None
) -> ExternalIdentity:
    """The person the ID token (completed by UserInfo, never overriding it) vouches for, keyed by (iss, sub)."""
    merged: dict[str, Any] = {**(userinfo or {}), **claims}
    mapping = connection.mapping
    email_values = _values(merged.get(mapping.email))
    email = email_values[0] if email_values else None
    names = _values(merged.get(mapping.display_name))
    groups = _values(merged.get(mapping.groups)) if mapping.groups else ()
    verified = email is not None and (mapping.email_always_verified or _verified(merged.get(mapping.email_verified)))
    return ExternalIdentity(
        connection_id=connection.connection_id,
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=email,
        email_verified=verified,
        display_name=names[0] if names else None,
        groups=groups,
        attributes={name: _values(value) for name, value in sorted(merged.items())},
    )
