from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ExportedMember")


@_attrs_define
class ExportedMember:
    """
    Attributes:
        created (datetime.datetime):
        email (str):
        groups (list[str]):
        id (str):
        last_sign_in (datetime.datetime | None):
        name (str):
        role (str):
        status (str):
    """

    created: datetime.datetime
    email: str
    groups: list[str]
    id: str
    last_sign_in: datetime.datetime | None
    name: str
    role: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        created = self.created.isoformat()

        email = self.email

        groups = self.groups

        id = self.id

        last_sign_in: None | str
        if isinstance(self.last_sign_in, datetime.datetime):
            last_sign_in = self.last_sign_in.isoformat()
        else:
            last_sign_in = self.last_sign_in

        name = self.name

        role = self.role

        status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created": created,
                "email": email,
                "groups": groups,
                "id": id,
                "last_sign_in": last_sign_in,
                "name": name,
                "role": role,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created = datetime.datetime.fromisoformat(d.pop("created"))

        email = d.pop("email")

        groups = cast(list[str], d.pop("groups"))

        id = d.pop("id")

        def _parse_last_sign_in(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_sign_in_type_0 = datetime.datetime.fromisoformat(data)

                return last_sign_in_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_sign_in = _parse_last_sign_in(d.pop("last_sign_in"))

        name = d.pop("name")

        role = d.pop("role")

        status = d.pop("status")

        exported_member = cls(
            created=created,
            email=email,
            groups=groups,
            id=id,
            last_sign_in=last_sign_in,
            name=name,
            role=role,
            status=status,
        )

        return exported_member
