"""The gateway's settings: environment variables prefixed TENANTRY_GATEWAY_."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from gateway.proxies import Network, parse_networks
from services.common import keys
from services.common.settings import TenantrySettings, default_data_dir, split_keys


class GatewaySettings(TenantrySettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8080
    # The URL people use to reach the gateway; its origin is the only one allowed to change state.
    public_url: str = "http://127.0.0.1:8080"
    identity_address: str = "127.0.0.1:7051"
    membership_address: str = "127.0.0.1:7052"
    billing_address: str = "127.0.0.1:7053"
    audit_address: str = "127.0.0.1:7054"
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
    # Seconds between SIGTERM (readyz turns 503) and the stop, while requests are still served: long enough for the
    # load balancer to notice (on Kubernetes a few seconds; a preStop sleep does the same). 0: stop at once.
    drain_seconds: float = 0.0
    # Prometheus metrics (HTTP by route, gRPC client calls) on this port; 0: off.
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"  # address the metrics port listens on (`0.0.0.0` in a container)
    # Keys of the CSRF tokens, comma-separated: the first signs, any verifies (rotation). Every replica needs the
    # same ones. Local runs keep one in the data folder.
    secret_key: SecretStr = SecretStr("")
    data_dir: Path = Field(default_factory=default_data_dir)
    # TLS for gRPC to the services (PEM files): the CA that signed their certificates, and for mutual TLS the
    # gateway's client certificate and key. Empty: plaintext.
    grpc_cert_file: str = ""  # PEM client certificate, for mutual TLS
    grpc_key_file: str = ""  # PEM private key of that certificate
    grpc_ca_file: str = ""  # PEM CA that signed the services' certificates
    # Without TLS files gRPC travels in plaintext (TLS may come from a service mesh); production refuses to
    # start unless this names the accepted risk.
    allow_plaintext_grpc: bool = False
    # Reverse proxies (comma-separated addresses or CIDRs, e.g. the ingress's pod range) whose X-Forwarded-For is
    # believed; the client IP (audit entries, per-IP sign-in limits) is the rightmost address not in them. Default:
    # none, so the connection's peer is the client.
    trusted_proxies: str = ""

    @model_validator(mode="after")
    def _local_secret(self) -> GatewaySettings:
        if not self.secret_key.get_secret_value():
            if self.production:
                self._generated.append("secret_key")
            else:
                self.secret_key = SecretStr(keys.load_or_create_secret(self.data_dir, "gateway"))
        return self

    @cached_property
    def trusted_proxy_networks(self) -> list[Network]:
        return parse_networks(self.trusted_proxies)

    @model_validator(mode="after")
    def _valid_proxies(self) -> GatewaySettings:
        parse_networks(self.trusted_proxies)
        return self

    @property
    def secret_keys(self) -> list[str]:
        """The CSRF keys: the first signs, every one verifies."""
        return split_keys(self.secret_key)

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if not self.cookie_secure:
            problems.append("cookie_secure is false: session cookies would travel without TLS")
        if not self.public_url.startswith("https://"):
            problems.append("public_url must be https://")
        if not self.grpc_ca_file and not self.allow_plaintext_grpc:
            problems.append(
                "gRPC is plaintext: set grpc_ca_file (and grpc_cert_file, grpc_key_file for mutual TLS), or (TLS "
                "from a service mesh) allow_plaintext_grpc=true"
            )
        if self.secret_key.get_secret_value() and any(len(key) < 32 for key in self.secret_keys):
            problems.append("secret_key: every key must be at least 32 characters")
        return problems

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
