"""Composition root of the audit service."""

from __future__ import annotations

from pathlib import Path

from tenantry.audit.v1 import audit_service_pb2, audit_service_pb2_grpc

from services.audit.api.servicer import AuditServicer
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.consume import AUDIT_CONSUMER, PRODUCERS, AuditRecorder
from services.audit.settings import AuditSettings
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import messaging
from services.common.clock import Clock
from services.common.pagination import PageTokens
from services.common.runtime import ServiceRuntime, Wiring, run_cli

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
SERVICE_NAME = audit_service_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name


def build(settings: AuditSettings, clock: Clock | None = None) -> ServiceRuntime:
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlAuditStore(wiring.db)
    use_cases = AuditUseCases(store, wiring.clock)
    servicer = AuditServicer(use_cases, PageTokens(settings.secret_key.get_secret_value()))
    recorder = AuditRecorder(store, wiring.clock)
    return wiring.runtime(
        [(audit_service_pb2_grpc.add_AuditServiceServicer_to_server, servicer, SERVICE_NAME)],
        [wiring.consumer(AUDIT_CONSUMER, PRODUCERS, fallback_handler=recorder.record)],
        # The audit service's own refusals go straight into its log: nothing consumes its stream.
        denial_writer=recorder.record,
    )


def main() -> int:
    return run_cli(AuditSettings, build, MIGRATIONS_DIR)
