from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.scim_token import ScimToken


T = TypeVar("T", bound="RotatedScimToken")


@_attrs_define
class RotatedScimToken:
    """
    Attributes:
        previous (ScimToken):
        scim_token (ScimToken):
        secret (str): shown once
    """

    previous: ScimToken
    scim_token: ScimToken
    secret: str

    def to_dict(self) -> dict[str, Any]:
        previous = self.previous.to_dict()

        scim_token = self.scim_token.to_dict()

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "previous": previous,
                "scim_token": scim_token,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scim_token import ScimToken  # noqa: PLC0415

        d = dict(src_dict)
        previous = ScimToken.from_dict(d.pop("previous"))

        scim_token = ScimToken.from_dict(d.pop("scim_token"))

        secret = d.pop("secret")

        rotated_scim_token = cls(
            previous=previous,
            scim_token=scim_token,
            secret=secret,
        )

        return rotated_scim_token
