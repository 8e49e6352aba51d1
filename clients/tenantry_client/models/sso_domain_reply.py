from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.sso_domain import SsoDomain


T = TypeVar("T", bound="SsoDomainReply")


@_attrs_define
class SsoDomainReply:
    """
    Attributes:
        domain (SsoDomain):
    """

    domain: SsoDomain

    def to_dict(self) -> dict[str, Any]:
        domain = self.domain.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "domain": domain,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sso_domain import SsoDomain  # noqa: PLC0415

        d = dict(src_dict)
        domain = SsoDomain.from_dict(d.pop("domain"))

        sso_domain_reply = cls(
            domain=domain,
        )

        return sso_domain_reply
