"""The gateway's settings: environment variables prefixed TENANTRY_GATEWAY_."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common import keys
from services.common.settings import default_data_dir


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8080
    # The URL people use to reach the gateway; its origin is the only one allowed to change state.
    public_url: str = "http://127.0.0.1:8080"
    identity_address: str = "127.0.0.1:50051"
    membership_address: str = "127.0.0.1:50052"
    billing_address: str = "127.0.0.1:50053"
    audit_address: str = "127.0.0.1:50054"
    # True behind TLS: the cookie becomes `__Host-tenantry_session` with the Secure attribute.
    cookie_secure: bool = False
    # How long an authenticated credential is trusted before identity is asked again (revocation delay).
    auth_cache_seconds: float = 3.0
    auth_cache_size: int = 10_000
    max_body_bytes: int = 1024 * 1024
    call_timeout_seconds: float = 10.0
    log_level: str = "INFO"
    log_json: bool = True
    shutdown_grace_seconds: int = 20
    # Key of the CSRF tokens; every replica needs the same one. Local runs keep one in the data folder.
    secret_key: SecretStr = SecretStr("")
    data_dir: Path = Field(default_factory=default_data_dir)

    @model_validator(mode="after")
    def _local_secret(self) -> GatewaySettings:
        if not self.secret_key.get_secret_value():
            self.secret_key = SecretStr(keys.load_or_create_secret(self.data_dir, "gateway"))
        return self

    @property
    def csrf_cookie_name(self) -> str:
        """Readable by the portal's scripts (it holds no credential), sent back as the X-CSRF-Token header."""
        return "__Host-tenantry_csrf" if self.cookie_secure else "tenantry_csrf"

    @property
    def public_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def cookie_name(self) -> str:
        return "__Host-tenantry_session" if self.cookie_secure else "tenantry_session"
