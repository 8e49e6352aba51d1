from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.scim_token import ScimToken


T = TypeVar("T", bound="ScimTokenList")


@_attrs_define
class ScimTokenList:
    """
    Attributes:
        scim_tokens (list[ScimToken]):
    """

    scim_tokens: list[ScimToken]

    def to_dict(self) -> dict[str, Any]:
        scim_tokens = []
        for scim_tokens_item_data in self.scim_tokens:
            scim_tokens_item = scim_tokens_item_data.to_dict()
            scim_tokens.append(scim_tokens_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "scim_tokens": scim_tokens,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scim_token import ScimToken  # noqa: PLC0415

        d = dict(src_dict)
        scim_tokens = []
        _scim_tokens = d.pop("scim_tokens")
        for scim_tokens_item_data in _scim_tokens:
            scim_tokens_item = ScimToken.from_dict(scim_tokens_item_data)

            scim_tokens.append(scim_tokens_item)

        scim_token_list = cls(
            scim_tokens=scim_tokens,
        )

        return scim_token_list
