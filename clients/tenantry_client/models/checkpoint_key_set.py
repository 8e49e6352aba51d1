from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.checkpoint_key import CheckpointKey


T = TypeVar("T", bound="CheckpointKeySet")


@_attrs_define
class CheckpointKeySet:
    """
    Attributes:
        keys (list[CheckpointKey]):
    """

    keys: list[CheckpointKey]

    def to_dict(self) -> dict[str, Any]:
        keys = []
        for keys_item_data in self.keys:
            keys_item = keys_item_data.to_dict()
            keys.append(keys_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "keys": keys,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checkpoint_key import CheckpointKey  # noqa: PLC0415

        d = dict(src_dict)
        keys = []
        _keys = d.pop("keys")
        for keys_item_data in _keys:
            keys_item = CheckpointKey.from_dict(keys_item_data)

            keys.append(keys_item)

        checkpoint_key_set = cls(
            keys=keys,
        )

        return checkpoint_key_set
