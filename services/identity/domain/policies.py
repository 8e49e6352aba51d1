"""An organization's security policy: sessions, passwords, MFA, privacy mode and invitation domains.

Pure rules: validation of a policy change and of a password against the policy. Defaults: 30 minutes idle,
12 hours absolute, 12 characters for admins' passwords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from services.common.errors import FieldViolation, InvalidArgument, Violations
from services.common.permissions import SEAT_USE
from services.identity.domain.passwords import MAX_PASSWORD_LENGTH

MFA_OFF = "off"
MFA_ADMINS = "admins"
MFA_EVERYONE = "everyone"
MFA_REQUIREMENTS = (MFA_OFF, MFA_ADMINS, MFA_EVERYONE)
# The permission that consumes a seat is the only one a non-admin member holds.
NON_ADMIN_PERMISSIONS = frozenset({SEAT_USE})
MAX_ALLOWED_DOMAINS = 50
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@dataclass(frozen=True)
class SecurityPolicy:
    organization_id: str
    session_idle_timeout_seconds: int = 30 * 60
    session_absolute_lifetime_seconds: int = 12 * 3600
    password_min_length: int = 8
    admin_password_min_length: int = 12
    password_required_classes: int = 0
    mfa_required: str = MFA_OFF
    privacy_mode: bool = False
    allowed_invitation_domains: tuple[str, ...] = field(default_factory=tuple)
    version: int = 0
    updated_at: datetime | None = None

    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(seconds=self.session_idle_timeout_seconds)

    @property
    def absolute_lifetime(self) -> timedelta:
        return timedelta(seconds=self.session_absolute_lifetime_seconds)

    @property
    def etag(self) -> str:
        return f'W/"{self.version}"'

    def requires_mfa(self, permissions: frozenset[str]) -> bool:
        return self.mfa_required == MFA_EVERYONE or (self.mfa_required == MFA_ADMINS and is_admin(permissions))


# Fields an administrator may change; the rest are bookkeeping.
EDITABLE_FIELDS = frozenset(
    f.name for f in fields(SecurityPolicy) if f.name not in {"organization_id", "version", "updated_at"}
)


def is_admin(permissions: frozenset[str]) -> bool:
    return bool(permissions - NON_ADMIN_PERMISSIONS)


def apply_changes(current: SecurityPolicy, changes: dict[str, object], now: datetime) -> SecurityPolicy:
    """The policy with `changes` applied, validated as a whole; raises InvalidArgument listing every problem."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidArgument(
            "These fields cannot be changed.", [FieldViolation(name, "not a policy field") for name in sorted(unknown)]
        )
    if "allowed_invitation_domains" in changes:
        changes = {**changes, "allowed_invitation_domains": _domains(changes["allowed_invitation_domains"])}
    updated = replace(current, **changes, version=current.version + 1, updated_at=now)  # type: ignore[arg-type]
    validate(updated)
    return updated


def validate(policy: SecurityPolicy) -> None:
    problems = Violations()
    if not 300 <= policy.session_idle_timeout_seconds <= 86400:
        problems.add("session_idle_timeout_seconds", "300 to 86400 seconds")
    if not 900 <= policy.session_absolute_lifetime_seconds <= 30 * 86400:
        problems.add("session_absolute_lifetime_seconds", "900 to 2592000 seconds")
    if policy.session_idle_timeout_seconds > policy.session_absolute_lifetime_seconds:
        problems.add("session_idle_timeout_seconds", "at most the absolute lifetime")
    if not 8 <= policy.password_min_length <= 128:
        problems.add("password_min_length", "8 to 128")
    if not 12 <= policy.admin_password_min_length <= 128:
        problems.add("admin_password_min_length", "12 to 128")
    if not 0 <= policy.password_required_classes <= 4:
        problems.add("password_required_classes", "0 to 4")
    if policy.mfa_required not in MFA_REQUIREMENTS:
        problems.add("mfa_required", "one of off, admins, everyone")
    problems.raise_if_any("The security policy has invalid values.")


def _domains(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list | tuple) or not all(isinstance(d, str) for d in raw):
        raise InvalidArgument("Allowed domains must be a list of domain names.")
    domains = sorted({d.strip().lower().lstrip("@") for d in raw if d.strip()})
    bad = [d for d in domains if not _DOMAIN.match(d)]
    if bad or len(domains) > MAX_ALLOWED_DOMAINS:
        raise InvalidArgument(
            "Allowed invitation domains must be domain names such as example.com.",
            [FieldViolation("allowed_invitation_domains", f"invalid: {d}") for d in bad[:10]]
            or [FieldViolation("allowed_invitation_domains", f"at most {MAX_ALLOWED_DOMAINS} domains")],
        )
    return tuple(domains)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def check_password(password: str, policy: SecurityPolicy, *, email: str, admin: bool) -> None:
    """Raise InvalidArgument naming every rule the password breaks. The password is compared as given:
    never truncated or case-folded when stored (argon2 takes any length)."""
    problems = Violations()
    minimum = policy.admin_password_min_length if admin else policy.password_min_length
    if len(password) < minimum:
        problems.add("password", f"at least {minimum} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.add("password", f"at most {MAX_PASSWORD_LENGTH} characters")
    if character_classes(password) < policy.password_required_classes:
        problems.add(
            "password", f"at least {policy.password_required_classes} of: lower case, upper case, digits, symbols"
        )
    local_part = email.split("@", 1)[0].lower()
    if email and (email.lower() in password.lower() or (len(local_part) >= 3 and local_part in password.lower())):
        problems.add("password", "must not contain your email address")
    if password.lower() in common_passwords():
        problems.add("password", "is one of the most common passwords")
    problems.raise_if_any("The password does not meet the password policy.")


def strictest(policies: list[SecurityPolicy], organization_id: str = "") -> SecurityPolicy:
    """The policy to check a person's new password against: their organizations' strictest rules."""
    if not policies:
        return SecurityPolicy(organization_id)
    return replace(
        policies[0],
        password_min_length=max(p.password_min_length for p in policies),
        admin_password_min_length=max(p.admin_password_min_length for p in policies),
        password_required_classes=max(p.password_required_classes for p in policies),
    )
