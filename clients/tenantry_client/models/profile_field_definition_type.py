from enum import StrEnum


class ProfileFieldDefinitionType(StrEnum):
    CHOICE = "choice"
    DATE = "date"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
