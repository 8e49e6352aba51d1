"""Audit's settings: environment variables prefixed TENANTRY_AUDIT_."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from services.audit.domain.log_streams import parse_networks
from services.common.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_AUDIT_", extra="ignore")
    service_name: ClassVar[str] = "audit"
    seals_secrets: ClassVar[bool] = True  # log streams' signing secrets
    default_grpc_port: ClassVar[int] = 7054

    # Ed25519 private key (PEM) that signs checkpoints; empty: a key kept in the data folder. A new key rotates:
    # the previous one stays published with its validity closed.
    checkpoint_signing_key: SecretStr = SecretStr("")
    # A checkpoint after this many new entries of an organization ...
    checkpoint_every_entries: int = Field(default=1000, ge=1)
    # ... and at least this often while its chain grows (CloudTrail signs hourly).
    checkpoint_max_age_seconds: float = Field(default=3600.0, gt=0)
    # How often the checkpoint worker looks for heads that are due.
    checkpoint_pass_seconds: float = Field(default=10.0, gt=0)
    # How often the retention job (one replica at a time) deletes entries past each organization's retention.
    retention_pass_seconds: float = Field(default=3600.0, gt=0)
    # How often the log stream worker looks for streams with entries to deliver or retries that are due.
    log_stream_pass_seconds: float = Field(default=5.0, gt=0)
    # How often the export job (one replica at a time) looks for exports to write and files past their expiry;
    # a new export wakes it at once on the replica that took the request.
    export_pass_seconds: float = Field(default=5.0, gt=0)
    # How long a log stream destination has to answer one batch before the attempt counts as failed.
    log_stream_timeout_seconds: float = Field(default=10.0, gt=0)
    # Networks (comma-separated CIDRs, e.g. "127.0.0.0/8,10.20.0.0/16") log stream destinations may resolve
    # into besides public addresses; empty: private, loopback and link-local addresses are all refused.
    log_stream_allowed_networks: str = ""

    @field_validator("log_stream_allowed_networks")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        parse_networks(value)  # a ValueError names the bad entry
        return value
