"""Bodies of the product-module routes."""

from __future__ import annotations

from gateway.models.fields import RequestBody, ResponseBody


class Module(ResponseBody):
    id: str
    name: str
    description: str
    entitlement: str
    per_group: bool
    entitled: bool
    enabled: bool
    enabled_group_ids: list[str]
    disabled_group_ids: list[str]
    plans: list[str]


class ModuleList(ResponseBody):
    modules: list[Module]


class ModuleReply(ResponseBody):
    module: Module


class ModuleSwitch(RequestBody):
    enabled: bool
