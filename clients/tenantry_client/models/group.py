from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.group_kind import GroupKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="Group")


@_attrs_define
class Group:
    """
    Attributes:
        category (str):
        create_time (datetime.datetime | None):
        description (str):
        etag (str):
        id (str):
        is_default (bool):
        kind (GroupKind):
        locked (bool):
        member_count (int):
        name (str):
        organization_id (str):
        scim_managed (bool | Unset): only the identity provider changes it, through SCIM Default: False.
    """

    category: str
    create_time: datetime.datetime | None
    description: str
    etag: str
    id: str
    is_default: bool
    kind: GroupKind
    locked: bool
    member_count: int
    name: str
    organization_id: str
    scim_managed: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        category = self.category

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        description = self.description

        etag = self.etag

        id = self.id

        is_default = self.is_default

        kind = self.kind.value

        locked = self.locked

        member_count = self.member_count

        name = self.name

        organization_id = self.organization_id

        scim_managed = self.scim_managed

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "create_time": create_time,
                "description": description,
                "etag": etag,
                "id": id,
                "is_default": is_default,
                "kind": kind,
                "locked": locked,
                "member_count": member_count,
                "name": name,
                "organization_id": organization_id,
            }
        )
        if scim_managed is not UNSET:
            field_dict["scim_managed"] = scim_managed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = d.pop("category")

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

        description = d.pop("description")

        etag = d.pop("etag")

        id = d.pop("id")

        is_default = d.pop("is_default")

        kind = GroupKind(d.pop("kind"))

        locked = d.pop("locked")

        member_count = d.pop("member_count")

        name = d.pop("name")

        organization_id = d.pop("organization_id")

        scim_managed = d.pop("scim_managed", UNSET)

        group = cls(
            category=category,
            create_time=create_time,
            description=description,
            etag=etag,
            id=id,
            is_default=is_default,
            kind=kind,
            locked=locked,
            member_count=member_count,
            name=name,
            organization_id=organization_id,
            scim_managed=scim_managed,
        )

        return group
