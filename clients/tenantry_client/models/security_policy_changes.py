from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.security_policy_changes_mfa_required_type_0 import SecurityPolicyChangesMfaRequiredType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="SecurityPolicyChanges")


@_attrs_define
class SecurityPolicyChanges:
    """Only the fields sent change.

    Attributes:
        admin_password_min_length (int | None | Unset):
        allowed_invitation_domains (list[str] | None | Unset): empty allows any
        mfa_required (None | SecurityPolicyChangesMfaRequiredType0 | Unset):
        password_min_length (int | None | Unset):
        password_required_classes (int | None | Unset): of lower, upper, digit, symbol
        privacy_mode (bool | None | Unset):
        session_absolute_lifetime_seconds (int | None | Unset):
        session_idle_timeout_seconds (int | None | Unset):
    """

    admin_password_min_length: int | None | Unset = UNSET
    allowed_invitation_domains: list[str] | None | Unset = UNSET
    mfa_required: None | SecurityPolicyChangesMfaRequiredType0 | Unset = UNSET
    password_min_length: int | None | Unset = UNSET
    password_required_classes: int | None | Unset = UNSET
    privacy_mode: bool | None | Unset = UNSET
    session_absolute_lifetime_seconds: int | None | Unset = UNSET
    session_idle_timeout_seconds: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        admin_password_min_length: int | None | Unset
        if isinstance(self.admin_password_min_length, Unset):
            admin_password_min_length = UNSET
        else:
            admin_password_min_length = self.admin_password_min_length

        allowed_invitation_domains: list[str] | None | Unset
        if isinstance(self.allowed_invitation_domains, Unset):
            allowed_invitation_domains = UNSET
        elif isinstance(self.allowed_invitation_domains, list):
            allowed_invitation_domains = self.allowed_invitation_domains

        else:
            allowed_invitation_domains = self.allowed_invitation_domains

        mfa_required: None | str | Unset
        if isinstance(self.mfa_required, Unset):
            mfa_required = UNSET
        elif isinstance(self.mfa_required, SecurityPolicyChangesMfaRequiredType0):
            mfa_required = self.mfa_required.value
        else:
            mfa_required = self.mfa_required

        password_min_length: int | None | Unset
        if isinstance(self.password_min_length, Unset):
            password_min_length = UNSET
        else:
            password_min_length = self.password_min_length

        password_required_classes: int | None | Unset
        if isinstance(self.password_required_classes, Unset):
            password_required_classes = UNSET
        else:
            password_required_classes = self.password_required_classes

        privacy_mode: bool | None | Unset
        if isinstance(self.privacy_mode, Unset):
            privacy_mode = UNSET
        else:
            privacy_mode = self.privacy_mode

        session_absolute_lifetime_seconds: int | None | Unset
        if isinstance(self.session_absolute_lifetime_seconds, Unset):
            session_absolute_lifetime_seconds = UNSET
        else:
            session_absolute_lifetime_seconds = self.session_absolute_lifetime_seconds

        session_idle_timeout_seconds: int | None | Unset
        if isinstance(self.session_idle_timeout_seconds, Unset):
            session_idle_timeout_seconds = UNSET
        else:
            session_idle_timeout_seconds = self.session_idle_timeout_seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if admin_password_min_length is not UNSET:
            field_dict["admin_password_min_length"] = admin_password_min_length
        if allowed_invitation_domains is not UNSET:
            field_dict["allowed_invitation_domains"] = allowed_invitation_domains
        if mfa_required is not UNSET:
            field_dict["mfa_required"] = mfa_required
        if password_min_length is not UNSET:
            field_dict["password_min_length"] = password_min_length
        if password_required_classes is not UNSET:
            field_dict["password_required_classes"] = password_required_classes
        if privacy_mode is not UNSET:
            field_dict["privacy_mode"] = privacy_mode
        if session_absolute_lifetime_seconds is not UNSET:
            field_dict["session_absolute_lifetime_seconds"] = session_absolute_lifetime_seconds
        if session_idle_timeout_seconds is not UNSET:
            field_dict["session_idle_timeout_seconds"] = session_idle_timeout_seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_admin_password_min_length(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        admin_password_min_length = _parse_admin_password_min_length(d.pop("admin_password_min_length", UNSET))

        def _parse_allowed_invitation_domains(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowed_invitation_domains_type_0 = cast(list[str], data)

                return allowed_invitation_domains_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        allowed_invitation_domains = _parse_allowed_invitation_domains(d.pop("allowed_invitation_domains", UNSET))

        def _parse_mfa_required(data: object) -> None | SecurityPolicyChangesMfaRequiredType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mfa_required_type_0 = SecurityPolicyChangesMfaRequiredType0(data)

                return mfa_required_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SecurityPolicyChangesMfaRequiredType0 | Unset, data)

        mfa_required = _parse_mfa_required(d.pop("mfa_required", UNSET))

        def _parse_password_min_length(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        password_min_length = _parse_password_min_length(d.pop("password_min_length", UNSET))

        def _parse_password_required_classes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        password_required_classes = _parse_password_required_classes(d.pop("password_required_classes", UNSET))

        def _parse_privacy_mode(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        privacy_mode = _parse_privacy_mode(d.pop("privacy_mode", UNSET))

        def _parse_session_absolute_lifetime_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        session_absolute_lifetime_seconds = _parse_session_absolute_lifetime_seconds(
            d.pop("session_absolute_lifetime_seconds", UNSET)
        )

        def _parse_session_idle_timeout_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        session_idle_timeout_seconds = _parse_session_idle_timeout_seconds(d.pop("session_idle_timeout_seconds", UNSET))

        security_policy_changes = cls(
            admin_password_min_length=admin_password_min_length,
            allowed_invitation_domains=allowed_invitation_domains,
            mfa_required=mfa_required,
            password_min_length=password_min_length,
            password_required_classes=password_required_classes,
            privacy_mode=privacy_mode,
            session_absolute_lifetime_seconds=session_absolute_lifetime_seconds,
            session_idle_timeout_seconds=session_idle_timeout_seconds,
        )

        return security_policy_changes
