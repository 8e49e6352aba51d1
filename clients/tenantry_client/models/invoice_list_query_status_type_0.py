from enum import StrEnum


class InvoiceListQueryStatusType0(StrEnum):
    OPEN = "open"
    PAID = "paid"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
