from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SpCertificate")


@_attrs_define
class SpCertificate:
    """
    Attributes:
        certificate_pem (str):
        create_time (datetime.datetime | None):
        fingerprint_sha256 (str):
        id (str): the key's id, to retire it
        retire_time (datetime.datetime | None): end of its rotation overlap; null for the newest
    """

    certificate_pem: str
    create_time: datetime.datetime | None
    fingerprint_sha256: str
    id: str
    retire_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        certificate_pem = self.certificate_pem

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        fingerprint_sha256 = self.fingerprint_sha256

        id = self.id

        retire_time: None | str
        if isinstance(self.retire_time, datetime.datetime):
            retire_time = self.retire_time.isoformat()
        else:
            retire_time = self.retire_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "certificate_pem": certificate_pem,
                "create_time": create_time,
                "fingerprint_sha256": fingerprint_sha256,
                "id": id,
                "retire_time": retire_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        certificate_pem = d.pop("certificate_pem")

        def _parse_create_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                create_time_type_0 = datetime.datetime.fromisoformat(data)

                return create_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        create_time = _parse_create_time(d.pop("create_time"))

        fingerprint_sha256 = d.pop("fingerprint_sha256")

        id = d.pop("id")

        def _parse_retire_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                retire_time_type_0 = datetime.datetime.fromisoformat(data)

                return retire_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        retire_time = _parse_retire_time(d.pop("retire_time"))

        sp_certificate = cls(
            certificate_pem=certificate_pem,
            create_time=create_time,
            fingerprint_sha256=fingerprint_sha256,
            id=id,
            retire_time=retire_time,
        )

        return sp_certificate
