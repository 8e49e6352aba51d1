from enum import StrEnum


class LogStreamFormat(StrEnum):
    DATADOG = "datadog"
    SPLUNK_HEC = "splunk_hec"
    WEBHOOK = "webhook"

    def __str__(self) -> str:
        return str(self.value)
