from enum import StrEnum


class GroupListQueryKindType0(StrEnum):
    TEAM = "team"
    WORKSPACE = "workspace"

    def __str__(self) -> str:
        return str(self.value)
