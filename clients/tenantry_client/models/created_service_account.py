from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.api_key import ApiKey


T = TypeVar("T", bound="CreatedServiceAccount")


@_attrs_define
class CreatedServiceAccount:
    """
    Attributes:
        secret (str): shown once
        service_account (ApiKey):
    """

    secret: str
    service_account: ApiKey

    def to_dict(self) -> dict[str, Any]:
        secret = self.secret

        service_account = self.service_account.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "secret": secret,
                "service_account": service_account,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.api_key import ApiKey  # noqa: PLC0415

        d = dict(src_dict)
        secret = d.pop("secret")

        service_account = ApiKey.from_dict(d.pop("service_account"))

        created_service_account = cls(
            secret=secret,
            service_account=service_account,
        )

        return created_service_account
