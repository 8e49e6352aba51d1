from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PasswordReset")


@_attrs_define
class PasswordReset:
    """
    Attributes:
        new_password (str):
        reset_id (str):
        token (str):
    """

    new_password: str
    reset_id: str
    token: str

    def to_dict(self) -> dict[str, Any]:
        new_password = self.new_password

        reset_id = self.reset_id

        token = self.token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "new_password": new_password,
                "reset_id": reset_id,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_password = d.pop("new_password")

        reset_id = d.pop("reset_id")

        token = d.pop("token")

        password_reset = cls(
            new_password=new_password,
            reset_id=reset_id,
            token=token,
        )

        return password_reset
