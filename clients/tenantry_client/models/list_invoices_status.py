from enum import StrEnum


class ListInvoicesStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
