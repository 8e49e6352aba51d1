from enum import StrEnum


class ListGroupsKind(StrEnum):
    TEAM = "team"
    WORKSPACE = "workspace"

    def __str__(self) -> str:
        return str(self.value)
