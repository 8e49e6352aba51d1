from enum import StrEnum


class ExportMembersFormat(StrEnum):
    CSV = "csv"
    GROUPS_CSV = "groups_csv"
    JSON = "json"

    def __str__(self) -> str:
        return str(self.value)
