from enum import StrEnum


class MemberListQueryStatusType0(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    INVITED = "invited"
    REMOVED = "removed"

    def __str__(self) -> str:
        return str(self.value)
