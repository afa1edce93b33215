"""Red-flag answers for test intakes: a complete screening, every question answered.

Since an unanswered question is never taken as "no" (RF-UNSCREENED), an intake must answer
every red-flag question; tests that are about something else use ``screened()``.
"""

from __future__ import annotations

from backpath.clinical.redflags import red_flag_bank


def screened(*yes: str, **answers: bool | str) -> dict[str, bool | str]:
    """Every screened question answered "no", except ``yes`` and the given ``answers``."""
    result: dict[str, bool | str] = dict.fromkeys(red_flag_bank().screened, False)
    result.update(dict.fromkeys(yes, True))
    result.update({flag.replace("_", "-"): answer for flag, answer in answers.items()})
    return result
