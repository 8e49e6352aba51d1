"""Local key material: the Ed25519 pair that signs principal tokens and per-service secrets.

On Kubernetes these come from Secrets through settings; locally they live in the data folder so a
second `make run` keeps every session and link valid.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from joserfc.jwk import OKPKey


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


def signing_key_path(data_dir: Path) -> Path:
    return keys_dir(data_dir) / "principal_signing.pem"


def public_key_path(data_dir: Path) -> Path:
    return keys_dir(data_dir) / "principal_public.pem"


def create_once(path: Path, make_content: Callable[[], str]) -> str:
    """The file's content, creating it (private, 0600) if it does not exist. Replicas starting together on one data
    folder all end with the same content: the file appears whole or not at all (written aside, then hard-linked into
    place, which fails if another process got there first), and a loser reads the winner's."""
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    content = make_content()
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    try:
        os.link(aside, path)
    except FileExistsError:
        content = path.read_text()
    finally:
        aside.unlink()
    return content


def generate_principal_key_pair() -> tuple[str, str]:
    """A new Ed25519 key pair as (private PEM, public PEM)."""
    key = OKPKey.generate_key("Ed25519")
    return key.as_pem(private=True).decode(), key.as_pem(private=False).decode()


def ensure_local_keys(data_dir: Path) -> None:
    """Create the principal key pair in the data folder unless it is there already (the public key is derived from
    the private one that won, so the two always match)."""
    private_pem = create_once(signing_key_path(data_dir), lambda: generate_principal_key_pair()[0])
    public_pem = OKPKey.import_key(private_pem).as_pem(private=False).decode()
    create_once(public_key_path(data_dir), lambda: public_pem)


def load_or_create_secret(data_dir: Path, name: str) -> str:
    """A per-service random secret kept in the data folder."""
    return create_once(keys_dir(data_dir) / f"{name}.secret", lambda: secrets.token_urlsafe(48)).strip()


def load_or_create_data_keys(data_dir: Path, name: str) -> str:
    """A per-service data key (secrets at rest) kept in the data folder, as the data_keys setting reads it."""
    from services.common.secret_box import new_key_entry

    return create_once(keys_dir(data_dir) / f"{name}.data-keys", lambda: new_key_entry("local")).strip()
