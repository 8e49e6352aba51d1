"""SSO's use cases, wired once for the servicer and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from services.common.clock import Clock
from services.identity.domain.oidc_sign_in import OidcSsoSignIn
from services.identity.domain.ports import OidcProviders
from services.identity.domain.sso.connections import ConnectionUseCases
from services.identity.domain.sso.domains import DomainUseCases
from services.identity.domain.sso.metadata_refresh import MetadataRefresh
from services.identity.domain.sso.policy import SsoPolicyUseCases
from services.identity.domain.sso.ports import (
    DnsResolver,
    Entitlements,
    MemberProvisioner,
    MetadataFetcher,
    SamlToolkit,
    SsoStore,
)
from services.identity.domain.sso.provisioning import ExternalSignInUseCase
from services.identity.domain.sso.realm import RealmDiscovery
from services.identity.domain.sso.saml_sign_in import SamlSignInUseCases
from services.identity.domain.sso.sp_keys import DEFAULT_OVERLAP, SpKeyUseCases


@dataclass(frozen=True)
class SsoUseCases:
    connections: ConnectionUseCases
    domains: DomainUseCases
    policy: SsoPolicyUseCases
    realm: RealmDiscovery
    external: ExternalSignInUseCase
    saml: SamlSignInUseCases
    sp_keys: SpKeyUseCases
    public_url: str
    # OIDC sign-in; None when the service runs without an HTTP client for identity providers.
    oidc: OidcSsoSignIn | None = None
    # The scheduled IdP metadata refresh; None without a metadata fetcher.
    metadata_refresh: MetadataRefresh | None = None

    @classmethod
    def wire(
        cls,
        store: SsoStore,
        clock: Clock,
        *,
        saml: SamlToolkit,
        resolver: DnsResolver,
        entitlements: Entitlements,
        public_url: str,
        provisioner: MemberProvisioner | None = None,
        metadata_fetcher: MetadataFetcher | None = None,
        clock_skew: timedelta = timedelta(seconds=60),
        oidc_providers: OidcProviders | None = None,
        sp_key_overlap: timedelta = DEFAULT_OVERLAP,
    ) -> SsoUseCases:
        external = ExternalSignInUseCase(store, clock, provisioner)
        return cls(
            connections=ConnectionUseCases(store, clock, saml, entitlements, public_url, metadata_fetcher),
            domains=DomainUseCases(store, clock, resolver),
            policy=SsoPolicyUseCases(store, clock),
            realm=RealmDiscovery(store),
            external=external,
            saml=SamlSignInUseCases(store, clock, saml, external, public_url, clock_skew),
            sp_keys=SpKeyUseCases(store, clock, saml, public_url, sp_key_overlap),
            public_url=public_url,
            oidc=oidc_sign_in(store, clock, external, public_url, oidc_providers),
            metadata_refresh=MetadataRefresh(store, clock, saml, metadata_fetcher) if metadata_fetcher else None,
        )


def oidc_sign_in(
    store: SsoStore, clock: Clock, external: ExternalSignInUseCase, public_url: str, providers: OidcProviders | None
) -> OidcSsoSignIn | None:
    if providers is None:
        return None
    return OidcSsoSignIn(store, store, providers, clock, external, public_url)  # type: ignore[arg-type]
