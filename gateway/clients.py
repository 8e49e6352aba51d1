"""gRPC clients of the four services, one channel each, traced (the trace context rides in metadata)."""

from __future__ import annotations

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from tenantry.audit.v1 import (
    analytics_service_pb2_grpc,
    audit_service_pb2_grpc,
    export_service_pb2_grpc,
    log_stream_service_pb2_grpc,
    retention_service_pb2_grpc,
)
from tenantry.billing.v1 import billing_service_pb2_grpc
from tenantry.identity.v1 import identity_service_pb2_grpc, scim_token_service_pb2_grpc, sso_service_pb2_grpc
from tenantry.membership.v1 import (
    access_service_pb2_grpc,
    deletion_service_pb2_grpc,
    group_service_pb2_grpc,
    membership_service_pb2_grpc,
    provisioning_service_pb2_grpc,
    scim_hold_service_pb2_grpc,
)

from gateway.settings import GatewaySettings
from services.common.channels import ChannelSecurity, open_channel


class ServiceClients:
    def __init__(self, settings: GatewaySettings):
        self.addresses = {
            "identity": settings.identity_address,
            "membership": settings.membership_address,
            "billing": settings.billing_address,
            "audit": settings.audit_address,
        }
        self.timeout = settings.call_timeout_seconds
        security = ChannelSecurity(settings.grpc_ca_file, settings.grpc_cert_file, settings.grpc_key_file)
        self._channels = {name: open_channel(address, security) for name, address in self.addresses.items()}
        self.identity = identity_service_pb2_grpc.IdentityServiceStub(self._channels["identity"])
        self.sso = sso_service_pb2_grpc.SsoServiceStub(self._channels["identity"])
        self.membership = membership_service_pb2_grpc.MembershipServiceStub(self._channels["membership"])
        self.groups = group_service_pb2_grpc.GroupServiceStub(self._channels["membership"])
        self.provisioning = provisioning_service_pb2_grpc.ProvisioningServiceStub(self._channels["membership"])
        self.scim_tokens = scim_token_service_pb2_grpc.ScimTokenServiceStub(self._channels["identity"])
        self.access = access_service_pb2_grpc.AccessServiceStub(self._channels["membership"])
        self.deletion = deletion_service_pb2_grpc.OrganizationDeletionServiceStub(self._channels["membership"])
        self.scim_holds = scim_hold_service_pb2_grpc.ScimHoldServiceStub(self._channels["membership"])
        self.billing = billing_service_pb2_grpc.BillingServiceStub(self._channels["billing"])
        self.audit = audit_service_pb2_grpc.AuditServiceStub(self._channels["audit"])
        self.audit_retention = retention_service_pb2_grpc.AuditRetentionServiceStub(self._channels["audit"])
        self.analytics = analytics_service_pb2_grpc.AnalyticsServiceStub(self._channels["audit"])
        self.log_streams = log_stream_service_pb2_grpc.LogStreamServiceStub(self._channels["audit"])
        self.audit_exports = export_service_pb2_grpc.AuditExportServiceStub(self._channels["audit"])

    async def unready(self) -> list[str]:
        """Services that do not answer SERVING to the gRPC health check."""

        async def check(name: str) -> str | None:
            try:
                reply = await health_pb2_grpc.HealthStub(self._channels[name]).Check(
                    health_pb2.HealthCheckRequest(), timeout=1.5
                )
            except grpc.aio.AioRpcError:
                return name
            return None if reply.status == health_pb2.HealthCheckResponse.SERVING else name

        results = await asyncio.gather(*(check(name) for name in self._channels))
        return [name for name in results if name]

    async def close(self) -> None:
        await asyncio.gather(*(channel.close() for channel in self._channels.values()))
