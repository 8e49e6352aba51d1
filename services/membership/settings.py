"""Membership's settings: environment variables prefixed TENANTRY_MEMBERSHIP_."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from services.common.settings import MailSettings, ServiceSettings


class MembershipSettings(ServiceSettings, MailSettings):
    model_config = SettingsConfigDict(env_prefix="TENANTRY_MEMBERSHIP_", extra="ignore")
    service_name: ClassVar[str] = "membership"
    default_grpc_port: ClassVar[int] = 50052

    invitation_ttl_days: int = 7
    # Billing's gRPC address: seat-consuming invitations, reactivations and role changes reserve a seat there.
    billing_address: str = "127.0.0.1:50053"
