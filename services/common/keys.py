"""Local key material: the Ed25519 pair that signs principal tokens and per-service secrets.

On Kubernetes these come from Secrets through settings; locally they live in the data folder so a
second `make run` keeps every session and link valid.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from joserfc.jwk import OKPKey


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


def signing_key_path(data_dir: Path) -> Path:
    return keys_dir(data_dir) / "principal_signing.pem"


def public_key_path(data_dir: Path) -> Path:
    return keys_dir(data_dir) / "principal_public.pem"


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    os.replace(tmp, path)


def generate_principal_key_pair() -> tuple[str, str]:
    """A new Ed25519 key pair as (private PEM, public PEM)."""
    key = OKPKey.generate_key("Ed25519")
    return key.as_pem(private=True).decode(), key.as_pem(private=False).decode()


def ensure_local_keys(data_dir: Path) -> None:
    """Create the principal key pair in the data folder unless it is there already."""
    if signing_key_path(data_dir).exists() and public_key_path(data_dir).exists():
        return
    private_pem, public_pem = generate_principal_key_pair()
    _write_private(signing_key_path(data_dir), private_pem)
    _write_private(public_key_path(data_dir), public_pem)


def load_or_create_secret(data_dir: Path, name: str) -> str:
    """A per-service random secret kept in the data folder."""
    path = keys_dir(data_dir) / f"{name}.secret"
    if not path.exists():
        _write_private(path, secrets.token_urlsafe(48))
    return path.read_text().strip()
