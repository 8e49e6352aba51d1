"""SCIM PATCH on a User, pure: the whole enterprise extension as one path, and removals that leave an attribute
unassigned (RFC 7644 §3.5.2), as scim2-tester checks them."""

from __future__ import annotations

import pytest

from services.membership.domain.scim_model import ScimAttributes, ScimUserFields
from services.membership.domain.scim_patch import InvalidPatch, PatchOperation, apply_patch

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def ann() -> ScimUserFields:
    return ScimUserFields(
        ScimAttributes(
            user_name="ann@acme.test", given_name="Ann", family_name="Lee", department="Sales", manager_id="m-1"
        ),
        display_name="Ann Lee",
    )


def test_the_whole_enterprise_extension_is_added_as_one_object_and_keys_it_leaves_out_keep_their_values() -> None:
    value = {"schemas": [ENTERPRISE], "costCenter": "CC-7", "manager": {"value": "m-2", "$ref": "../Users/m-2"}}
    patched = apply_patch(ann(), [PatchOperation("add", ENTERPRISE, value)])
    assert patched.attributes.cost_center == "CC-7"
    assert patched.attributes.manager_id == "m-2"
    assert patched.attributes.department == "Sales"


def test_removing_the_enterprise_extension_clears_every_attribute_of_it() -> None:
    patched = apply_patch(ann(), [PatchOperation("remove", ENTERPRISE)])
    assert (patched.attributes.department, patched.attributes.manager_id) == ("", "")
    assert patched.attributes.given_name == "Ann"


def test_removing_name_or_display_name_leaves_them_unassigned() -> None:
    patched = apply_patch(ann(), [PatchOperation("remove", "name"), PatchOperation("remove", "displayName")])
    assert (patched.attributes.given_name, patched.attributes.family_name, patched.display_name) == ("", "", "")


def test_active_and_user_name_cannot_be_removed() -> None:
    for path in ("active", "userName"):
        with pytest.raises(InvalidPatch) as refused:
            apply_patch(ann(), [PatchOperation("remove", path)])
        assert refused.value.reason == "mutability"
