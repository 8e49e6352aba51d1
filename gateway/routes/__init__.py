"""The REST API's route table, one module per area; it drives both the routes and the OpenAPI document."""

from __future__ import annotations

from gateway.routes import (
    account,
    api_keys,
    audit,
    billing,
    groups,
    invitations,
    invoices,
    members,
    organization,
    profile_fields,
    roles,
    security_policy,
    sessions,
)
from gateway.routing import ApiRoute

ROUTES: tuple[ApiRoute, ...] = (
    *sessions.ROUTES,
    *account.ROUTES,
    *security_policy.ROUTES,
    *api_keys.ROUTES,
    *groups.ROUTES,
    *billing.ROUTES,
    *invoices.ROUTES,
    *organization.ROUTES,
    *members.ROUTES,
    *invitations.ROUTES,
    *roles.ROUTES,
    *profile_fields.ROUTES,
    *audit.ROUTES,
)
