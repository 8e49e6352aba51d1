from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.scim_token import ScimToken


T = TypeVar("T", bound="CreatedScimToken")


@_attrs_define
class CreatedScimToken:
    """
    Attributes:
        scim_token (ScimToken):
        secret (str): shown once: give it to the identity provider
    """

    scim_token: ScimToken
    secret: str

    def to_dict(self) -> dict[str, Any]:
        scim_token = self.scim_token.to_dict()

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "scim_token": scim_token,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scim_token import ScimToken  # noqa: PLC0415

        d = dict(src_dict)
        scim_token = ScimToken.from_dict(d.pop("scim_token"))

        secret = d.pop("secret")

        created_scim_token = cls(
            scim_token=scim_token,
            secret=secret,
        )

        return created_scim_token
