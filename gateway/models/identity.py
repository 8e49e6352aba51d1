"""Bodies of the sign-in, session, account, security policy and API key routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from gateway.models.fields import (
    Code,
    DisplayName,
    Domain,
    Email,
    Id,
    OptionalId,
    Password,
    Permissions,
    QueryParameters,
    RequestBody,
    ResponseBody,
    Timestamp,
    Token,
)
from gateway.models.members import Actor

MfaRequirement = Literal["off", "admins", "everyone"]


class Session(ResponseBody):
    id: str
    account_id: str
    organization_id: str
    create_time: Timestamp | None
    expire_time: Timestamp | None
    last_seen_time: Timestamp | None
    ip_address: str
    user_agent: str
    current: bool


class SignIn(RequestBody):
    email: Email
    password: Password
    organization_id: Annotated[OptionalId, Field(description="which organization, for people in several")] = ""


class SignedIn(ResponseBody):
    """A session (its cookies are set), or the request for a second factor."""

    session: Annotated[Session | None, Field(description="absent while a second factor is required")] = None
    csrf_token: Annotated[str | None, Field(description="echo it in X-CSRF-Token on changes")] = None
    mfa_required: bool = False
    mfa_challenge_token: Annotated[str | None, Field(description="send it to /v1/sessions/mfa")] = None


class SecondFactor(RequestBody):
    mfa_challenge_token: Token
    totp_code: Code = ""
    recovery_code: Code = ""


class Reauthentication(RequestBody):
    password: Password
    totp_code: Code = ""


class SessionListQuery(QueryParameters):
    account_id: Annotated[Id | None, Field(description="a member's account (security.manage)")] = None


class SessionList(ResponseBody):
    sessions: list[Session]


class SessionsRevocation(RequestBody):
    account_id: Annotated[OptionalId, Field(description="a member's account; empty: your own")] = ""
    keep_current: bool = False


class RevokedSessions(ResponseBody):
    revoked_count: int


class Principal(ResponseBody):
    actor: Actor
    account_id: str
    organization_id: str
    permissions: list[str]
    credential_id: str
    authenticate_time: Timestamp | None


class Me(ResponseBody):
    principal: Principal
    mfa_enrollment_required: bool


class PasswordChange(RequestBody):
    current_password: Password
    new_password: Password


class PasswordChanged(ResponseBody):
    revoked_session_count: int


class AccountSecurity(ResponseBody):
    totp_enabled: bool
    recovery_codes_left: int


class TotpEnrollment(ResponseBody):
    secret: str
    otpauth_uri: str
    qr_code_svg: str


class TotpCode(RequestBody):
    totp_code: Code


class RecoveryCodes(ResponseBody):
    recovery_codes: list[str]


class PasswordConfirmation(RequestBody):
    password: Password


class PasswordResetRequest(RequestBody):
    email: Email


class Accepted(ResponseBody):
    detail: str


class PasswordReset(RequestBody):
    reset_id: Id
    token: Token
    new_password: Password


class ResetSent(ResponseBody):
    expire_time: Timestamp | None


class SecurityPolicy(ResponseBody):
    organization_id: str
    session_idle_timeout_seconds: int
    session_absolute_lifetime_seconds: int
    password_min_length: int
    admin_password_min_length: int
    password_required_classes: int
    mfa_required: str
    privacy_mode: bool
    allowed_invitation_domains: list[str]
    etag: str
    update_time: Timestamp | None


class SecurityPolicyReply(ResponseBody):
    policy: SecurityPolicy


class SecurityPolicyChanges(RequestBody):
    """Only the fields sent change."""

    session_idle_timeout_seconds: Annotated[int | None, Field(ge=300, le=86_400)] = None
    session_absolute_lifetime_seconds: Annotated[int | None, Field(ge=900, le=30 * 86_400)] = None
    password_min_length: Annotated[int | None, Field(ge=8, le=128)] = None
    admin_password_min_length: Annotated[int | None, Field(ge=12, le=128)] = None
    password_required_classes: Annotated[
        int | None, Field(ge=0, le=4, description="of lower, upper, digit, symbol")
    ] = None
    mfa_required: MfaRequirement | None = None
    privacy_mode: bool | None = None
    allowed_invitation_domains: Annotated[list[Domain] | None, Field(max_length=50, description="empty allows any")] = (
        None
    )


class ApiKeyListQuery(QueryParameters):
    include_inactive: bool = False


class ApiKey(ResponseBody):
    id: str
    organization_id: str
    name: str
    prefix: str
    permissions: list[str]
    create_time: Timestamp | None
    expire_time: Timestamp | None
    last_use_time: Timestamp | None
    revoke_time: Timestamp | None
    kind: str
    creator_id: str


class ApiKeyList(ResponseBody):
    api_keys: list[ApiKey]


class ApiKeyReply(ResponseBody):
    api_key: ApiKey


class Credential(RequestBody):
    name: Annotated[DisplayName, Field(min_length=1)]
    permissions: Annotated[Permissions, Field(description="only permissions you hold")] = []
    expire_time: AwareDatetime | None = None


class CreatedApiKey(ResponseBody):
    api_key: ApiKey
    secret: Annotated[str, Field(description="shown once")]


class CreatedServiceAccount(ResponseBody):
    service_account: ApiKey
    secret: Annotated[str, Field(description="shown once")]


class ScimTokenListQuery(QueryParameters):
    include_inactive: bool = False


class ScimToken(ResponseBody):
    id: str
    organization_id: str
    name: str
    prefix: str
    create_time: Timestamp | None
    expire_time: Timestamp | None
    last_use_time: Timestamp | None
    revoke_time: Timestamp | None
    creator_id: str


class ScimTokenList(ResponseBody):
    scim_tokens: list[ScimToken]


class ScimTokenReply(ResponseBody):
    scim_token: ScimToken


class NewScimToken(RequestBody):
    name: Annotated[DisplayName, Field(min_length=1, description='e.g. "Okta"')]
    expire_time: AwareDatetime | None = None


class CreatedScimToken(ResponseBody):
    scim_token: ScimToken
    secret: Annotated[str, Field(description="shown once: give it to the identity provider")]


class ScimTokenRotation(RequestBody):
    overlap_seconds: Annotated[
        int, Field(ge=0, le=604800, description="how long the old token keeps working (0 revokes it at once)")
    ] = 3600


class RotatedScimToken(ResponseBody):
    scim_token: ScimToken
    secret: Annotated[str, Field(description="shown once")]
    previous: ScimToken
