"""The channel factory: retries UNAVAILABLE from the service config, and TLS / mutual TLS from PEM files."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.common.channels import ChannelSecurity, open_channel, server_credentials, target_of
from services.common.nats_server import free_port

METHOD = "/test.Echo/Call"


def test_a_host_and_port_becomes_a_dns_target_and_explicit_targets_stay() -> None:
    assert target_of("billing:7053") == "dns:///billing:7053"
    assert target_of("dns:///billing.tenantry.svc:7053") == "dns:///billing.tenantry.svc:7053"
    assert target_of("unix:///run/billing.sock") == "unix:///run/billing.sock"


async def serve(
    handler: grpc.GenericRpcHandler, credentials: grpc.ServerCredentials | None = None
) -> tuple[grpc.aio.Server, int]:
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler,))
    port = free_port()
    if credentials is None:
        server.add_insecure_port(f"127.0.0.1:{port}")
    else:
        server.add_secure_port(f"127.0.0.1:{port}", credentials)
    await server.start()
    return server, port


def echo_handler(fail_first: int, seen: list[bytes]) -> grpc.GenericRpcHandler:
    async def call(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        seen.append(request)
        if len(seen) <= fail_first:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "draining")
        return request

    handler = grpc.unary_unary_rpc_method_handler(call)  # raw bytes in and out
    return grpc.method_handlers_generic_handler("test.Echo", {"Call": handler})


async def test_an_unavailable_answer_is_retried_by_the_channel() -> None:
    seen: list[bytes] = []
    server, port = await serve(echo_handler(fail_first=2, seen=seen))
    try:
        async with open_channel(f"127.0.0.1:{port}") as channel:
            reply = await channel.unary_unary(METHOD)(b"hello", timeout=10)
    finally:
        await server.stop(0)

    assert reply == b"hello"
    assert len(seen) == 3


def _certificate(
    name: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None, ca: bool
) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_name, signing_key = issuer or (subject, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, str]:
    """A CA, and a server and a client certificate it signed, as PEM files."""
    files: dict[str, str] = {}
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("tenantry-test-ca", ca_key, None, ca=True)
    files["ca"] = str(tmp_path / "ca.pem")
    Path(files["ca"]).write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for name in ("server", "client"):
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _certificate(name, key, (ca.subject, ca_key), ca=False)
        files[name] = str(tmp_path / f"{name}.pem")
        files[f"{name}_key"] = str(tmp_path / f"{name}.key")
        Path(files[name]).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        Path(files[f"{name}_key"]).write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return files


@pytest.fixture
async def mutual_tls_port(pki: dict[str, str]) -> AsyncIterator[int]:
    credentials = server_credentials(pki["server"], pki["server_key"], pki["ca"])
    server, port = await serve(echo_handler(fail_first=0, seen=[]), credentials)
    yield port
    await server.stop(0)


async def test_mutual_tls_admits_a_client_with_a_certificate_of_the_ca(
    pki: dict[str, str], mutual_tls_port: int
) -> None:
    security = ChannelSecurity(pki["ca"], pki["client"], pki["client_key"])
    async with open_channel(f"localhost:{mutual_tls_port}", security) as channel:
        assert await channel.unary_unary(METHOD)(b"over tls", timeout=10) == b"over tls"


async def test_mutual_tls_refuses_a_client_without_a_certificate(pki: dict[str, str], mutual_tls_port: int) -> None:
    async with open_channel(f"localhost:{mutual_tls_port}", ChannelSecurity(pki["ca"])) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await channel.unary_unary(METHOD)(b"no certificate", timeout=5)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
