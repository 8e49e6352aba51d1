"""Membership's settings: environment variables prefixed TENANTRY_MEMBERSHIP_."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class MembershipSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_MEMBERSHIP_", extra="ignore")
    service_name: ClassVar[str] = "membership"
    default_grpc_port: ClassVar[int] = 50052

    # Base URL of the portal, used in invitation links.
    public_url: str = "http://127.0.0.1:8080"
    invitation_ttl_days: int = 7
    mail_from: str = "Tenantry <no-reply@tenantry.local>"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
