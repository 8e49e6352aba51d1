from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="OidcSettingsInput")


@_attrs_define
class OidcSettingsInput:
    """
    Attributes:
        allowed_algorithms (list[str] | Unset): empty means RS256
        client_id (str | Unset):  Default: ''.
        client_secret (str | Unset): write-only, never returned Default: ''.
        issuer (str | Unset):  Default: ''.
        scopes (list[str] | Unset): empty means "openid email profile"
    """

    allowed_algorithms: list[str] | Unset = UNSET
    client_id: str | Unset = ""
    client_secret: str | Unset = ""
    issuer: str | Unset = ""
    scopes: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        allowed_algorithms: list[str] | Unset = UNSET
        if not isinstance(self.allowed_algorithms, Unset):
            allowed_algorithms = self.allowed_algorithms

        client_id = self.client_id

        client_secret = self.client_secret

        issuer = self.issuer

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if allowed_algorithms is not UNSET:
            field_dict["allowed_algorithms"] = allowed_algorithms
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if issuer is not UNSET:
            field_dict["issuer"] = issuer
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowed_algorithms = cast(list[str], d.pop("allowed_algorithms", UNSET))

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        issuer = d.pop("issuer", UNSET)

        scopes = cast(list[str], d.pop("scopes", UNSET))

        oidc_settings_input = cls(
            allowed_algorithms=allowed_algorithms,
            client_id=client_id,
            client_secret=client_secret,
            issuer=issuer,
            scopes=scopes,
        )

        return oidc_settings_input
