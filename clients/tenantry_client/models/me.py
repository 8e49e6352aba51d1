from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.principal import Principal


T = TypeVar("T", bound="Me")


@_attrs_define
class Me:
    """
    Attributes:
        mfa_enrollment_required (bool):
        principal (Principal):
    """

    mfa_enrollment_required: bool
    principal: Principal

    def to_dict(self) -> dict[str, Any]:
        mfa_enrollment_required = self.mfa_enrollment_required

        principal = self.principal.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mfa_enrollment_required": mfa_enrollment_required,
                "principal": principal,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.principal import Principal  # noqa: PLC0415

        d = dict(src_dict)
        mfa_enrollment_required = d.pop("mfa_enrollment_required")

        principal = Principal.from_dict(d.pop("principal"))

        me = cls(
            mfa_enrollment_required=mfa_enrollment_required,
            principal=principal,
        )

        return me
