"""The Ed25519 key that signs checkpoints: from settings (a PEM, e.g. a Kubernetes Secret) or, locally, a file
in the data folder. Rotating means giving the service a new key; the old one stays in the published key set."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.common.keys import create_once


class Ed25519CheckpointSigner:
    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode()
        # Derived from the public key: every replica holding the same key names it the same way.
        self.key_id = "ed25519-" + hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def from_pem(cls, pem: str) -> Ed25519CheckpointSigner:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the checkpoint signing key must be an Ed25519 private key")
        return cls(key)

    @classmethod
    def generate(cls) -> Ed25519CheckpointSigner:
        return cls(Ed25519PrivateKey.generate())

    def private_pem(self) -> str:
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self._key.sign(message)).decode()


def load_or_create_signer(pem: str, data_dir: Path) -> Ed25519CheckpointSigner:
    """The configured key, else the one kept in the data folder (created on first start)."""
    if pem:
        return Ed25519CheckpointSigner.from_pem(pem)
    path = data_dir / "keys" / "audit_checkpoint_signing.pem"
    return Ed25519CheckpointSigner.from_pem(create_once(path, lambda: Ed25519CheckpointSigner.generate().private_pem()))
