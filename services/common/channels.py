"""The one way a process opens a gRPC channel to a service (service to service, gateway to services, the CLI).

- `dns:///host:port` targets with round_robin: every replica behind a headless Service gets calls, and a replica
  that goes away is dropped when its address does.
- Retries and their backoff (with jitter, done by gRPC) from the service config: a call answered UNAVAILABLE (a
  replica draining or restarting) is tried again on another one. Our mutating calls carry idempotency keys, and
  seat reservations are idempotent per member, so a retry is safe.
- Keepalive pings, so a connection to a replica that vanished without a FIN is noticed.
- The OpenTelemetry client interceptor: the trace continues into the called service.
- TLS, or mutual TLS with a client certificate, when files are configured.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
RETRY_POLICY = {
    "maxAttempts": 5,
    "initialBackoff": "0.1s",
    "maxBackoff": "2s",
    "backoffMultiplier": 2,
    "retryableStatusCodes": ["UNAVAILABLE"],
}
SERVICE_CONFIG = {
    "loadBalancingConfig": [{"round_robin": {}}],
    "methodConfig": [{"name": [{}], "retryPolicy": RETRY_POLICY}],
}
OPTIONS: Sequence[tuple[str, object]] = (
    ("grpc.service_config", json.dumps(SERVICE_CONFIG)),
    ("grpc.enable_retries", 1),
    # A replica that went away and came back (a restart at the same address) is dialled again within 2 s, not after
    # gRPC's default backoff of up to 2 minutes: a rolling update that takes the other replica down next finds it.
    ("grpc.initial_reconnect_backoff_ms", 250),
    ("grpc.max_reconnect_backoff_ms", 2_000),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
)


@dataclass(frozen=True)
class ChannelSecurity:
    """TLS for outgoing channels: the CA that signed the services' certificates, and for mutual TLS this
    process's certificate and key (PEM files). No CA: plaintext (a service mesh may still encrypt)."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    def credentials(self) -> grpc.ChannelCredentials | None:
        if not self.ca_file:
            return None
        return grpc.ssl_channel_credentials(_read(self.ca_file), _read(self.key_file), _read(self.cert_file))


def _read(path: str) -> bytes | None:
    return Path(path).read_bytes() if path else None


def target_of(address: str) -> str:
    """`host:port` as a dns:/// target (every address the name resolves to); explicit schemes are kept."""
    return (
        address if ":/" in address or address.startswith(("dns:", "unix:", "ipv4:", "ipv6:")) else f"dns:///{address}"
    )


def open_channel(address: str, security: ChannelSecurity | None = None) -> grpc.aio.Channel:
    target = target_of(address)
    credentials = security.credentials() if security else None
    interceptors = aio_client_interceptors()
    if credentials is None:
        return grpc.aio.insecure_channel(target, options=OPTIONS, interceptors=interceptors)
    return grpc.aio.secure_channel(target, credentials, options=OPTIONS, interceptors=interceptors)


def server_credentials(cert_file: str, key_file: str, client_ca_file: str = "") -> grpc.ServerCredentials | None:
    """TLS for a service's port from PEM files; with a client CA, callers must present a certificate it signed
    (mutual TLS). No certificate: None (plaintext)."""
    if not cert_file:
        return None
    key_pair = [(Path(key_file).read_bytes(), Path(cert_file).read_bytes())]
    client_ca = Path(client_ca_file).read_bytes() if client_ca_file else None
    return grpc.ssl_server_credentials(key_pair, root_certificates=client_ca, require_client_auth=client_ca is not None)
