from enum import StrEnum


class ListMembersOrderBy(StrEnum):
    CREATE_TIME_DESC = "create_time desc"
    EMAIL = "email"
    NAME = "name"

    def __str__(self) -> str:
        return str(self.value)
