"""The export's options as the command line offers them. Free of Django, so the parser can
name them before the app is loaded."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


# A value found in fewer rows than this is suppressed unless the operator says otherwise.
DEFAULT_MIN_CELL = 10
