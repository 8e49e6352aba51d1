from enum import StrEnum


class LogStreamStatus(StrEnum):
    ACTIVE = "active"
    FAILING = "failing"
    PAUSED = "paused"

    def __str__(self) -> str:
        return str(self.value)
