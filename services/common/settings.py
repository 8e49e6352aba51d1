"""Settings shared by every service. Each service subclasses ServiceSettings with its own env prefix.

Two variables are shared by the whole suite and read without a prefix: TENANTRY_DATA_DIR (where local
SQLite files and keys live) and NATS_URL. Every field can still be overridden per service with the
service's prefix, e.g. TENANTRY_MEMBERSHIP_NATS_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common import keys

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    return Path(os.environ.get("TENANTRY_DATA_DIR") or REPO_ROOT / ".data").resolve()


def default_nats_url() -> str:
    return os.environ.get("NATS_URL", "nats://127.0.0.1:4222")


class ServiceSettings(BaseSettings):
    """What every service needs to start. Validated once, at start, then injected into build()."""

    model_config = SettingsConfigDict(env_prefix="TENANTRY_", extra="ignore")

    # Name of the service; also the name of its stream, its database file and its durable consumers.
    service_name: ClassVar[str] = "service"
    default_grpc_port: ClassVar[int] = 50050

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    metrics_port: int = 0
    nats_url: str = Field(default_factory=default_nats_url)
    log_level: str = "INFO"
    log_json: bool = True
    # Public key (PEM) that verifies principal tokens minted by identity.
    principal_public_key: SecretStr = SecretStr("")
    # Key that signs this service's page tokens; local runs keep one per service in the data folder.
    secret_key: SecretStr = SecretStr("")
    # How many times a consumer tries an event before parking it.
    consumer_max_deliver: int = 5
    # Seconds to wait for in-flight calls on SIGTERM before the server stops.
    shutdown_grace_seconds: float = 20.0
    # Run Alembic migrations at start (local mode); on Kubernetes a Job runs `migrate` instead.
    migrate_on_start: bool = True

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
        if not self.secret_key.get_secret_value():
            self.secret_key = SecretStr(keys.load_or_create_secret(self.data_dir, self.service_name))
        return self

    def check(self) -> list[str]:
        """Problems that would stop the service from working, for `check-config`."""
        problems = []
        if not self.principal_public_key.get_secret_value():
            problems.append("principal_public_key is empty: services cannot verify callers")
        if len(self.secret_key.get_secret_value()) < 32:
            problems.append("secret_key must be at least 32 characters")
        return problems


class MailSettings(BaseSettings):
    """Outgoing email, for services that send it (invitations, password resets). Without an SMTP host,
    messages are written as .eml files to the data folder's mail/ (local default)."""

    # Base URL of the portal, used in emailed links.
    public_url: str = "http://127.0.0.1:8080"
    mail_from: str = "Tenantry <no-reply@tenantry.local>"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
