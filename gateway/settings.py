"""The gateway's settings: environment variables prefixed TENANTRY_GATEWAY_."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic_settings import BaseSettings, SettingsConfigDict


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
    auth_cache_seconds: float = 5.0
    auth_cache_size: int = 10_000
    max_body_bytes: int = 1024 * 1024
    call_timeout_seconds: float = 10.0
    log_level: str = "INFO"
    log_json: bool = True
    shutdown_grace_seconds: int = 20

    @property
    def public_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def cookie_name(self) -> str:
        return "__Host-tenantry_session" if self.cookie_secure else "tenantry_session"
