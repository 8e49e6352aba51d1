from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScimToken")


@_attrs_define
class ScimToken:
    """
    Attributes:
        create_time (datetime.datetime | None):
        creator_id (str):
        expire_time (datetime.datetime | None):
        id (str):
        last_use_time (datetime.datetime | None):
        name (str):
        organization_id (str):
        prefix (str):
        revoke_time (datetime.datetime | None):
    """

    create_time: datetime.datetime | None
    creator_id: str
    expire_time: datetime.datetime | None
    id: str
    last_use_time: datetime.datetime | None
    name: str
    organization_id: str
    prefix: str
    revoke_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        creator_id = self.creator_id

        expire_time: None | str
        if isinstance(self.expire_time, datetime.datetime):
            expire_time = self.expire_time.isoformat()
        else:
            expire_time = self.expire_time

        id = self.id

        last_use_time: None | str
        if isinstance(self.last_use_time, datetime.datetime):
            last_use_time = self.last_use_time.isoformat()
        else:
            last_use_time = self.last_use_time

        name = self.name

        organization_id = self.organization_id

        prefix = self.prefix

        revoke_time: None | str
        if isinstance(self.revoke_time, datetime.datetime):
            revoke_time = self.revoke_time.isoformat()
        else:
            revoke_time = self.revoke_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "create_time": create_time,
                "creator_id": creator_id,
                "expire_time": expire_time,
                "id": id,
                "last_use_time": last_use_time,
                "name": name,
                "organization_id": organization_id,
                "prefix": prefix,
                "revoke_time": revoke_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        creator_id = d.pop("creator_id")

        def _parse_expire_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expire_time_type_0 = datetime.datetime.fromisoformat(data)

                return expire_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expire_time = _parse_expire_time(d.pop("expire_time"))

        id = d.pop("id")

        def _parse_last_use_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_use_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_use_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_use_time = _parse_last_use_time(d.pop("last_use_time"))

        name = d.pop("name")

        organization_id = d.pop("organization_id")

        prefix = d.pop("prefix")

        def _parse_revoke_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoke_time_type_0 = datetime.datetime.fromisoformat(data)

                return revoke_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoke_time = _parse_revoke_time(d.pop("revoke_time"))

        scim_token = cls(
            create_time=create_time,
            creator_id=creator_id,
            expire_time=expire_time,
            id=id,
            last_use_time=last_use_time,
            name=name,
            organization_id=organization_id,
            prefix=prefix,
            revoke_time=revoke_time,
        )

        return scim_token
