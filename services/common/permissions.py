"""The permission catalogue: every permission any service checks, named once.

Roles (which permissions each built-in role holds) are membership's rule; the names live here so that identity,
billing, audit and the gateway check the very same strings.
"""

from __future__ import annotations

MEMBERS_READ = "members.read"
MEMBERS_INVITE = "members.invite"
MEMBERS_REMOVE = "members.remove"
MEMBERS_MANAGE_ROLES = "members.manage_roles"
GROUPS_MANAGE = "groups.manage"
GROUPS_CREATE = "groups.create"
SECURITY_MANAGE = "security.manage"
API_KEYS_MANAGE = "api_keys.manage"
BILLING_READ = "billing.read"
BILLING_MANAGE = "billing.manage"
SUBSCRIPTION_CANCEL = "subscription.cancel"
ORG_DELETE = "org.delete"
# Change the organization's profile (name, branding); Owners only among the built-in roles.
ORG_MANAGE = "org.manage"
AUDIT_READ = "audit.read"
ANALYTICS_READ = "analytics.read"
# Report product usage (the product's integration, usually an API key).
ANALYTICS_REPORT = "analytics.report"
# The one permission that consumes a licence seat.
SEAT_USE = "seat.use"

# Held only by SCIM tokens, never part of a role: lets membership buy one seat on the identity provider's behalf
# (billing's true-up), within the cap the organization set.
SEATS_TRUE_UP = "seats.true_up"

# Held only by operators' tools; lets a system principal act in any organization.
PLATFORM_ADMIN = "platform.admin"
PLATFORM_ORGANIZATIONS_CREATE = "platform.organizations.create"
PLATFORM_ACCOUNTS_CREATE = "platform.accounts.create"

# What an organization's roles may grant (platform permissions are never part of a role).
CATALOGUE: frozenset[str] = frozenset(
    {
        MEMBERS_READ,
        MEMBERS_INVITE,
        MEMBERS_REMOVE,
        MEMBERS_MANAGE_ROLES,
        GROUPS_MANAGE,
        GROUPS_CREATE,
        SECURITY_MANAGE,
        API_KEYS_MANAGE,
        BILLING_READ,
        BILLING_MANAGE,
        SUBSCRIPTION_CANCEL,
        ORG_DELETE,
        ORG_MANAGE,
        AUDIT_READ,
        ANALYTICS_READ,
        ANALYTICS_REPORT,
        SEAT_USE,
    }
)
