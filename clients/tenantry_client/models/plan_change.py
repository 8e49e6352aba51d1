from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanChange")


@_attrs_define
class PlanChange:
    """
    Attributes:
        plan_id (str):
        expected_charge_minor (int | None | Unset): the charge now, in minor units, a preview showed (0 for none): a
            different charge changes nothing (409 CHARGE_CHANGED); omit for no check
    """

    plan_id: str
    expected_charge_minor: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        plan_id = self.plan_id

        expected_charge_minor: int | None | Unset
        if isinstance(self.expected_charge_minor, Unset):
            expected_charge_minor = UNSET
        else:
            expected_charge_minor = self.expected_charge_minor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "plan_id": plan_id,
            }
        )
        if expected_charge_minor is not UNSET:
            field_dict["expected_charge_minor"] = expected_charge_minor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        plan_id = d.pop("plan_id")

        def _parse_expected_charge_minor(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expected_charge_minor = _parse_expected_charge_minor(d.pop("expected_charge_minor", UNSET))

        plan_change = cls(
            plan_id=plan_id,
            expected_charge_minor=expected_charge_minor,
        )

        return plan_change
