"""Settings shared by every service. Each service subclasses ServiceSettings with its own env prefix.

Three variables are shared by the whole suite and read without a prefix: TENANTRY_ENV (`development` or
`production`), TENANTRY_DATA_DIR (where local SQLite files and keys live) and NATS_URL. Every field can still be
overridden per service with the service's prefix, e.g. TENANTRY_MEMBERSHIP_NATS_URL.

Every secret setting X can also be read from a file named by X_FILE (a mounted Kubernetes Secret), e.g.
TENANTRY_MEMBERSHIP_SECRET_KEY_FILE=/run/secrets/membership-secret-key.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, PrivateAttr, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from services.common import keys
from services.common.channels import ChannelSecurity
from services.common.secret_box import SecretBox, parse_keys

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    return Path(os.environ.get("TENANTRY_DATA_DIR") or REPO_ROOT / ".data").resolve()


def default_nats_url() -> str:
    return os.environ.get("NATS_URL", "nats://127.0.0.1:4222")


def default_environment() -> str:
    return os.environ.get("TENANTRY_ENV", "development").strip().lower()


PRODUCTION = "production"


def split_keys(value: SecretStr) -> list[str]:
    """A key list setting: keys separated by commas, the first signs and every one verifies, so a key is rotated
    by putting the new one first and dropping the old one once what it signed has expired."""
    return [key.strip() for key in value.get_secret_value().split(",") if key.strip()]


class SecretFilesSource(PydanticBaseSettingsSource):
    """Reads every secret field X from the file named by the environment variable X_FILE."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field.annotation is not SecretStr:
            return None, field_name, False
        prefix = str(self.settings_cls.model_config.get("env_prefix", ""))
        path = os.environ.get(f"{prefix}{field_name}_FILE".upper())
        if not path:
            return None, field_name, False
        return Path(path).read_text().strip(), field_name, False

    def __call__(self) -> dict[str, Any]:
        values = {}
        for name, info in self.settings_cls.model_fields.items():
            value, _, _ = self.get_field_value(info, name)
            if value is not None:
                values[name] = value
        return values


class TenantrySettings(BaseSettings):
    """What every process's settings share: the environment (production refuses unsafe settings) and secrets
    from files."""

    model_config = SettingsConfigDict(env_prefix="TENANTRY_", extra="ignore")

    # `production` refuses to start with generated keys, mail written to files, insecure cookies or plaintext
    # connections that were not explicitly allowed; anything else is a local or test run.
    environment: str = Field(default_factory=default_environment)
    # Settings filled in from generated local files rather than given (production refuses them).
    _generated: list[str] = PrivateAttr(default_factory=list)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, SecretFilesSource(settings_cls), dotenv_settings, file_secret_settings

    @property
    def production(self) -> bool:
        return self.environment == PRODUCTION

    def production_problems(self) -> list[str]:
        """Why this configuration is unsafe in production; each subclass adds its own."""
        return [f"{name} was generated locally; give it as a setting (or {name}_FILE)" for name in self._generated]

    def check(self) -> list[str]:
        """Problems that stop the process from starting, for `check-config` and `serve`."""
        return self.production_problems() if self.production else []


class ServiceSettings(TenantrySettings):
    """What every service needs to start. Validated once, at start, then injected into build()."""

    model_config = SettingsConfigDict(env_prefix="TENANTRY_", extra="ignore")

    # Name of the service; also the name of its stream, its database file and its durable consumers.
    service_name: ClassVar[str] = "service"
    default_grpc_port: ClassVar[int] = 7050
    # Whether the service stores secrets at rest (sealed with data_keys).
    seals_secrets: ClassVar[bool] = False

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    metrics_port: int = 0
    # NATS server(s), comma-separated for a cluster (the client picks one and fails over to the others).
    nats_url: str = Field(default_factory=default_nats_url)
    # Copies JetStream keeps of this service's stream (1 locally; 3 on a 3-node cluster, so a node's loss loses no
    # event). Applied when the stream is created or updated at start.
    stream_replicas: int = Field(default=1, ge=1, le=5)
    log_level: str = "INFO"
    log_json: bool = True
    # Public key (PEM) that verifies principal tokens minted by identity.
    principal_public_key: SecretStr = SecretStr("")
    # Keys that sign this service's page tokens (and membership's invitation links), comma-separated: the first
    # signs, any verifies (rotation). Every replica needs the same. Local runs keep one in the data folder.
    secret_key: SecretStr = SecretStr("")
    # Keys that seal secrets at rest (AES-256-GCM), comma-separated `id:base64url(32 bytes)`: the first seals, any
    # opens (rotation). Generate one with `python -m services.common.secret_box`. Local runs keep one in the data
    # folder.
    data_keys: SecretStr = SecretStr("")
    # Who this replica is, for the leases of work one replica at a time does (the outbox relay, periodic jobs): the
    # pod's host name, so a restarted container takes its own lease back at once. Unique per replica.
    replica_id: str = Field(default_factory=socket.gethostname)
    # How long a lease outlives its holder: the longest pause of that work when a replica dies.
    lease_seconds: float = 30.0
    # Retention of the tables that only grow, in days (services/common/housekeeping.py says why each default), and
    # how often a pruning pass runs (one replica at a time) and the gauges refresh (every replica).
    outbox_retention_days: float = 7.0  # days a published outbox row is kept
    processed_events_retention_days: float = 14.0  # days a consumer remembers an event id it handled
    idempotency_retention_days: float = 7.0  # days an Idempotency-Key's answer is kept
    parked_events_retention_days: float = 30.0  # days a parked (failed) event is kept for inspection
    sent_mail_retention_days: float = 7.0  # days a sent mail stays in the mail outbox
    retention_interval_seconds: float = 3600.0  # seconds between pruning passes (one replica at a time)
    gauges_interval_seconds: float = 15.0  # seconds between refreshes of the backlog gauges
    # How many times a consumer tries an event before parking it.
    consumer_max_deliver: int = 5
    # Seconds between SIGTERM (health NOT_SERVING) and the stop, while calls are still served, so clients and load
    # balancers move away first (a few seconds on Kubernetes). 0: stop taking calls at once.
    drain_seconds: float = 0.0
    # Seconds to wait for in-flight calls on SIGTERM before the server stops.
    shutdown_grace_seconds: float = 20.0
    # Run Alembic migrations at start (local mode); on Kubernetes a Job runs `migrate` instead.
    migrate_on_start: bool = True
    # TLS for gRPC (PEM files): this process's certificate and key (its server port, and its client certificate
    # for mutual TLS), and the CA that signed the others' (verifies servers; on a server, requires client
    # certificates). Empty: plaintext.
    grpc_cert_file: str = ""  # PEM certificate this service presents
    grpc_key_file: str = ""  # PEM private key of that certificate
    grpc_ca_file: str = ""  # PEM CA that signed the other services' certificates
    # Without TLS files gRPC travels in plaintext (TLS may come from a service mesh); production refuses to
    # start unless this names the accepted risk.
    allow_plaintext_grpc: bool = False
    # A nats:// URL is plaintext (tls:// encrypts); production refuses it unless this names the accepted risk.
    allow_plaintext_nats: bool = False

    @model_validator(mode="after")
    def _fill_local_defaults(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / (self.service_name + '.db')}"
        if not self.grpc_port:
            self.grpc_port = self.default_grpc_port
        if not self.principal_public_key.get_secret_value():
            path = keys.public_key_path(self.data_dir)
            if path.exists():
                self.principal_public_key = SecretStr(path.read_text())
                self._generated.append("principal_public_key")
        if not self.secret_key.get_secret_value():
            if self.production:
                self._generated.append("secret_key")  # never write a key file in production
            else:
                self.secret_key = SecretStr(keys.load_or_create_secret(self.data_dir, self.service_name))
        if self.seals_secrets and not self.data_keys.get_secret_value():
            if self.production:
                self._generated.append("data_keys")
            else:
                self.data_keys = SecretStr(keys.load_or_create_data_keys(self.data_dir, self.service_name))
        if self.data_keys.get_secret_value():
            parse_keys(self.data_keys.get_secret_value())  # a malformed key stops the start
        return self

    def channel_security(self) -> ChannelSecurity:
        """TLS of this service's calls to other services."""
        return ChannelSecurity(self.grpc_ca_file, self.grpc_cert_file, self.grpc_key_file)

    def secret_box(self) -> SecretBox:
        """What seals this service's secrets at rest."""
        return SecretBox.from_setting(self.data_keys.get_secret_value())

    @property
    def secret_keys(self) -> list[str]:
        """The page-token (and link) keys: the first signs, every one verifies."""
        return split_keys(self.secret_key)

    def check(self) -> list[str]:
        problems = super().check()
        if not self.principal_public_key.get_secret_value():
            problems.append("principal_public_key is empty: services cannot verify callers")
        if not self.secret_keys or any(len(key) < 32 for key in self.secret_keys):
            problems.append("secret_key: every key must be at least 32 characters")
        return problems

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if not (self.grpc_cert_file and self.grpc_ca_file) and not self.allow_plaintext_grpc:
            problems.append(
                "gRPC is plaintext: set grpc_cert_file, grpc_key_file and grpc_ca_file, or (TLS from a service mesh) "
                "allow_plaintext_grpc=true"
            )
        if any(url.strip().startswith("nats://") for url in self.nats_url.split(",")) and not self.allow_plaintext_nats:
            problems.append("nats_url is plaintext (nats://): use tls:// or set allow_plaintext_nats=true")
        if self.database_url.startswith("sqlite"):
            problems.append("database_url is SQLite: production needs PostgreSQL (one database per service)")
        return problems


class MailSettings(TenantrySettings):
    """Outgoing email, for services that send it (invitations, password resets). Without an SMTP host,
    messages are written as .eml files to the data folder's mail/ (local default; refused in production)."""

    # Base URL of the portal, used in emailed links.
    public_url: str = "http://127.0.0.1:8080"
    mail_from: str = "Tenantry <no-reply@tenantry.local>"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if not self.smtp_host:
            problems.append("smtp_host is empty: mail would be written to .eml files instead of being sent")
        if not self.public_url.startswith("https://"):
            problems.append("public_url must be https:// (emailed links carry tokens)")
        return problems
