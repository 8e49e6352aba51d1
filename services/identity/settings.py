"""Identity's settings: environment variables prefixed TENANTRY_IDENTITY_."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from services.common import keys
from services.common.settings import MailSettings, ServiceSettings


class IdentitySettings(ServiceSettings, MailSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_IDENTITY_", extra="ignore")
    service_name: ClassVar[str] = "identity"
    default_grpc_port: ClassVar[int] = 7051
    seals_secrets: ClassVar[bool] = True  # TOTP seeds

    # Private key (PEM) that signs principal tokens; only identity holds it.
    principal_signing_key: SecretStr = SecretStr("")
    # Lifetime of principal tokens; revocation reaches every service sooner through its revocation feed.
    principal_ttl_seconds: int = 300
    # Membership's gRPC address, to check invitation links when an invited person registers.
    membership_address: str = "127.0.0.1:7052"
    # Clock difference tolerated on SAML NotBefore/NotOnOrAfter, in seconds.
    saml_clock_skew_seconds: int = 60
    # How often IdP metadata imported from a URL is fetched again (changes applied and audited), in seconds.
    saml_metadata_refresh_seconds: int = 3600
    # How long a rotated-out SAML SP key stays published and decrypting next to the new one, in hours.
    saml_sp_key_overlap_hours: int = 168
    # DNS servers ("host" or "host:port") that domain verification asks; empty means the system's resolver.
    dns_nameservers: list[str] = []

    @model_validator(mode="after")
    def _read_local_signing_key(self) -> IdentitySettings:
        if not self.principal_signing_key.get_secret_value():
            path = keys.signing_key_path(self.data_dir)
            if path.exists():
                self.principal_signing_key = SecretStr(path.read_text())
                self._generated.append("principal_signing_key")
        return self

    def check(self) -> list[str]:
        problems = super().check()
        if not self.principal_signing_key.get_secret_value():
            problems.append("principal_signing_key is empty: identity cannot mint principals")
        if not 10 <= self.principal_ttl_seconds <= 600:
            problems.append("principal_ttl_seconds must be 10 to 600 (services remember revocations for 15 minutes)")
        if not 0 <= self.saml_clock_skew_seconds <= 300:
            problems.append("saml_clock_skew_seconds must be 0 to 300")
        if not 60 <= self.saml_metadata_refresh_seconds <= 7 * 86400:
            problems.append("saml_metadata_refresh_seconds must be 60 to 604800 (a minute to a week)")
        if not 1 <= self.saml_sp_key_overlap_hours <= 90 * 24:
            problems.append("saml_sp_key_overlap_hours must be 1 to 2160 (90 days)")
        return problems
