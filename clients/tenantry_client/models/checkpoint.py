from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Checkpoint")


@_attrs_define
class Checkpoint:
    """
    Attributes:
        hash_ (str):
        key_id (str):
        organization_id (str):
        previous_signature (str):
        sequence (int):
        sign_time (datetime.datetime | None):
        signature (str):
    """

    hash_: str
    key_id: str
    organization_id: str
    previous_signature: str
    sequence: int
    sign_time: datetime.datetime | None
    signature: str

    def to_dict(self) -> dict[str, Any]:
        hash_ = self.hash_

        key_id = self.key_id

        organization_id = self.organization_id

        previous_signature = self.previous_signature

        sequence = self.sequence

        sign_time: None | str
        if isinstance(self.sign_time, datetime.datetime):
            sign_time = self.sign_time.isoformat()
        else:
            sign_time = self.sign_time

        signature = self.signature

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "hash": hash_,
                "key_id": key_id,
                "organization_id": organization_id,
                "previous_signature": previous_signature,
                "sequence": sequence,
                "sign_time": sign_time,
                "signature": signature,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hash_ = d.pop("hash")

        key_id = d.pop("key_id")

        organization_id = d.pop("organization_id")

        previous_signature = d.pop("previous_signature")

        sequence = d.pop("sequence")

        def _parse_sign_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sign_time_type_0 = datetime.datetime.fromisoformat(data)

                return sign_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sign_time = _parse_sign_time(d.pop("sign_time"))

        signature = d.pop("signature")

        checkpoint = cls(
            hash_=hash_,
            key_id=key_id,
            organization_id=organization_id,
            previous_signature=previous_signature,
            sequence=sequence,
            sign_time=sign_time,
            signature=signature,
        )

        return checkpoint
