"""OIDC sign-in, the relying party's two steps: begin (a pending login, the authorization URL) and complete (the
callback: the pending login used once by the browser that started it, the code exchanged with its PKCE
verifier, the ID token and UserInfo checked) ending with the ExternalIdentity the shared SSO sign-in consumes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode, urlsplit

from services.common.clock import Clock
from services.common.principal import Principal
from services.identity.domain.external_identity import ExternalIdentity
from services.identity.domain.oidc import (
    DEFAULT_ALGORITHMS,
    LOGIN_LIFETIME,
    MAPPING_PRESETS,
    ClaimMapping,
    OidcConnection,
    OidcSignInRefused,
    PendingOidcLogin,
    check_authorization_response,
    check_id_token_claims,
    check_userinfo_subject,
    digest,
    external_identity,
    new_login_secrets,
    safe_return_to,
)
from services.identity.domain.ports import OidcConnections, OidcLoginStore, OidcProviders
from services.identity.domain.sso.events import SsoSignInRejected
from services.identity.domain.sso.model import OIDC, SsoConnection
from services.identity.domain.sso.ports import SsoStore
from services.identity.domain.sso.provisioning import ExternalSignIn, ExternalSignInUseCase, SignInRefused
from services.identity.domain.sso.saml_sign_in import refusal_error


@dataclass(frozen=True)
class OidcCompletion:
    identity: ExternalIdentity
    organization_id: str
    return_to: str


class OidcSignIn:
    def __init__(
        self,
        store: OidcLoginStore,
        providers: OidcProviders,
        connections: OidcConnections,
        clock: Clock,
        allowed_return_origins: tuple[str, ...] = (),
    ) -> None:
        self._store = store
        self._providers = providers
        self._connections = connections
        self._clock = clock
        self._allowed_return_origins = allowed_return_origins

    async def begin(self, connection: OidcConnection, binding: str, return_to: str = "/") -> str:
        """The IdP's authorization URL for a sign-in by the browser holding `binding` (a cookie value)."""
        if len(binding) < 32:
            raise OidcSignInRefused("The browser binding is missing or too short.")
        destination = safe_return_to(return_to, self._allowed_return_origins)
        metadata = await self._providers.provider(connection).metadata()
        secrets = new_login_secrets()
        now = self._clock.now()
        async with self._store.write() as tx:
            await tx.insert_oidc_login(
                PendingOidcLogin(
                    state_hash=digest(secrets.state),
                    binding_hash=digest(binding),
                    connection_id=connection.connection_id,
                    nonce=secrets.nonce,
                    code_verifier=secrets.code_verifier,
                    return_to=destination,
                    created_at=now,
                    expires_at=now + LOGIN_LIFETIME,
                )
            )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": connection.client_id,
                "redirect_uri": connection.redirect_uri,
                "scope": " ".join(connection.scopes),
                "state": secrets.state,
                "nonce": secrets.nonce,
                "code_challenge": secrets.code_challenge,
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return f"{metadata.authorization_endpoint}{separator}{query}"

    async def complete(self, params: Mapping[str, str], binding: str) -> OidcCompletion:
        """The person the IdP vouches for, from the callback's query and the browser's binding cookie."""
        state = params.get("state", "")
        if not state or not binding:
            raise OidcSignInRefused("The callback has no state or the browser no binding.")
        # Used up before anything else: a replayed or failed callback can never be tried again.
        async with self._store.write() as tx:
            login = await tx.consume_oidc_login(digest(state), digest(binding), self._clock.now())
        if login is None:
            raise OidcSignInRefused("No pending sign-in for this state and browser (unknown, used or expired).")
        connection = await self._connections.oidc_connection(login.connection_id)
        if connection is None:
            raise OidcSignInRefused("The connection of this sign-in no longer exists.")
        provider = self._providers.provider(connection)
        metadata = await provider.metadata()
        code = check_authorization_response(params, connection.issuer, metadata.iss_parameter_supported)
        tokens = await provider.exchange_code(code, login.code_verifier)
        claims = await provider.verified_claims(tokens.id_token)
        check_id_token_claims(claims, connection, login.nonce, self._clock.now())
        userinfo = None
        if connection.use_userinfo and metadata.userinfo_endpoint and tokens.access_token:
            userinfo = await provider.userinfo(tokens.access_token)
            check_userinfo_subject(userinfo, str(claims["sub"]))
        return OidcCompletion(
            identity=external_identity(connection, claims, userinfo),
            organization_id=connection.organization_id,
            return_to=login.return_to,
        )


async def forget_expired_oidc_logins(store: OidcLoginStore, clock: Clock) -> int:
    """Deletes sign-ins begun and never completed once expired (a bounded batch a pass); how many went."""
    async with store.write() as tx:
        return await tx.delete_expired_oidc_logins(clock.now())


# --- OIDC connections of the SSO base ------------------------------------------------------------------------------

OIDC_CALLBACK_PATH = "/sso/oidc/callback"
DEFAULT_SCOPES = ("openid", "email", "profile")


def oidc_redirect_uri(public_url: str) -> str:
    """One callback for every connection (the state names the sign-in); from the public URL, never a Host header."""
    return f"{public_url.rstrip('/')}{OIDC_CALLBACK_PATH}"


def oidc_connection_of(connection: SsoConnection, public_url: str) -> OidcConnection:
    """What the relying party needs of an SSO connection: the claim mapping is the connection's attribute mapping
    (a preset filled it at creation), falling back to the standard claims."""
    mapping = connection.attribute_mapping
    preset = MAPPING_PRESETS.get(connection.preset, ClaimMapping())
    return OidcConnection(
        connection_id=connection.id,
        organization_id=connection.organization_id,
        issuer=connection.oidc_issuer,
        client_id=connection.oidc_client_id,
        client_secret=connection.oidc_client_secret,
        redirect_uri=oidc_redirect_uri(public_url),
        scopes=tuple(connection.oidc_scopes) or DEFAULT_SCOPES,
        allowed_algorithms=tuple(connection.oidc_allowed_algorithms) or DEFAULT_ALGORITHMS,
        mapping=replace(
            preset,
            email=mapping.email or preset.email,
            display_name=mapping.display_name or preset.display_name,
            groups=mapping.groups or preset.groups,
        ),
    )


def trusted_identity(identity: ExternalIdentity, mapping: ClaimMapping) -> ExternalIdentity:
    """An email the IdP did not verify must neither link nor create anyone: it is dropped (the person is then
    known by (issuer, subject) only)."""
    if identity.email_verified:
        return identity
    attributes = {name: values for name, values in identity.attributes.items() if name != mapping.email}
    return replace(identity, email=None, attributes=attributes)


class SsoOidcConnections:
    """The enabled OIDC connections of the SSO store, as the relying party reads them."""

    def __init__(self, store: SsoStore, public_url: str) -> None:
        self._store = store
        self._public_url = public_url

    async def oidc_connection(self, connection_id: str) -> OidcConnection | None:
        async with self._store.read() as tx:
            connection = await tx.get_connection(connection_id[:64])
        if connection is None or connection.protocol != OIDC or not connection.enabled:
            return None
        return oidc_connection_of(connection, self._public_url)


@dataclass(frozen=True)
class OidcSsoSignInResult:
    result: ExternalSignIn
    return_to: str


class OidcSsoSignIn:
    """BeginSignIn and CompleteOidcSignIn for OIDC connections: the relying party's checks, then the shared SSO
    sign-in (link by (issuer, subject), JIT, session, `sso.sign_in`). Every refusal is audited with its reason."""

    def __init__(
        self,
        store: SsoStore,
        logins: OidcLoginStore,
        providers: OidcProviders,
        clock: Clock,
        external: ExternalSignInUseCase,
        public_url: str,
    ) -> None:
        self._store = store
        self._clock = clock
        self._external = external
        self._connections = SsoOidcConnections(store, public_url)
        self._relying_party = OidcSignIn(logins, providers, self._connections, clock)

    async def begin(self, connection_id: str, browser_binding: str, return_to: str) -> tuple[str, str] | None:
        """(redirect URL, state); None when the connection is no enabled OIDC connection (SAML handles it)."""
        connection = await self._connections.oidc_connection(connection_id)
        if connection is None:
            return None
        url = await self._relying_party.begin(connection, browser_binding, return_to or "/")
        return url, parse_qs(urlsplit(url).query)["state"][0]

    async def complete(
        self, params: Mapping[str, str], browser_binding: str, actor: Principal, ip_address: str, user_agent: str
    ) -> OidcSsoSignInResult:
        try:
            completion = await self._relying_party.complete(params, browser_binding)
        except OidcSignInRefused as refused:
            await self._reject(actor, None, refused.message)
            raise AssertionError("unreachable") from None
        async with self._store.read() as tx:
            connection = await tx.get_connection(completion.identity.connection_id)
        if connection is None:
            await self._reject(actor, None, "connection removed during the sign-in")
        assert connection is not None
        identity = trusted_identity(completion.identity, oidc_connection_of(connection, "").mapping)
        try:
            result = await self._external.sign_in(connection, identity, actor, ip_address, user_agent)
        except SignInRefused as refused:
            await self._reject(actor, connection, refused.reason)
        return OidcSsoSignInResult(result, completion.return_to)

    async def _reject(self, actor: Principal, connection: SsoConnection | None, reason: str) -> None:
        now = self._clock.now()
        organization_id = connection.organization_id if connection else ""
        async with self._store.write() as tx:
            await tx.record_events(
                SsoSignInRejected(
                    replace(actor, organization_id=organization_id),
                    now,
                    organization_id,
                    connection.id if connection else "",
                    OIDC,
                    reason[:200],
                )
            )
        raise refusal_error(reason)
