from enum import StrEnum


class NewSsoConnectionPreset(StrEnum):
    ENTRA_ID = "entra_id"
    GOOGLE = "google"
    OKTA = "okta"
    VALUE_0 = ""

    def __str__(self) -> str:
        return str(self.value)
