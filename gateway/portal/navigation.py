"""The portal's sections and who sees each. A section shows when the signed-in person holds the permission its
service checks; the service refuses anyway, so the navigation can never offer more than the API allows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.common import permissions as p


@dataclass(frozen=True)
class Section:
    key: str
    path: str
    label: str
    # Any one of these permissions shows the section; empty: everyone signed in.
    any_of: frozenset[str]


SECTIONS: tuple[Section, ...] = (
    Section("overview", "/portal", "Overview", frozenset({p.MEMBERS_READ})),
    Section("team", "/portal/team", "Team", frozenset({p.MEMBERS_READ})),
    Section("roles", "/portal/roles", "Roles", frozenset({p.MEMBERS_READ})),
    Section("groups", "/portal/groups", "Groups", frozenset({p.MEMBERS_READ})),
    Section("billing", "/portal/billing", "Billing", frozenset({p.BILLING_READ})),
    Section("audit", "/portal/audit", "Audit log", frozenset({p.AUDIT_READ})),
    Section("analytics", "/portal/analytics", "Analytics", frozenset({p.ANALYTICS_READ})),
    Section("organization", "/portal/organization", "Organization", frozenset({p.ORG_MANAGE})),
    Section("sso", "/portal/sso", "Single sign-on", frozenset({p.SECURITY_MANAGE})),
    Section("provisioning", "/portal/provisioning", "Provisioning", frozenset({p.SECURITY_MANAGE})),
    Section("security", "/portal/security", "Security", frozenset()),
)


def visible_sections(permissions: Iterable[str]) -> list[Section]:
    held = set(permissions)
    return [section for section in SECTIONS if not section.any_of or section.any_of & held]


def landing_path(permissions: Iterable[str]) -> str:
    """Where a person lands after signing in: the overview, or the first section they may see (an accountant
    with only billing rights lands on Billing; a plain member on personal security)."""
    return visible_sections(permissions)[0].path
