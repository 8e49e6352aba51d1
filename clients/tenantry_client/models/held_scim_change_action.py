from enum import StrEnum


class HeldScimChangeAction(StrEnum):
    DEACTIVATE = "deactivate"
    REMOVE = "remove"

    def __str__(self) -> str:
        return str(self.value)
