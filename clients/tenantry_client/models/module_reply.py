from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.module import Module


T = TypeVar("T", bound="ModuleReply")


@_attrs_define
class ModuleReply:
    """
    Attributes:
        module (Module):
    """

    module: Module

    def to_dict(self) -> dict[str, Any]:
        module = self.module.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "module": module,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.module import Module  # noqa: PLC0415

        d = dict(src_dict)
        module = Module.from_dict(d.pop("module"))

        module_reply = cls(
            module=module,
        )

        return module_reply
