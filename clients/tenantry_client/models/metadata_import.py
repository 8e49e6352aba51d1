from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MetadataImport")


@_attrs_define
class MetadataImport:
    """Exactly one of the two.

    Attributes:
        metadata_url (str | Unset):  Default: ''.
        metadata_xml (str | Unset):  Default: ''.
    """

    metadata_url: str | Unset = ""
    metadata_xml: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        metadata_url = self.metadata_url

        metadata_xml = self.metadata_xml

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if metadata_url is not UNSET:
            field_dict["metadata_url"] = metadata_url
        if metadata_xml is not UNSET:
            field_dict["metadata_xml"] = metadata_xml

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metadata_url = d.pop("metadata_url", UNSET)

        metadata_xml = d.pop("metadata_xml", UNSET)

        metadata_import = cls(
            metadata_url=metadata_url,
            metadata_xml=metadata_xml,
        )

        return metadata_import
