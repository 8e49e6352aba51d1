"""SAML sign-in: the SP-initiated start (a signed AuthnRequest bound to the browser) and the ACS, where a posted
Response passes the strict rules, the library's signature check, the InResponseTo binding and the replay cache
before anyone is signed in. Every refusal is audited with its reason; the person sees one generic message."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from lxml import etree

from services.common.clock import Clock
from services.common.errors import NotFound, Unauthenticated
from services.common.principal import Principal
from services.identity.domain.external_identity import ExternalIdentity
from services.identity.domain.organization_end import organization_ended_error
from services.identity.domain.sso import saml_rules
from services.identity.domain.sso.connections import acs_url, sp_entity_id
from services.identity.domain.sso.events import SsoSignInRejected
from services.identity.domain.sso.model import SAML, PendingSignIn, SsoConnection
from services.identity.domain.sso.ports import SamlToolkit, SsoStore
from services.identity.domain.sso.provisioning import (
    NO_SEAT,
    ORGANIZATION_ENDED,
    ExternalSignIn,
    ExternalSignInUseCase,
    SignInRefused,
)
from services.identity.domain.sso.saml_encryption import decrypt_assertion

PENDING_LIFETIME = timedelta(minutes=10)
RESPONSE_NODE = f"{saml_rules.SAMLP}:Response"
NO_SEAT_MESSAGE = "Your organization has no free seat for you; ask an administrator to free or buy one."
REFUSED = "The sign-in through your identity provider was refused. Try again from the sign-in page."


def refusal_error(reason: str) -> Unauthenticated:
    """What the browser is told of a refused SSO sign-in: why, when it is the organization's end (as a password
    sign-in says it, reason ORGANIZATION_ENDED); otherwise nothing an attacker could learn from."""
    if reason == ORGANIZATION_ENDED:
        return organization_ended_error()
    if reason == NO_SEAT:
        # The IdP vouched for the person; that the organization is full is theirs to know and to tell an admin.
        return Unauthenticated(NO_SEAT_MESSAGE, reason="NO_SEAT")
    return Unauthenticated(REFUSED, reason="SSO_RESPONSE_REJECTED")


def binding_hash(browser_binding: str) -> str:
    return hashlib.sha256(browser_binding.encode()).hexdigest()


def safe_return_to(value: str) -> str:
    """Only a local path (never another site, never `//host`)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) <= 512:
        return value
    return "/"


def verified_assertion(
    saml_response: str,
    expect: saml_rules.Expectations,
    saml: SamlToolkit,
    certificates_pem: list[str],
    decryption_keys_pem: Sequence[str] = (),
) -> saml_rules.Assertion:
    """The posted response through every rule and the signature check with the pinned certificates only. An
    encrypted assertion is decrypted with our keys in use first; a signature over the Response is checked on the
    document as posted (it covers the ciphertext), one over the Assertion on the document holding its plaintext."""
    document = saml_rules.decode_response(saml_response)
    root = saml_rules.parse(document)
    encrypted = saml_rules.encrypted_assertion(root)
    decrypted_document = document
    if encrypted is not None:
        signed_response = saml_rules.response_signature(root)
        if signed_response is not None and not saml.verify_signature(
            document, signed_response.element_id, signed_response.node_name, certificates_pem
        ):
            raise saml_rules.SamlRejected("signature", "the signature does not verify with a trusted certificate")
        decrypt_assertion(root, encrypted, decryption_keys_pem)
        decrypted_document = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    assertion = saml_rules.check_response(root, expect, decrypted=encrypted is not None)
    for signed in assertion.signed:
        source = document if signed.node_name == RESPONSE_NODE else decrypted_document
        if not saml.verify_signature(source, signed.element_id, signed.node_name, certificates_pem):
            raise saml_rules.SamlRejected("signature", "the signature does not verify with a trusted certificate")
    return assertion


@dataclass(frozen=True)
class SamlSignIn:
    result: ExternalSignIn
    return_to: str


class SamlSignInUseCases:
    def __init__(
        self,
        store: SsoStore,
        clock: Clock,
        saml: SamlToolkit,
        external: ExternalSignInUseCase,
        public_url: str,
        skew: timedelta = timedelta(seconds=60),
    ):
        self._store = store
        self._clock = clock
        self._saml = saml
        self._external = external
        self._public_url = public_url
        self._skew = skew

    async def _enabled(self, connection_id: str) -> SsoConnection | None:
        async with self._store.read() as tx:
            connection = await tx.get_connection(connection_id[:64])
        if connection is None or connection.protocol != SAML or not connection.enabled:
            return None
        return connection

    async def begin(self, connection_id: str, browser_binding: str, return_to: str) -> tuple[str, str]:
        """(redirect URL, request id): the browser goes to the IdP with a signed AuthnRequest."""
        if len(browser_binding) < 16:
            raise Unauthenticated("The browser binding is missing.", reason="NO_BROWSER_BINDING")
        connection = await self._enabled(connection_id)
        if connection is None:
            raise NotFound("No such SSO connection.")
        now = self._clock.now()
        async with self._store.write() as tx:
            keys = [key for key in await tx.sp_keys(connection.id) if key.in_use(now)]
            request = self._saml.authn_request(
                sp_entity_id=sp_entity_id(self._public_url, connection.id),
                acs_url=acs_url(self._public_url, connection.id),
                idp_sso_url=connection.idp_sso_url,
                key=keys[0],
                relay_state="",
            )
            await tx.insert_pending_sign_in(
                PendingSignIn(
                    request.request_id,
                    connection.id,
                    binding_hash(browser_binding),
                    safe_return_to(return_to),
                    now,
                    now + PENDING_LIFETIME,
                )
            )
        return request.redirect_url, request.request_id

    async def complete(
        self,
        connection_id: str,
        saml_response: str,
        browser_binding: str,
        actor: Principal,
        ip_address: str = "",
        user_agent: str = "",
    ) -> SamlSignIn:
        connection = await self._enabled(connection_id)
        if connection is None:
            await self._reject(actor, None, connection_id, "disabled")
        assert connection is not None
        try:
            assertion, return_to = await self._accept(connection, saml_response, browser_binding)
            identity = ExternalIdentity(
                connection_id=connection.id,
                issuer=assertion.issuer,
                subject=assertion.name_id,
                email=assertion.name_id if "@" in assertion.name_id else None,
                email_verified=False,
                display_name=None,
                attributes=assertion.attributes,
                session_not_on_or_after=assertion.session_not_on_or_after,
            )
            result = await self._external.sign_in(connection, identity, actor, ip_address, user_agent)
        except saml_rules.SamlRejected as rejected:
            await self._reject(actor, connection, connection.id, rejected.reason)
            raise AssertionError("unreachable") from None
        except SignInRefused as refused:
            await self._reject(actor, connection, connection.id, refused.reason)
            raise AssertionError("unreachable") from None
        return SamlSignIn(result, return_to)

    async def _accept(
        self, connection: SsoConnection, saml_response: str, browser_binding: str
    ) -> tuple[saml_rules.Assertion, str]:
        now = self._clock.now()
        expect = saml_rules.Expectations(
            acs_url=acs_url(self._public_url, connection.id),
            sp_entity_id=sp_entity_id(self._public_url, connection.id),
            idp_entity_id=connection.idp_entity_id,
            now=now,
            skew=self._skew,
            require_encryption=connection.require_encrypted_assertions,
        )
        async with self._store.read() as tx:
            keys = [key for key in await tx.sp_keys(connection.id) if key.in_use(now)]
        assertion = verified_assertion(
            saml_response,
            expect,
            self._saml,
            [c.certificate_pem for c in connection.certificates],
            [key.private_key_pem for key in keys],
        )
        return_to = "/"
        async with self._store.write() as tx:
            if assertion.in_response_to:
                pending = await tx.use_pending_sign_in(assertion.in_response_to[:64], now)
                if (
                    pending is None
                    or pending.connection_id != connection.id
                    or pending.expires_at <= now
                    or pending.browser_binding_hash != binding_hash(browser_binding)
                ):
                    raise saml_rules.SamlRejected("in_response_to", "not a request this browser started")
                return_to = pending.return_to
            elif not connection.idp_initiated_enabled:
                raise saml_rules.SamlRejected("in_response_to", "IdP-initiated sign-in is off for this connection")
            for message_id in (assertion.response_id, assertion.assertion_id):
                if not await tx.remember_message_id(
                    assertion.issuer[:512], message_id[:256], assertion.replay_expires_at, now
                ):
                    raise saml_rules.SamlRejected("replay", "this response was already used")
        return assertion, return_to

    async def _reject(
        self, actor: Principal, connection: SsoConnection | None, connection_id: str, reason: str
    ) -> None:
        now = self._clock.now()
        organization_id = connection.organization_id if connection else ""
        async with self._store.write() as tx:
            await tx.record_events(
                SsoSignInRejected(
                    replace(actor, organization_id=organization_id),
                    now,
                    organization_id,
                    connection_id[:64],
                    SAML,
                    reason,
                )
            )
        raise refusal_error(reason)
