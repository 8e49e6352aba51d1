"""The catalogue of audit actions: every action an audit entry can carry, what it means, and which message its
details hold. Integrators rely on it (docs/audit-actions.md is generated from it by scripts/gen_audit_catalogue.py);
tests/test_audit_catalogue.py fails when the code publishes an event type the catalogue does not name.

An entry's action is its event type less the producer ('membership.member.invited' -> 'member.invited'); its
details are the event's payload as JSON (field names as in the proto message named here).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuditAction:
    """One action of the audit log."""

    producer: str  # the service whose event it is: identity, membership, billing, audit
    name: str  # the entry's `action`
    meaning: str  # what happened, for a reader of the log
    details: str = ""  # full name of the proto message the entry's details hold; "" when none

    @property
    def event_type(self) -> str:
        return f"{self.producer}.{self.name}"


def _actions(producer: str, details: str, meanings: dict[str, str]) -> list[AuditAction]:
    return [AuditAction(producer, name, meaning, details) for name, meaning in meanings.items()]


_EVENTS = "tenantry.events.v1."
SUBSCRIPTION_CHANGES = {
    "opened": "A subscription started (trial or paid).",
    "seats_added": "Seats were bought; the prorated amount was invoiced.",
    "seat_reduction_scheduled": "Fewer seats from the next renewal.",
    "seat_reduction_canceled": "A scheduled seat reduction was withdrawn.",
    "plan_changed": "The plan changed now (an upgrade).",
    "plan_change_scheduled": "The plan changes at the next renewal (a downgrade).",
    "plan_change_withdrawn": "A scheduled plan change was withdrawn at the renewal: the plan lacks a feature in use.",
    "profile_updated": "The billing profile (company, address, tax id) changed.",
    "payment_method_updated": "The payment method changed.",
    "cancel_scheduled": "The subscription was canceled; it ends at the end of the period.",
    "resumed": "A scheduled cancellation was withdrawn.",
    "renewed": "A new period started and its invoice was issued.",
    "canceled": "The subscription ended: access is cut and deletion is scheduled.",
    "past_due": "A renewal payment failed; retries follow.",
    "unpaid": "Payment retries ran out.",
    "reactivated": "An unpaid subscription was paid and is active again.",
}

CATALOGUE: tuple[AuditAction, ...] = (
    # --- identity: accounts, sign-in, credentials, policies, SSO -----------------------------------------------
    AuditAction(
        "identity",
        "account.created",
        "An account was created (sign-up or accepted invitation).",
        _EVENTS + "AccountCreated",
    ),
    AuditAction(
        "identity",
        "session.started",
        "A person signed in (password, second factor or SSO).",
        _EVENTS + "SessionStarted",
    ),
    AuditAction(
        "identity", "session.ended", "A session ended: sign-out, revocation, expiry of trust.", _EVENTS + "SessionEnded"
    ),
    AuditAction(
        "identity",
        "sign_in.failed",
        "A sign-in was refused; `reason` says why (never to the person).",
        _EVENTS + "SignInFailed",
    ),
    AuditAction(
        "identity", "login.locked", "Repeated failures locked an account for a while.", _EVENTS + "LoginLocked"
    ),
    AuditAction(
        "identity",
        "security_policy.updated",
        "The organization's security policy changed (before/after).",
        _EVENTS + "SecurityPolicyUpdated",
    ),
    AuditAction(
        "identity",
        "api_key.created",
        "An API key or service account was created (never its secret).",
        _EVENTS + "ApiKeyCreated",
    ),
    AuditAction(
        "identity",
        "credential.revoked",
        "An API key or service account credential was revoked.",
        _EVENTS + "CredentialRevoked",
    ),
    AuditAction(
        "identity",
        "password.changed",
        "A password was changed or reset; other sessions ended.",
        _EVENTS + "PasswordChanged",
    ),
    AuditAction(
        "identity",
        "password_reset.requested",
        "A password reset link was requested and mailed.",
        _EVENTS + "PasswordResetRequested",
    ),
    *_actions(
        "identity",
        _EVENTS + "MfaChanged",
        {
            "mfa.enabled": "An authenticator app was set up (second factor on).",
            "mfa.disabled": "The second factor was turned off.",
        },
    ),
    *_actions(
        "identity",
        _EVENTS + "SsoConnectionChanged",
        {
            "sso_connection.created": "An SSO connection (SAML or OIDC) was created.",
            "sso_connection.updated": "An SSO connection changed (before/after; enabled or disabled too).",
            "sso_connection.deleted": "An SSO connection was deleted.",
            "sso_connection.metadata_imported": "An identity provider's metadata was imported into a connection.",
            "sso_connection.sp_key_rotated": "Our service-provider key of a connection was rotated.",
            "sso_connection.sp_key_retired": "An older service-provider key left metadata and decryption.",
            "sso_connection.metadata_refreshed": "A scheduled metadata refresh changed certificates or the SSO URL.",
            "sso_connection.metadata_refresh_failed": "A scheduled metadata refresh failed; the last good one stays.",
            "sso_certificate.added": "An identity provider certificate was added (rollover).",
            "sso_certificate.removed": "An identity provider certificate was removed.",
        },
    ),
    *_actions(
        "identity",
        _EVENTS + "SsoDomainChanged",
        {
            "sso_domain.added": "A domain was claimed for SSO (verification pending).",
            "sso_domain.verified": "A claimed domain was proven by its DNS record.",
            "sso_domain.removed": "A domain was released.",
        },
    ),
    AuditAction(
        "identity",
        "sso_policy.updated",
        "The SSO policy changed (SSO required, break-glass Owners).",
        _EVENTS + "SsoPolicyUpdated",
    ),
    AuditAction("identity", "sso.sign_in", "A person signed in through an SSO connection.", _EVENTS + "SsoSignedIn"),
    *_actions(
        "identity",
        _EVENTS + "SsoSignInRejected",
        {
            "sso.saml.rejected": "A SAML response was refused (`reason`: the failed check); no session opened.",
            "sso.oidc.rejected": "An OIDC sign-in was refused (`reason`: the failed check); no session opened.",
        },
    ),
    # --- membership: the organization, members, groups, roles, provisioning -------------------------------------
    AuditAction(
        "membership",
        "organization.created",
        "The organization was created with its first Owner.",
        _EVENTS + "OrganizationCreated",
    ),
    AuditAction(
        "membership",
        "organization.updated",
        "The organization's profile changed (before/after).",
        _EVENTS + "OrganizationUpdated",
    ),
    AuditAction(
        "membership",
        "organization.deleted",
        "The deletion date passed: every service deleted the organization's data; this entry stays as the record.",
        _EVENTS + "OrganizationDeleted",
    ),
    *_actions(
        "membership",
        _EVENTS + "OrganizationDeletionRequestChanged",
        {
            "organization.deletion_requested": (
                "An Owner asked for the organization's early deletion; it is deleted when the grace period ends."
            ),
            "organization.deletion_canceled": "An Owner canceled the organization's early deletion.",
        },
    ),
    *_actions(
        "membership",
        _EVENTS + "OrganizationDeletionHoldChanged",
        {
            "organization.deletion_hold_placed": "An operator's legal hold stops the organization's deletion.",
            "organization.deletion_hold_lifted": "The legal hold on the organization's deletion was lifted.",
        },
    ),
    AuditAction(
        "membership",
        "member.added",
        "A person became a member without an invitation (provisioning).",
        _EVENTS + "MemberChanged",
    ),
    *_actions(
        "membership",
        _EVENTS + "MemberInvited",
        {
            "member.invited": "A person was invited by email.",
            "member.invitation_resent": "An invitation was sent again with a new link.",
        },
    ),
    *_actions(
        "membership",
        _EVENTS + "MemberChanged",
        {
            "member.role_changed": "A member's role changed (`previous_role` holds the one before).",
            "member.deactivated": "A member was deactivated: sessions and keys stop, the seat is released.",
            "member.activated": "A member became active: accepted, reactivated or linked by an identity provider.",
            "member.removed": "A member (or a pending invitation) was removed.",
            "member.seat_changed": "A member's seat was given up or added, apart from their role (`seat_consuming`).",
            "member.renamed": "A member's display name changed (`previous_display_name` holds the one before).",
            "member.avatar_changed": "A member's picture was set, replaced or removed (the picture is not logged).",
        },
    ),
    AuditAction(
        "membership",
        "member.profile_changed",
        "A member's profile fields changed (before/after).",
        _EVENTS + "MemberProfileChanged",
    ),
    *_actions(
        "membership",
        _EVENTS + "GroupChanged",
        {
            "group.created": "A group was created.",
            "group.updated": "A group was renamed or changed (`previous_name`).",
            "group.deleted": "A group was deleted (its last state).",
        },
    ),
    *_actions(
        "membership",
        _EVENTS + "GroupMembersChanged",
        {
            "group.members_added": "Members were added to a group.",
            "group.members_removed": "Members were removed from a group.",
        },
    ),
    *_actions(
        "membership",
        _EVENTS + "ProfileFieldChanged",
        {
            "profile_field.saved": "A custom profile field was created or changed.",
            "profile_field.deleted": "A custom profile field was deleted.",
        },
    ),
    *_actions(
        "membership",
        _EVENTS + "CustomRoleChanged",
        {
            "role.saved": "A custom role was created or its permissions changed.",
            "role.deleted": "A custom role was deleted.",
        },
    ),
    AuditAction(
        "membership",
        "scim_hold.held",
        "The SCIM safety hold kept a mass deactivation back.",
        _EVENTS + "ScimChangeHeld",
    ),
    *_actions(
        "membership",
        _EVENTS + "ScimHeldChangesDecided",
        {
            "scim_hold.approved": "An Owner applied the held SCIM changes.",
            "scim_hold.rejected": "An Owner dropped the held SCIM changes.",
        },
    ),
    *_actions(
        "membership",
        _EVENTS + "ScimProvisioningSettingsChanged",
        {
            "scim_settings.changed": "SCIM provisioning settings changed (dry-run, automatic seat purchase, cap).",
            "scim_settings.dry_run_disabled": "SCIM dry-run was turned off: the identity provider's writes now apply.",
        },
    ),
    *_actions(
        "membership",
        _EVENTS + "ScimSeatTrueUp",
        {
            "scim_true_up.seat_purchased": "A SCIM write bought a seat automatically (within the cap).",
            "scim_true_up.cap_reached": "A SCIM write needed a seat beyond the cap; it was refused.",
            "scim_true_up.no_seat": "A SCIM write needed a seat and automatic purchase is off; it was refused.",
        },
    ),
    AuditAction(
        "membership",
        "module.switched",
        "A product module was switched on or off (organization or group).",
        _EVENTS + "ModuleSwitched",
    ),
    # --- billing: seats, subscription, invoices, payments -------------------------------------------------------
    AuditAction("billing", "seat.reserved", "A seat was held for a new or returning member.", _EVENTS + "SeatReserved"),
    AuditAction("billing", "seat.released", "A seat was given back.", _EVENTS + "SeatReleased"),
    *_actions(
        "billing", _EVENTS + "SubscriptionChanged", {f"subscription.{c}": m for c, m in SUBSCRIPTION_CHANGES.items()}
    ),
    AuditAction("billing", "invoice.issued", "An invoice was issued (PDF available).", _EVENTS + "InvoiceIssued"),
    *_actions(
        "billing",
        _EVENTS + "PaymentAttempted",
        {
            "payment.succeeded": "A payment went through.",
            "payment.failed": "A payment was declined.",
            "payment.recorded": "A payment made outside the provider was recorded by hand.",
        },
    ),
    AuditAction("billing", "credit_note.issued", "A paid invoice was credited.", _EVENTS + "CreditNoteIssued"),
    AuditAction(
        "billing",
        "organization.deletion_scheduled",
        "A subscription ended: data deletion is scheduled.",
        _EVENTS + "OrganizationDeletionScheduled",
    ),
    AuditAction(
        "billing",
        "entitlements.changed",
        "What the organization may use changed (plan, trial, end).",
        _EVENTS + "EntitlementsChanged",
    ),
    # --- audit's own entries -------------------------------------------------------------------------------------
    AuditAction("audit", "retention.updated", "The log's retention changed (before/after)."),
    AuditAction("audit", "retention.legal_hold_placed", "A legal hold stops pruning and deletion of the log."),
    AuditAction("audit", "retention.legal_hold_lifted", "The legal hold was lifted."),
    AuditAction("audit", "retention.pruned", "Entries older than the retention were deleted; the chain's anchor kept."),
    *_actions(
        "audit",
        "",
        {
            "log_stream.created": "A SIEM log stream was created (never its secret).",
            "log_stream.updated": "A log stream changed (before/after).",
            "log_stream.paused": "A log stream was paused, by an admin or after failing for too long.",
            "log_stream.resumed": "A paused log stream was resumed.",
            "log_stream.deleted": "A log stream was deleted.",
            "log_stream.secret_rotated": "A log stream's signing secret was rotated; both sign until the overlap ends.",
        },
    ),
    *_actions(
        "audit",
        "",
        {
            "audit_export.requested": "An export of the log was asked for (format and filter in the details).",
            "audit_export.downloaded": "An export's file was downloaded (its format, filter and rows).",
        },
    ),
)

# Every service records refusals of what a principal may do, under its own producer.
DENIAL_PRODUCERS = ("identity", "membership", "billing", "audit")
DENIALS = tuple(
    AuditAction(
        producer,
        "authz.denied",
        "A call was refused for lack of a permission (or of a resource in reach).",
        "tenantry.common.v1.AuthorizationDenied",
    )
    for producer in DENIAL_PRODUCERS
)


def all_actions() -> tuple[AuditAction, ...]:
    return CATALOGUE + DENIALS


def by_event_type() -> dict[str, AuditAction]:
    return {action.event_type: action for action in all_actions()}
