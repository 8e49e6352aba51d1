"""Where a log stream delivery may connect: the name resolved once per delivery, the connection made to the checked
address (so a DNS answer that changes in between cannot steer it inside), and private, loopback and link-local
addresses refused unless the operator allowed their network."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.audit.adapters.webhook_sender import HttpWebhookSender
from services.audit.domain.log_stream_cases import DeliveryFailed
from services.audit.domain.log_streams import parse_networks, validate_url
from services.audit.settings import AuditSettings
from services.audit.tests.siem_receiver import Receiver, running_receiver
from services.common.errors import InvalidArgument


class RebindingDns:
    """A name server under an attacker's control: the first answer is one address, later answers another."""

    def __init__(self, *answers: str):
        self.answers = list(answers)
        self.asked: list[tuple[str, int]] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append((host, port))
        return [self.answers[min(len(self.asked), len(self.answers)) - 1]]


async def test_each_delivery_resolves_the_name_once_and_connects_to_the_address_it_checked(
    receiver: Receiver,
) -> None:
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    dns = RebindingDns("127.0.0.1", "10.0.0.1")
    sender = HttpWebhookSender(0.5, parse_networks("127.0.0.0/8"), resolver=dns.resolve)
    url = f"http://siem.example.test:{port}/siem"
    try:
        await sender.post(url, {"Content-Type": "application/json"}, b'{"events":[]}')
        assert dns.asked == [("siem.example.test", port)]  # one answer, used for the connection itself
        assert receiver.headers[0]["host"] == f"siem.example.test:{port}"  # the name travels in Host

        # The name now points inside the network: the next delivery checks the new answer and sends nothing.
        with pytest.raises(DeliveryFailed, match=r"not a public address \(10\.0\.0\.1\)"):
            await sender.post(url, {}, b'{"events":[]}')
        assert len(dns.asked) == 2 and len(receiver.requests) == 1
    finally:
        await sender.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:9/hook",
        "http://192.168.1.20:9/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]:9/hook",
        "http://[::ffff:10.0.0.5]:9/hook",
        "http://127.0.0.1:9/hook",
        "http://[::1]:9/hook",
    ],
)
async def test_a_private_loopback_or_link_local_address_is_refused_by_default(url: str) -> None:
    sender = HttpWebhookSender(0.5)
    try:
        with pytest.raises(DeliveryFailed, match="not a public address"):
            await sender.post(url, {}, b"{}")
    finally:
        await sender.close()


async def test_only_the_networks_the_operator_allowed_are_reachable(receiver: Receiver) -> None:
    sender = HttpWebhookSender(0.5, parse_networks("127.0.0.0/8"))
    try:
        await sender.post(receiver.url, {}, b'{"events":[]}')
        assert len(receiver.requests) == 1
        with pytest.raises(DeliveryFailed, match="not a public address"):
            await sender.post("http://10.0.0.5:9/hook", {}, b"{}")
    finally:
        await sender.close()


def test_an_address_literal_in_an_allowed_network_is_accepted_as_a_destination() -> None:
    allowed = parse_networks("10.20.0.0/16")
    assert validate_url("https://10.20.3.4/hook", False, allowed) == "https://10.20.3.4/hook"
    with pytest.raises(InvalidArgument, match="not accepted"):
        validate_url("https://10.21.3.4/hook", False, allowed)


def test_the_allowed_networks_setting_refuses_what_is_not_a_network() -> None:
    assert AuditSettings(log_stream_allowed_networks="127.0.0.0/8, ::1").log_stream_allowed_networks
    with pytest.raises(ValueError, match="log_stream_allowed_networks"):
        AuditSettings(log_stream_allowed_networks="127.0.0.0/8,not-a-network")


def certificate_authority(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, tuple[Path, Path]]:
    """A test authority (trusted only by the returned context) and a server certificate for `name` it signed."""
    now = datetime.now(UTC)

    def issue(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: ec.EllipticCurvePrivateKey, ca: bool
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test SIEM authority")])
    ca_cert = issue("Test SIEM authority", ca_key, ca_name, ca_key, ca=True)
    server_cert = issue(name, server_key, ca_name, ca_key, ca=False)
    cert_file, key_file = tmp_path / "server.pem", tmp_path / "server.key"
    cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    trust = ssl.create_default_context(cadata=ca_cert.public_bytes(serialization.Encoding.PEM).decode())
    return trust, (cert_file, key_file)


async def test_https_to_the_pinned_address_verifies_the_certificate_against_the_url_name(tmp_path: Path) -> None:
    trust, tls = certificate_authority(tmp_path, "siem.example.test")
    async with running_receiver(tls) as receiver:
        port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
        dns = RebindingDns("127.0.0.1")
        sender = HttpWebhookSender(2, parse_networks("127.0.0.0/8"), resolver=dns.resolve, verify=trust)
        try:
            await sender.post(f"https://siem.example.test:{port}/siem", {}, b'{"events":[]}')
            assert receiver.headers[0]["host"] == f"siem.example.test:{port}" and len(dns.asked) == 1
            # Another name at the same address: its certificate does not match, so nothing is sent.
            with pytest.raises(DeliveryFailed, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
                await sender.post(f"https://other.example.test:{port}/siem", {}, b'{"events":[]}')
            assert len(receiver.requests) == 1
        finally:
            await sender.close()
