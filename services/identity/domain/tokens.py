"""Bearer secrets (session tokens, API keys, second-factor challenges, reset links) as they are stored."""

from __future__ import annotations

import hashlib


def token_hash(token: str) -> str:
    """Credentials are stored as SHA-256: they are 256-bit random, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()
