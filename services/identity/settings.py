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
    default_grpc_port: ClassVar[int] = 50051

    # Private key (PEM) that signs principal tokens; only identity holds it.
    principal_signing_key: SecretStr = SecretStr("")
    # Lifetime of principal tokens; revocation reaches every service sooner through its revocation feed.
    principal_ttl_seconds: int = 300
    # Membership's gRPC address, to check invitation links when an invited person registers.
    membership_address: str = "127.0.0.1:50052"

    @model_validator(mode="after")
    def _read_local_signing_key(self) -> IdentitySettings:
        if not self.principal_signing_key.get_secret_value():
            path = keys.signing_key_path(self.data_dir)
            if path.exists():
                self.principal_signing_key = SecretStr(path.read_text())
        return self

    def check(self) -> list[str]:
        problems = super().check()
        if not self.principal_signing_key.get_secret_value():
            problems.append("principal_signing_key is empty: identity cannot mint principals")
        if not 10 <= self.principal_ttl_seconds <= 600:
            problems.append("principal_ttl_seconds must be 10 to 600 (services remember revocations for 15 minutes)")
        return problems
