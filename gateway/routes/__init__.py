"""The REST API's route table, one module per area; it drives both the routes and the OpenAPI document."""

from __future__ import annotations

from gateway.routes import (
    account,
    analytics,
    api_keys,
    audit,
    audit_exports,
    audit_retention,
    avatars,
    billing,
    groups,
    invitations,
    invoices,
    log_streams,
    members,
    modules,
    organization,
    profile_fields,
    roles,
    scim_holds,
    scim_tokens,
    security_policy,
    sessions,
    sso_admin,
)
from gateway.routing import ApiRoute

ROUTES: tuple[ApiRoute, ...] = (
    *sessions.ROUTES,
    *account.ROUTES,
    *security_policy.ROUTES,
    *api_keys.ROUTES,
    *scim_tokens.ROUTES,
    *scim_holds.ROUTES,
    *groups.ROUTES,
    *billing.ROUTES,
    *invoices.ROUTES,
    *organization.ROUTES,
    *members.ROUTES,
    *invitations.ROUTES,
    *roles.ROUTES,
    *profile_fields.ROUTES,
    *audit.ROUTES,
    *audit_exports.ROUTES,
    *audit_retention.ROUTES,
    *avatars.ROUTES,
    *log_streams.ROUTES,
    *modules.ROUTES,
    *analytics.ROUTES,
    *sso_admin.ROUTES,
)
