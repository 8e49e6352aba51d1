from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.member import Member
    from ..models.outcome import Outcome


T = TypeVar("T", bound="ImportRow")


@_attrs_define
class ImportRow:
    """
    Attributes:
        email (str):
        error (None | Outcome):
        member (Member | None):
        row (int):
    """

    email: str
    error: None | Outcome
    member: Member | None
    row: int

    def to_dict(self) -> dict[str, Any]:
        from ..models.member import Member  # noqa: PLC0415
        from ..models.outcome import Outcome  # noqa: PLC0415

        email = self.email

        error: dict[str, Any] | None
        if isinstance(self.error, Outcome):
            error = self.error.to_dict()
        else:
            error = self.error

        member: dict[str, Any] | None
        if isinstance(self.member, Member):
            member = self.member.to_dict()
        else:
            member = self.member

        row = self.row

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "error": error,
                "member": member,
                "row": row,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member import Member  # noqa: PLC0415
        from ..models.outcome import Outcome  # noqa: PLC0415

        d = dict(src_dict)
        email = d.pop("email")

        def _parse_error(data: object) -> None | Outcome:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = Outcome.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Outcome, data)

        error = _parse_error(d.pop("error"))

        def _parse_member(data: object) -> Member | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                member_type_0 = Member.from_dict(data)

                return member_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Member | None, data)

        member = _parse_member(d.pop("member"))

        row = d.pop("row")

        import_row = cls(
            email=email,
            error=error,
            member=member,
            row=row,
        )

        return import_row
