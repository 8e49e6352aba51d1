from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.member_profile import MemberProfile


T = TypeVar("T", bound="Member")


@_attrs_define
class Member:
    """
    Attributes:
        account_id (None | str):
        create_time (datetime.datetime | None):
        display_name (str):
        email (str):
        etag (str):
        id (str):
        last_sign_in_time (datetime.datetime | None):
        organization_id (str):
        profile (MemberProfile):
        role (str):
        status (str):
        uses_seat (bool):
    """

    account_id: None | str
    create_time: datetime.datetime | None
    display_name: str
    email: str
    etag: str
    id: str
    last_sign_in_time: datetime.datetime | None
    organization_id: str
    profile: MemberProfile
    role: str
    status: str
    uses_seat: bool

    def to_dict(self) -> dict[str, Any]:
        account_id: None | str
        account_id = self.account_id

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        display_name = self.display_name

        email = self.email

        etag = self.etag

        id = self.id

        last_sign_in_time: None | str
        if isinstance(self.last_sign_in_time, datetime.datetime):
            last_sign_in_time = self.last_sign_in_time.isoformat()
        else:
            last_sign_in_time = self.last_sign_in_time

        organization_id = self.organization_id

        profile = self.profile.to_dict()

        role = self.role

        status = self.status

        uses_seat = self.uses_seat

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account_id": account_id,
                "create_time": create_time,
                "display_name": display_name,
                "email": email,
                "etag": etag,
                "id": id,
                "last_sign_in_time": last_sign_in_time,
                "organization_id": organization_id,
                "profile": profile,
                "role": role,
                "status": status,
                "uses_seat": uses_seat,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_profile import MemberProfile  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_account_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_id = _parse_account_id(d.pop("account_id"))

        def _parse_create_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                create_time_type_0 = datetime.datetime.fromisoformat(data)

                return create_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        create_time = _parse_create_time(d.pop("create_time"))

        display_name = d.pop("display_name")

        email = d.pop("email")

        etag = d.pop("etag")

        id = d.pop("id")

        def _parse_last_sign_in_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_sign_in_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_sign_in_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_sign_in_time = _parse_last_sign_in_time(d.pop("last_sign_in_time"))

        organization_id = d.pop("organization_id")

        profile = MemberProfile.from_dict(d.pop("profile"))

        role = d.pop("role")

        status = d.pop("status")

        uses_seat = d.pop("uses_seat")

        member = cls(
            account_id=account_id,
            create_time=create_time,
            display_name=display_name,
            email=email,
            etag=etag,
            id=id,
            last_sign_in_time=last_sign_in_time,
            organization_id=organization_id,
            profile=profile,
            role=role,
            status=status,
            uses_seat=uses_seat,
        )

        return member
