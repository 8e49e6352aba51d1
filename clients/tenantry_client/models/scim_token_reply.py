from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.scim_token import ScimToken


T = TypeVar("T", bound="ScimTokenReply")


@_attrs_define
class ScimTokenReply:
    """
    Attributes:
        scim_token (ScimToken):
    """

    scim_token: ScimToken

    def to_dict(self) -> dict[str, Any]:
        scim_token = self.scim_token.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "scim_token": scim_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scim_token import ScimToken  # noqa: PLC0415

        d = dict(src_dict)
        scim_token = ScimToken.from_dict(d.pop("scim_token"))

        scim_token_reply = cls(
            scim_token=scim_token,
        )

        return scim_token_reply
