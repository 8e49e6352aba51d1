from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.sso_connection import SsoConnection


T = TypeVar("T", bound="SsoConnectionReply")


@_attrs_define
class SsoConnectionReply:
    """
    Attributes:
        connection (SsoConnection):
    """

    connection: SsoConnection

    def to_dict(self) -> dict[str, Any]:
        connection = self.connection.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connection": connection,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sso_connection import SsoConnection  # noqa: PLC0415

        d = dict(src_dict)
        connection = SsoConnection.from_dict(d.pop("connection"))

        sso_connection_reply = cls(
            connection=connection,
        )

        return sso_connection_reply
