"""Second factors and one-time links: TOTP (RFC 6238 through pyotp), recovery codes, reset tokens.

A TOTP code is accepted once: the last accepted time step is stored, so a code replayed within its
30-second window (or the window before, allowed for clock drift) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import datetime

import pyotp
import segno

ISSUER_NAME = "Tenantry"
TOTP_STEP_SECONDS = 30
# Steps accepted either side of now, for the drift between a phone's clock and ours.
TOTP_DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10


def new_totp_secret() -> str:
    return pyotp.random_base32(32)  # 160 bits, as RFC 4226 recommends


def otpauth_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER_NAME)


def qr_code_svg(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def accepted_totp_step(secret: str, code: str, now: datetime, last_used_step: int | None) -> int | None:
    """The time step `code` belongs to if it is valid now and newer than the last accepted one, else None."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_STEP_SECONDS
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_used_step is None or step > last_used_step else None
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 50 random bits, grouped for reading aloud, e.g. 'k3v9q-7hx2m'."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalize_recovery_code(code: str) -> str:
    return code.strip().lower().replace(" ", "").replace("-", "")


def recovery_code_hash(account_id: str, code: str) -> str:
    return hashlib.sha256(f"{account_id}:{normalize_recovery_code(code)}".encode()).hexdigest()


def link_token(secret_key: bytes, purpose: str, link_id: str) -> str:
    """The token of an emailed link, derived from its id so the mailer can rebuild it and the event bus never
    carries it. Only its hash is stored; every replica holding the key derives the same token."""
    return hmac.new(secret_key, f"{purpose}:{link_id}".encode(), hashlib.sha256).hexdigest()
