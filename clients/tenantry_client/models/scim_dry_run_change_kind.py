from enum import StrEnum


class ScimDryRunChangeKind(StrEnum):
    CREATE_GROUP = "create_group"
    CREATE_USER = "create_user"
    DELETE_GROUP = "delete_group"
    DELETE_USER = "delete_user"
    PATCH_GROUP = "patch_group"
    PATCH_USER = "patch_user"
    REPLACE_GROUP = "replace_group"
    REPLACE_USER = "replace_user"

    def __str__(self) -> str:
        return str(self.value)
