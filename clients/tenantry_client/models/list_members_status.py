from enum import StrEnum


class ListMembersStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    INVITED = "invited"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
