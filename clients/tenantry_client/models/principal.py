from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.actor import Actor


T = TypeVar("T", bound="Principal")


@_attrs_define
class Principal:
    """
    Attributes:
        account_id (str):
        actor (Actor):
        authenticate_time (datetime.datetime | None):
        credential_id (str):
        organization_id (str):
        permissions (list[str]):
    """

    account_id: str
    actor: Actor
    authenticate_time: datetime.datetime | None
    credential_id: str
    organization_id: str
    permissions: list[str]

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        actor = self.actor.to_dict()

        authenticate_time: None | str
        if isinstance(self.authenticate_time, datetime.datetime):
            authenticate_time = self.authenticate_time.isoformat()
        else:
            authenticate_time = self.authenticate_time

        credential_id = self.credential_id

        organization_id = self.organization_id

        permissions = self.permissions

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account_id": account_id,
                "actor": actor,
                "authenticate_time": authenticate_time,
                "credential_id": credential_id,
                "organization_id": organization_id,
                "permissions": permissions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor import Actor  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        actor = Actor.from_dict(d.pop("actor"))

        def _parse_authenticate_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                authenticate_time_type_0 = datetime.datetime.fromisoformat(data)

                return authenticate_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        authenticate_time = _parse_authenticate_time(d.pop("authenticate_time"))

        credential_id = d.pop("credential_id")

        organization_id = d.pop("organization_id")

        permissions = cast(list[str], d.pop("permissions"))

        principal = cls(
            account_id=account_id,
            actor=actor,
            authenticate_time=authenticate_time,
            credential_id=credential_id,
            organization_id=organization_id,
            permissions=permissions,
        )

        return principal
