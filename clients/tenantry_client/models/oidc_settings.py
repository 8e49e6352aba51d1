from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="OidcSettings")


@_attrs_define
class OidcSettings:
    """
    Attributes:
        allowed_algorithms (list[str]):
        client_id (str):
        issuer (str):
        redirect_uri (str): register it at the provider
        scopes (list[str]):
    """

    allowed_algorithms: list[str]
    client_id: str
    issuer: str
    redirect_uri: str
    scopes: list[str]

    def to_dict(self) -> dict[str, Any]:
        allowed_algorithms = self.allowed_algorithms

        client_id = self.client_id

        issuer = self.issuer

        redirect_uri = self.redirect_uri

        scopes = self.scopes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "allowed_algorithms": allowed_algorithms,
                "client_id": client_id,
                "issuer": issuer,
                "redirect_uri": redirect_uri,
                "scopes": scopes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowed_algorithms = cast(list[str], d.pop("allowed_algorithms"))

        client_id = d.pop("client_id")

        issuer = d.pop("issuer")

        redirect_uri = d.pop("redirect_uri")

        scopes = cast(list[str], d.pop("scopes"))

        oidc_settings = cls(
            allowed_algorithms=allowed_algorithms,
            client_id=client_id,
            issuer=issuer,
            redirect_uri=redirect_uri,
            scopes=scopes,
        )

        return oidc_settings
