"""Composition root of the audit service."""

from __future__ import annotations

from pathlib import Path

from tenantry.audit.v1 import (
    analytics_service_pb2,
    analytics_service_pb2_grpc,
    audit_service_pb2,
    audit_service_pb2_grpc,
    export_service_pb2,
    export_service_pb2_grpc,
    log_stream_service_pb2,
    log_stream_service_pb2_grpc,
    retention_service_pb2,
    retention_service_pb2_grpc,
)

from services.audit.adapters.checkpoint_signer import load_or_create_signer
from services.audit.adapters.webhook_sender import HttpWebhookSender
from services.audit.api.analytics_servicer import AnalyticsServicer
from services.audit.api.export_servicer import AuditExportServicer
from services.audit.api.log_stream_servicer import LogStreamServicer
from services.audit.api.retention_servicer import AuditRetentionServicer
from services.audit.api.servicer import AuditServicer
from services.audit.domain.analytics import AnalyticsUseCases
from services.audit.domain.checkpointing import Checkpointing, CheckpointPolicy
from services.audit.domain.export_cases import AuditExports
from services.audit.domain.log_stream_cases import LogStreamUseCases
from services.audit.domain.log_streams import parse_networks
from services.audit.domain.retention_cases import RetentionUseCases
from services.audit.domain.use_cases import AuditUseCases
from services.audit.events.analytics_consume import ANALYTICS_CONSUMER, ANALYTICS_PRODUCERS, AnalyticsProjection
from services.audit.events.consume import AUDIT_BATCH, AUDIT_CONSUMER, PRODUCERS, AuditRecorder
from services.audit.settings import AuditSettings
from services.audit.store.analytics_sql import SqlAnalyticsStore
from services.audit.store.export_jobs import SqlExportStore
from services.audit.store.log_streams import SqlLogStreamStore
from services.audit.store.retention import SqlRetentionStore
from services.audit.store.sql import SqlAuditStore
from services.audit.store.tables import entitlements, messaging
from services.audit.workers.checkpoints import checkpoint_worker
from services.audit.workers.exports import EXPORT_LEASE, export_worker
from services.audit.workers.log_streams import LogStreamWorker, lease_name
from services.audit.workers.retention import RETENTION_LEASE, retention_worker
from services.audit.workers.usage_ids import USAGE_IDS_LEASE, usage_id_worker
from services.common.clock import Clock
from services.common.entitlements import EntitlementProjection, Entitlements
from services.common.pagination import PageTokens
from services.common.runtime import ServiceRuntime, Wiring, run_cli

MIGRATIONS_DIR = Path(__file__).parent / "store" / "migrations"
ENTITLEMENTS_CONSUMER = "audit-entitlements"
SERVICE_NAME = audit_service_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name
RETENTION_SERVICE_NAME = retention_service_pb2.DESCRIPTOR.services_by_name["AuditRetentionService"].full_name
LOG_STREAM_SERVICE_NAME = log_stream_service_pb2.DESCRIPTOR.services_by_name["LogStreamService"].full_name
EXPORT_SERVICE_NAME = export_service_pb2.DESCRIPTOR.services_by_name["AuditExportService"].full_name
ANALYTICS_SERVICE_NAME = analytics_service_pb2.DESCRIPTOR.services_by_name["AnalyticsService"].full_name


def build(settings: AuditSettings, clock: Clock | None = None) -> ServiceRuntime:
    wiring = Wiring.from_settings(settings, messaging, clock)
    store = SqlAuditStore(wiring.db)
    use_cases = AuditUseCases(store, wiring.clock)
    signer = load_or_create_signer(settings.checkpoint_signing_key.get_secret_value(), settings.data_dir)
    policy = CheckpointPolicy(settings.checkpoint_every_entries, settings.checkpoint_max_age_seconds)
    checkpointing = Checkpointing(store, signer, wiring.clock, policy)
    servicer = AuditServicer(use_cases, PageTokens(settings.secret_keys), checkpointing)
    recorder = AuditRecorder(store, wiring.clock)
    # Retention (streams): set over gRPC, applied by a job one replica at a time.
    retention = RetentionUseCases(SqlRetentionStore(wiring.db), wiring.clock, checkpointing)
    add_retention = retention_service_pb2_grpc.add_AuditRetentionServiceServicer_to_server
    # Analytics: roll-ups kept by a consumer of their own, read by AnalyticsService.
    analytics = AnalyticsUseCases(SqlAnalyticsStore(wiring.db), Entitlements(wiring.db, entitlements), wiring.clock)
    analytics_servicer = AnalyticsServicer(analytics, PageTokens(settings.secret_keys))
    # Log streams (logstreams): destinations managed over gRPC, delivered by a worker, each stream under its lease.
    allowed_networks = parse_networks(settings.log_stream_allowed_networks)
    webhook_sender = HttpWebhookSender(settings.log_stream_timeout_seconds, allowed_networks)
    log_streams = LogStreamUseCases(
        SqlLogStreamStore(wiring.db, wiring.clock),
        wiring.clock,
        settings.secret_box(),
        webhook_sender,
        lambda stream_id: wiring.lease(lease_name(stream_id)),
        allow_local_http=not settings.production,
        allowed_networks=allowed_networks,
    )
    add_log_streams = log_stream_service_pb2_grpc.add_LogStreamServiceServicer_to_server
    # Exports (exports): asked for over gRPC, written by a job one replica at a time, woken by the request.
    exports = AuditExports(SqlExportStore(wiring.db, wiring.clock), wiring.clock, lambda: export_job.wake())
    export_job = export_worker(exports, settings.export_pass_seconds, wiring.lease(EXPORT_LEASE))
    add_exports = export_service_pb2_grpc.add_AuditExportServiceServicer_to_server
    runtime = wiring.runtime(
        [
            (audit_service_pb2_grpc.add_AuditServiceServicer_to_server, servicer, SERVICE_NAME),
            (add_retention, AuditRetentionServicer(retention), RETENTION_SERVICE_NAME),
            (add_log_streams, LogStreamServicer(log_streams), LOG_STREAM_SERVICE_NAME),
            (add_exports, AuditExportServicer(exports, PageTokens(settings.secret_keys)), EXPORT_SERVICE_NAME),
            (
                analytics_service_pb2_grpc.add_AnalyticsServiceServicer_to_server,
                analytics_servicer,
                ANALYTICS_SERVICE_NAME,
            ),
        ],
        [
            # Every event is chained; a fetched batch of them with one insert (record_many).
            wiring.consumer(
                AUDIT_CONSUMER,
                PRODUCERS,
                recorder.handlers(),
                fallback_handler=recorder.record,
                fallback_batch_handler=recorder.record_many,
                batch_size=AUDIT_BATCH,
            ),
            # Billing's entitlements (retention days, audit export), checked through services.common.entitlements.
            wiring.consumer(
                ENTITLEMENTS_CONSUMER, ["billing"], EntitlementProjection(entitlements, wiring.clock).handlers()
            ),
            wiring.consumer(
                ANALYTICS_CONSUMER, ANALYTICS_PRODUCERS, fallback_handler=AnalyticsProjection(wiring.clock).apply
            ),
        ],
        # The audit service's own refusals go straight into its log: nothing consumes its stream.
        denial_writer=recorder.record,
    )
    runtime.workers.append(checkpoint_worker(checkpointing, settings.checkpoint_pass_seconds))
    runtime.workers.append(retention_worker(retention, settings.retention_pass_seconds, wiring.lease(RETENTION_LEASE)))
    # Usage ids kept to count events once, dropped on the retention job's schedule.
    usage_ids_lease = wiring.lease(USAGE_IDS_LEASE)
    runtime.workers.append(usage_id_worker(analytics, settings.retention_pass_seconds, usage_ids_lease))
    runtime.workers.append(export_job)
    runtime.workers.append(LogStreamWorker(log_streams, webhook_sender, settings.log_stream_pass_seconds))
    return runtime


def main() -> int:
    return run_cli(AuditSettings, build, MIGRATIONS_DIR)
