from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.sso_connection import SsoConnection


T = TypeVar("T", bound="SsoConnectionList")


@_attrs_define
class SsoConnectionList:
    """
    Attributes:
        connections (list[SsoConnection]):
    """

    connections: list[SsoConnection]

    def to_dict(self) -> dict[str, Any]:
        connections = []
        for connections_item_data in self.connections:
            connections_item = connections_item_data.to_dict()
            connections.append(connections_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connections": connections,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sso_connection import SsoConnection  # noqa: PLC0415

        d = dict(src_dict)
        connections = []
        _connections = d.pop("connections")
        for connections_item_data in _connections:
            connections_item = SsoConnection.from_dict(connections_item_data)

            connections.append(connections_item)

        sso_connection_list = cls(
            connections=connections,
        )

        return sso_connection_list
