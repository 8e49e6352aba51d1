from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SecurityPolicy")


@_attrs_define
class SecurityPolicy:
    """
    Attributes:
        admin_password_min_length (int):
        allowed_invitation_domains (list[str]):
        etag (str):
        mfa_required (str):
        organization_id (str):
        password_min_length (int):
        password_required_classes (int):
        privacy_mode (bool):
        session_absolute_lifetime_seconds (int):
        session_idle_timeout_seconds (int):
        update_time (datetime.datetime | None):
    """

    admin_password_min_length: int
    allowed_invitation_domains: list[str]
    etag: str
    mfa_required: str
    organization_id: str
    password_min_length: int
    password_required_classes: int
    privacy_mode: bool
    session_absolute_lifetime_seconds: int
    session_idle_timeout_seconds: int
    update_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        admin_password_min_length = self.admin_password_min_length

        allowed_invitation_domains = self.allowed_invitation_domains

        etag = self.etag

        mfa_required = self.mfa_required

        organization_id = self.organization_id

        password_min_length = self.password_min_length

        password_required_classes = self.password_required_classes

        privacy_mode = self.privacy_mode

        session_absolute_lifetime_seconds = self.session_absolute_lifetime_seconds

        session_idle_timeout_seconds = self.session_idle_timeout_seconds

        update_time: None | str
        if isinstance(self.update_time, datetime.datetime):
            update_time = self.update_time.isoformat()
        else:
            update_time = self.update_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "admin_password_min_length": admin_password_min_length,
                "allowed_invitation_domains": allowed_invitation_domains,
                "etag": etag,
                "mfa_required": mfa_required,
                "organization_id": organization_id,
                "password_min_length": password_min_length,
                "password_required_classes": password_required_classes,
                "privacy_mode": privacy_mode,
                "session_absolute_lifetime_seconds": session_absolute_lifetime_seconds,
                "session_idle_timeout_seconds": session_idle_timeout_seconds,
                "update_time": update_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        admin_password_min_length = d.pop("admin_password_min_length")

        allowed_invitation_domains = cast(list[str], d.pop("allowed_invitation_domains"))

        etag = d.pop("etag")

        mfa_required = d.pop("mfa_required")

        organization_id = d.pop("organization_id")

        password_min_length = d.pop("password_min_length")

        password_required_classes = d.pop("password_required_classes")

        privacy_mode = d.pop("privacy_mode")

        session_absolute_lifetime_seconds = d.pop("session_absolute_lifetime_seconds")

        session_idle_timeout_seconds = d.pop("session_idle_timeout_seconds")

        def _parse_update_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                update_time_type_0 = datetime.datetime.fromisoformat(data)

                return update_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        update_time = _parse_update_time(d.pop("update_time"))

        security_policy = cls(
            admin_password_min_length=admin_password_min_length,
            allowed_invitation_domains=allowed_invitation_domains,
            etag=etag,
            mfa_required=mfa_required,
            organization_id=organization_id,
            password_min_length=password_min_length,
            password_required_classes=password_required_classes,
            privacy_mode=privacy_mode,
            session_absolute_lifetime_seconds=session_absolute_lifetime_seconds,
            session_idle_timeout_seconds=session_idle_timeout_seconds,
            update_time=update_time,
        )

        return security_policy
