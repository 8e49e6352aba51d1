from enum import StrEnum


class NewGroupKind(StrEnum):
    TEAM = "team"
    WORKSPACE = "workspace"

    def __str__(self) -> str:
        return str(self.value)
