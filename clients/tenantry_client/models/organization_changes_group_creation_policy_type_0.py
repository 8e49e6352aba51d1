from enum import StrEnum


class OrganizationChangesGroupCreationPolicyType0(StrEnum):
    ADMINS = "admins"
    EVERYONE = "everyone"
    OWNERS = "owners"

    def __str__(self) -> str:
        return str(self.value)
