from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Session")


@_attrs_define
class Session:
    """
    Attributes:
        account_id (str):
        create_time (datetime.datetime | None):
        current (bool):
        expire_time (datetime.datetime | None):
        id (str):
        ip_address (str):
        last_seen_time (datetime.datetime | None):
        organization_id (str):
        user_agent (str):
    """

    account_id: str
    create_time: datetime.datetime | None
    current: bool
    expire_time: datetime.datetime | None
    id: str
    ip_address: str
    last_seen_time: datetime.datetime | None
    organization_id: str
    user_agent: str

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        current = self.current

        expire_time: None | str
        if isinstance(self.expire_time, datetime.datetime):
            expire_time = self.expire_time.isoformat()
        else:
            expire_time = self.expire_time

        id = self.id

        ip_address = self.ip_address

        last_seen_time: None | str
        if isinstance(self.last_seen_time, datetime.datetime):
            last_seen_time = self.last_seen_time.isoformat()
        else:
            last_seen_time = self.last_seen_time

        organization_id = self.organization_id

        user_agent = self.user_agent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account_id": account_id,
                "create_time": create_time,
                "current": current,
                "expire_time": expire_time,
                "id": id,
                "ip_address": ip_address,
                "last_seen_time": last_seen_time,
                "organization_id": organization_id,
                "user_agent": user_agent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

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

        current = d.pop("current")

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

        ip_address = d.pop("ip_address")

        def _parse_last_seen_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_seen_time_type_0 = datetime.datetime.fromisoformat(data)

                return last_seen_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_seen_time = _parse_last_seen_time(d.pop("last_seen_time"))

        organization_id = d.pop("organization_id")

        user_agent = d.pop("user_agent")

        session = cls(
            account_id=account_id,
            create_time=create_time,
            current=current,
            expire_time=expire_time,
            id=id,
            ip_address=ip_address,
            last_seen_time=last_seen_time,
            organization_id=organization_id,
            user_agent=user_agent,
        )

        return session
