"""Checks on a treatment session against the care plan (KNGF 2021, modules C and D).

A session note lists the interventions given, from a coded list: the plan's active
components and the interventions the guideline advises against.  Choosing one the plan
lists as not recommended, or going over the profile's session budget, is allowed only with a
documented reason; this module says which warnings apply, the web form asks for the reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache

from backpath.clinical.pathway import Verdict, pathway_rules


@cache
def intervention_codes() -> tuple[str, ...]:
    """Every intervention a session note may record: active components, then passive ones."""
    rules = pathway_rules()
    codes = dict.fromkeys(c.id for c in rules.components)
    codes.update(dict.fromkeys(n.id for n in rules.not_recommended))
    return tuple(codes)


@dataclass(frozen=True, slots=True)
class SessionCheck:
    # Chosen interventions the plan advises against, with the plan's verdict, in chosen order.
    not_recommended: tuple[tuple[str, Verdict], ...]
    over_budget: bool
    # The plan is on hold for the GP's answer to a red flag (PW-HOLD-GP, KNGF 2021 B.1.3).
    on_hold: bool = False

    @property
    def needs_reason(self) -> bool:
        """A session before the GP's answer, or with care advised against, needs a reason."""
        return bool(self.not_recommended) or self.on_hold


def check_session(
    chosen: Collection[str],
    avoid: Mapping[str, Verdict],
    number: int,
    max_sessions: int,
    *,
    on_hold: bool = False,
) -> SessionCheck:
    """Warnings for session ``number`` (1-based) of a plan with ``max_sessions``.

    ``avoid`` is the plan's not-recommended list (id -> verdict).  An ``add_on_only``
    intervention warns too: the guideline allows it only beside active care, and the
    clinician documents why it was added (KNGF 2021 C4.2).
    """
    unknown = [code for code in chosen if code not in intervention_codes()]
    if unknown:
        raise ValueError(f"unknown intervention code(s): {', '.join(unknown)}")
    if number < 1 or max_sessions < 1:
        raise ValueError("session number and budget start at 1")
    warned = tuple((code, avoid[code]) for code in chosen if code in avoid)
    return SessionCheck(not_recommended=warned, over_budget=number > max_sessions, on_hold=on_hold)
