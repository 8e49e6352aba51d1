from enum import StrEnum


class PaymentMethodChangeKind(StrEnum):
    INVOICE = "invoice"
    NONE = "none"
    TEST = "test"

    def __str__(self) -> str:
        return str(self.value)
