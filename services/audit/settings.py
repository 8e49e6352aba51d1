"""Audit's settings: environment variables prefixed TENANTRY_AUDIT_."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_AUDIT_", extra="ignore")
    service_name: ClassVar[str] = "audit"
    default_grpc_port: ClassVar[int] = 50054
