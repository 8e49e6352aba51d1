"""Secrets at rest (TOTP seeds, and later SSO keys and webhook secrets), sealed with AES-256-GCM under a key from
settings, so a database dump alone reveals none of them.

A sealed value reads `sb1.<key id>.<base64url(nonce + ciphertext + tag)>`: the key id travels with each value, so
keys rotate without downtime. List the new key after the current one on every replica (all can open what it
seals), then move it first (it seals from then on), re-seal (`migrate` re-seals every value under the first key)
and drop the old key. Each value is bound to where it is stored (the `context`, e.g. the row's id), so a sealed
value copied into another row does not open.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "sb1"
NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class SecretBoxError(ValueError):
    """A sealed value that does not open: unknown key id, wrong context or tampered with."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def new_key_entry(key_id: str | None = None) -> str:
    """A new `id:key` entry for the data_keys setting (a random 256-bit key)."""
    return f"{key_id or secrets.token_hex(4)}:{_b64encode(os.urandom(32))}"


def parse_keys(setting: str) -> list[tuple[str, bytes]]:
    """The data_keys setting: comma-separated `id:base64url(32 bytes)` entries, the first one sealing."""
    keys = []
    for entry in setting.split(","):
        entry = entry.strip()
        if not entry:
            continue
        key_id, _, encoded = entry.partition(":")
        if not KEY_ID.match(key_id):
            raise ValueError("data_keys: each entry is id:key, the id made of 1 to 32 letters, digits, - or _")
        try:
            key = _b64decode(encoded)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"data_keys: the key of {key_id!r} is not base64url") from exc
        if len(key) != 32:
            raise ValueError(f"data_keys: the key of {key_id!r} must be 32 bytes (AES-256)")
        keys.append((key_id, key))
    if len({key_id for key_id, _ in keys}) != len(keys):
        raise ValueError("data_keys: key ids must be unique")
    return keys


@dataclass(frozen=True)
class SecretBox:
    """Seals with the first key, opens with any listed key."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def from_setting(cls, setting: str) -> SecretBox:
        keys = parse_keys(setting)
        if not keys:
            raise ValueError("data_keys is empty: secrets at rest need a key")
        return cls(tuple(keys))

    @classmethod
    def ephemeral(cls) -> SecretBox:
        """A box with a random key that lives as long as the process (tests, tools)."""
        return cls.from_setting(new_key_entry("ephemeral"))

    @property
    def sealing_key_id(self) -> str:
        return self.keys[0][0]

    def seal(self, plaintext: str, context: str) -> str:
        key_id, key = self.keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), self._aad(key_id, context))
        return f"{PREFIX}.{key_id}.{_b64encode(nonce + sealed)}"

    def open(self, value: str, context: str) -> str:
        """The plaintext of a sealed value. A value stored before encryption existed (no `sb1.` prefix) is
        returned as it is; `is_sealed_with_first_key` tells the caller to re-seal it."""
        if not is_sealed(value):
            return value
        _, key_id, encoded = value.split(".", 2)
        key = dict(self.keys).get(key_id)
        if key is None:
            raise SecretBoxError(f"no data key with id {key_id!r}: add it to data_keys")
        try:
            raw = _b64decode(encoded)
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._aad(key_id, context)).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise SecretBoxError("a sealed secret does not open: tampered with, or stored for another row") from exc

    def is_sealed_with_first_key(self, value: str) -> bool:
        return is_sealed(value) and value.split(".", 2)[1] == self.sealing_key_id

    @staticmethod
    def _aad(key_id: str, context: str) -> bytes:
        return f"{PREFIX}\0{key_id}\0{context}".encode()


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX + ".") and value.count(".") >= 2


if __name__ == "__main__":
    print(new_key_entry())
