from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.module import Module


T = TypeVar("T", bound="ModuleList")


@_attrs_define
class ModuleList:
    """
    Attributes:
        modules (list[Module]):
    """

    modules: list[Module]

    def to_dict(self) -> dict[str, Any]:
        modules = []
        for modules_item_data in self.modules:
            modules_item = modules_item_data.to_dict()
            modules.append(modules_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "modules": modules,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.module import Module  # noqa: PLC0415

        d = dict(src_dict)
        modules = []
        _modules = d.pop("modules")
        for modules_item_data in _modules:
            modules_item = Module.from_dict(modules_item_data)

            modules.append(modules_item)

        module_list = cls(
            modules=modules,
        )

        return module_list
