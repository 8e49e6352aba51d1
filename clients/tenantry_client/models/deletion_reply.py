from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.deletion_state import DeletionState


T = TypeVar("T", bound="DeletionReply")


@_attrs_define
class DeletionReply:
    """
    Attributes:
        deletion (DeletionState):
    """

    deletion: DeletionState

    def to_dict(self) -> dict[str, Any]:
        deletion = self.deletion.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "deletion": deletion,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.deletion_state import DeletionState  # noqa: PLC0415

        d = dict(src_dict)
        deletion = DeletionState.from_dict(d.pop("deletion"))

        deletion_reply = cls(
            deletion=deletion,
        )

        return deletion_reply
