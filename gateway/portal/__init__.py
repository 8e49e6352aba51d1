"""The admin portal: server-rendered pages over the same service calls as the REST API. A module a page;
what the pages share (templates, CSRF for forms, who is signed in, redirects) is in `shared`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import grpc
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.portal import (
    analytics,
    audit_exports,
    audit_log,
    billing,
    branding,
    data_export,
    groups,
    invitation,
    language,
    organization,
    overview,
    password_reset,
    provisioning,
    roles,
    sign_in,
    sso,
    team,
    team_import,
)
from gateway.portal.security import name, password, sessions, totp
from gateway.portal.security import organization as organization_security
from gateway.portal.security import page as security
from gateway.portal.shared import SECURITY_PAGE, authenticator_of, to_sign_in
from gateway.settings import GatewaySettings


def build_portal_routes(settings: GatewaySettings) -> list[Route]:
    """The portal's routes. Pages read the settings and service clients from `request.app.state`, as the REST
    API does; `settings` keeps this alike to `build_routes`."""
    routes = [
        Route("/accept-invitation", invitation.invitation_page, methods=["GET"]),
        Route("/accept-invitation", invitation.accept_invitation, methods=["POST"]),
        Route("/", sign_in.home, methods=["GET"]),
        Route("/portal/sign-in", sign_in.sign_in, methods=["POST"]),
        Route("/portal/sign-in/mfa", sign_in.second_factor, methods=["POST"]),
        Route("/portal", overview.overview, methods=["GET"]),
        Route("/portal/sign-out", sign_in.sign_out, methods=["POST"]),
        Route("/forgot-password", password_reset.forgot_password_page, methods=["GET"]),
        Route("/forgot-password", password_reset.request_password_reset, methods=["POST"]),
        Route("/reset-password", password_reset.reset_password_page, methods=["GET"]),
        Route("/reset-password", password_reset.reset_password, methods=["POST"]),
        Route(SECURITY_PAGE, security.security_page, methods=["GET"]),
        Route(f"{SECURITY_PAGE}/password", password.change_password, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/name", name.rename_myself, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/picture", name.set_my_picture, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/enrol", totp.enrol_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/confirm", totp.confirm_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/totp/disable", totp.disable_totp, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/sessions/revoke", sessions.revoke_session, methods=["POST"]),
        Route(f"{SECURITY_PAGE}/sessions/revoke-others", sessions.revoke_other_sessions, methods=["POST"]),
        Route("/portal/language", language.choose_language, methods=["POST"]),
        Route(
            organization_security.ORGANIZATION_SECURITY_PAGE,
            organization_security.organization_security_page,
            methods=["GET"],
        ),
        Route(
            f"{organization_security.ORGANIZATION_SECURITY_PAGE}/policy",
            organization_security.save_policy,
            methods=["POST"],
        ),
        Route(
            f"{organization_security.ORGANIZATION_SECURITY_PAGE}/api-keys",
            organization_security.create_api_key,
            methods=["POST"],
        ),
        Route(
            f"{organization_security.ORGANIZATION_SECURITY_PAGE}/api-keys/revoke",
            organization_security.revoke_api_key,
            methods=["POST"],
        ),
        Route(team.TEAM_PAGE, team.team_page, methods=["GET"]),
        Route(f"{team.TEAM_PAGE}/invite", team.invite, methods=["POST"]),
        Route(f"{team.TEAM_PAGE}/bulk", team.bulk, methods=["POST"]),
        Route(f"{team.TEAM_PAGE}/member", team.member_page, methods=["GET"]),
        Route(f"{team.TEAM_PAGE}/member/{{action}}", team.act_on_member, methods=["POST"]),
        Route(f"{team.TEAM_PAGE}/import", team_import.import_page, methods=["GET"]),
        Route(f"{team.TEAM_PAGE}/import", team_import.check_or_commit, methods=["POST"]),
        Route(roles.ROLES_PAGE, roles.roles_page, methods=["GET"]),
        Route(roles.ROLES_PAGE, roles.save_role, methods=["POST"]),
        Route(f"{roles.ROLES_PAGE}/delete", roles.delete_role, methods=["POST"]),
        Route(groups.GROUPS_PAGE, groups.groups_page, methods=["GET"]),
        Route(groups.GROUPS_PAGE, groups.create_group, methods=["POST"]),
        Route(f"{groups.GROUPS_PAGE}/{{group_id}}", groups.group_page, methods=["GET"]),
        Route(f"{groups.GROUPS_PAGE}/{{group_id}}/{{change}}", groups.change_group, methods=["POST"]),
        Route(billing.BILLING_PAGE, billing.billing_page, methods=["GET"]),
        Route(f"{billing.BILLING_PAGE}/seats/preview", billing.preview_seats, methods=["POST"]),
        Route(f"{billing.BILLING_PAGE}/plan/preview", billing.preview_plan, methods=["POST"]),
        Route(f"{billing.BILLING_PAGE}/{{change}}", billing.change_subscription, methods=["POST"]),
        Route(audit_log.AUDIT_PAGE, audit_log.audit_page, methods=["GET"]),
        Route(audit_exports.AUDIT_EXPORTS_PAGE, audit_log.start_export, methods=["POST"]),
        Route(f"{audit_exports.AUDIT_EXPORTS_PAGE}/{{export_id}}", audit_exports.export_page, methods=["GET"]),
        Route(analytics.ANALYTICS_PAGE, analytics.analytics_page, methods=["GET"]),
        Route(organization.ORGANIZATION_PAGE, organization.organization_page, methods=["GET"]),
        Route(branding.BRAND_CSS, branding.brand_css, methods=["GET"]),
        Route(f"{organization.ORGANIZATION_PAGE}/logo", organization.save_logo, methods=["POST"]),
        Route(organization.ORGANIZATION_PAGE, organization.save_organization, methods=["POST"]),
        Route(f"{organization.ORGANIZATION_PAGE}/deletion", organization.request_deletion, methods=["POST"]),
        Route(f"{organization.ORGANIZATION_PAGE}/deletion/cancel", organization.cancel_deletion, methods=["POST"]),
        Route(f"{organization.ORGANIZATION_PAGE}/confirm", organization.confirm, methods=["POST"]),
        Route(data_export.DATA_EXPORT_PAGE, data_export.start_data_export, methods=["POST"]),
        Route(f"{data_export.DATA_EXPORT_PAGE}/{{export_id}}", data_export.data_export_page, methods=["GET"]),
        Route(sso.SSO_PAGE, sso.sso_page, methods=["GET"]),
        Route(f"{sso.SSO_PAGE}/connections", sso.create_connection, methods=["POST"]),
        Route(f"{sso.SSO_PAGE}/connections/switch", sso.switch_connection, methods=["POST"]),
        Route(f"{sso.SSO_PAGE}/domains", sso.add_domain, methods=["POST"]),
        Route(f"{sso.SSO_PAGE}/domains/verify", sso.verify_domain, methods=["POST"]),
        Route(f"{sso.SSO_PAGE}/policy", sso.save_policy, methods=["POST"]),
        Route(f"{sso.SSO_PAGE}/confirm", sso.confirm, methods=["POST"]),
        Route(provisioning.PROVISIONING_PAGE, provisioning.provisioning_page, methods=["GET"]),
        Route(f"{provisioning.PROVISIONING_PAGE}/tokens", provisioning.create_token, methods=["POST"]),
        Route(f"{provisioning.PROVISIONING_PAGE}/tokens/rotate", provisioning.rotate_token, methods=["POST"]),
        Route(f"{provisioning.PROVISIONING_PAGE}/tokens/revoke", provisioning.revoke_token, methods=["POST"]),
        Route(f"{provisioning.PROVISIONING_PAGE}/hold-policy", provisioning.save_hold_policy, methods=["POST"]),
        Route(
            f"{provisioning.PROVISIONING_PAGE}/held-changes/{{decision}}",
            provisioning.decide_held_changes,
            methods=["POST"],
        ),
        Route(f"{provisioning.PROVISIONING_PAGE}/confirm", provisioning.confirm, methods=["POST"]),
    ]
    return [Route(route.path, signed_out_to_sign_in(route.endpoint), methods=route.methods) for route in routes]


def signed_out_to_sign_in(page: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """A session that ends while a page is built (signed out elsewhere, revoked, expired) sends the browser to
    sign in, rather than failing the page; the gateway forgets the credential it had cached."""

    async def endpoint(request: Request) -> Response:
        try:
            return await page(request)
        except grpc.aio.AioRpcError as exc:
            if exc.code() != grpc.StatusCode.UNAUTHENTICATED:
                raise
            authenticator_of(request).forget(request)
            return to_sign_in()

    endpoint.__name__ = page.__name__
    return endpoint
