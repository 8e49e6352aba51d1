from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="IdpCertificate")


@_attrs_define
class IdpCertificate:
    """
    Attributes:
        certificate_pem (str):
        create_time (datetime.datetime | None):
        expire_time (datetime.datetime | None):
        fingerprint_sha256 (str):
        id (str):
    """

    certificate_pem: str
    create_time: datetime.datetime | None
    expire_time: datetime.datetime | None
    fingerprint_sha256: str
    id: str

    def to_dict(self) -> dict[str, Any]:
        certificate_pem = self.certificate_pem

        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        expire_time: None | str
        if isinstance(self.expire_time, datetime.datetime):
            expire_time = self.expire_time.isoformat()
        else:
            expire_time = self.expire_time

        fingerprint_sha256 = self.fingerprint_sha256

        id = self.id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "certificate_pem": certificate_pem,
                "create_time": create_time,
                "expire_time": expire_time,
                "fingerprint_sha256": fingerprint_sha256,
                "id": id,
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

        def _parse_expire_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expire_time_type_0 = datetime.datetime.fromisoformat(data)

                return expire_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expire_time = _parse_expire_time(d.pop("expire_time"))

        fingerprint_sha256 = d.pop("fingerprint_sha256")

        id = d.pop("id")

        idp_certificate = cls(
            certificate_pem=certificate_pem,
            create_time=create_time,
            expire_time=expire_time,
            fingerprint_sha256=fingerprint_sha256,
            id=id,
        )

        return idp_certificate
