from enum import StrEnum


class BulkChangeAction(StrEnum):
    ADD_TO_GROUPS = "add_to_groups"
    CHANGE_ROLE = "change_role"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    REMOVE = "remove"
    REMOVE_FROM_GROUPS = "remove_from_groups"

    def __str__(self) -> str:
        return str(self.value)
