"""The built-in roles (Owner, Billing admin, User admin, Member), over the shared permission catalogue."""

from __future__ import annotations

from services.common.permissions import (  # noqa: F401  (re-exported: the role rules name them as roles.X)
    ANALYTICS_READ,
    API_KEYS_MANAGE,
    AUDIT_READ,
    BILLING_MANAGE,
    BILLING_READ,
    CATALOGUE,
    GROUPS_CREATE,
    GROUPS_MANAGE,
    MEMBERS_INVITE,
    MEMBERS_MANAGE_ROLES,
    MEMBERS_READ,
    MEMBERS_REMOVE,
    ORG_DELETE,
    ORG_MANAGE,
    PLATFORM_ORGANIZATIONS_CREATE,
    SEAT_USE,
    SECURITY_MANAGE,
    SUBSCRIPTION_CANCEL,
)

OWNER = "owner"
BILLING_ADMIN = "billing_admin"
USER_ADMIN = "user_admin"
MEMBER = "member"

BUILT_IN_ROLES: dict[str, frozenset[str]] = {
    # Everything, including cancelling the subscription and deleting the organization.
    OWNER: CATALOGUE,
    # Manages billing and the subscription; reads the organization, members and groups; no seat.
    BILLING_ADMIN: frozenset({MEMBERS_READ, BILLING_READ, BILLING_MANAGE, AUDIT_READ}),
    # Manages members (of the Member role only) and groups; reads billing.
    USER_ADMIN: frozenset(
        {MEMBERS_READ, MEMBERS_INVITE, MEMBERS_REMOVE, GROUPS_MANAGE, GROUPS_CREATE, BILLING_READ, SEAT_USE}
    ),
    # Uses the product; no portal access.
    MEMBER: frozenset({SEAT_USE}),
}


# How the built-in roles are named to people (the seeds' names).
BUILT_IN_ROLE_NAMES: dict[str, str] = {
    OWNER: "Owner",
    BILLING_ADMIN: "Billing admin",
    USER_ADMIN: "User admin",
    MEMBER: "Member",
}


def permissions_of(role: str) -> frozenset[str]:
    return BUILT_IN_ROLES.get(role, frozenset())


def is_seat_consuming(permissions: frozenset[str]) -> bool:
    return SEAT_USE in permissions


class RoleCatalog:
    """The roles of one organization: the built-in ones and its custom roles, by key."""

    def __init__(self, custom: dict[str, frozenset[str]] | None = None):
        self._custom = custom or {}

    def permissions_of(self, role: str) -> frozenset[str] | None:
        """What `role` grants, or None when the organization has no such role."""
        if role in BUILT_IN_ROLES:
            return BUILT_IN_ROLES[role]
        return self._custom.get(role)

    def custom_permissions(self, role: str) -> frozenset[str] | None:
        """A custom role's permissions (what a member record keeps), None for built-in or unknown roles."""
        return self._custom.get(role)

    def exists(self, role: str) -> bool:
        return self.permissions_of(role) is not None


BUILT_IN_CATALOG = RoleCatalog()
