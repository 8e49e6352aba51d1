from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sso_domain_state import SsoDomainState

T = TypeVar("T", bound="SsoDomain")


@_attrs_define
class SsoDomain:
    """
    Attributes:
        create_time (datetime.datetime | None):
        domain (str):
        state (SsoDomainState):
        txt_record_name (str): publish a TXT record with this name
        txt_record_value (str): and this value, then verify
        verify_time (datetime.datetime | None):
    """

    create_time: datetime.datetime | None
    domain: str
    state: SsoDomainState
    txt_record_name: str
    txt_record_value: str
    verify_time: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        create_time: None | str
        if isinstance(self.create_time, datetime.datetime):
            create_time = self.create_time.isoformat()
        else:
            create_time = self.create_time

        domain = self.domain

        state = self.state.value

        txt_record_name = self.txt_record_name

        txt_record_value = self.txt_record_value

        verify_time: None | str
        if isinstance(self.verify_time, datetime.datetime):
            verify_time = self.verify_time.isoformat()
        else:
            verify_time = self.verify_time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "create_time": create_time,
                "domain": domain,
                "state": state,
                "txt_record_name": txt_record_name,
                "txt_record_value": txt_record_value,
                "verify_time": verify_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        domain = d.pop("domain")

        state = SsoDomainState(d.pop("state"))

        txt_record_name = d.pop("txt_record_name")

        txt_record_value = d.pop("txt_record_value")

        def _parse_verify_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                verify_time_type_0 = datetime.datetime.fromisoformat(data)

                return verify_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        verify_time = _parse_verify_time(d.pop("verify_time"))

        sso_domain = cls(
            create_time=create_time,
            domain=domain,
            state=state,
            txt_record_name=txt_record_name,
            txt_record_value=txt_record_value,
            verify_time=verify_time,
        )

        return sso_domain
