"""The command-line demonstration: each example intake's triage, risk group and care plan.

It renders the same assessment the ``assess`` command prints as JSON, as text for a person.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TextIO

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.intake import Assessment, assess, parse_intake
from backpath.clinical.language import Lang, Text
from backpath.clinical.pathway import Verdict
from backpath.clinical.redflags import red_flag_bank
from backpath.clinical.stratification import PROFILE_LABELS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

_WORDS = {
    "title": Text(nl="Voorbeeldintake", en="Example intake"),
    "patient": Text(nl="Patiënt", en="Patient"),
    "age": Text(nl="jaar", en="years"),
    "triage": Text(nl="Rode vlaggen", en="Red flags"),
    "none_found": Text(nl="geen", en="none"),
    "urgency": Text(nl="Actie", en="Action"),
    "advice": Text(nl="Advies aan de patiënt", en="Advice to the patient"),
    "classification": Text(nl="Classificatie", en="Classification"),
    "scores": Text(nl="Scores", en="Scores"),
    "risk": Text(nl="STarT Back-risicogroep", en="STarT Back risk group"),
    "profile": Text(nl="Profiel (advies → vastgesteld)", en="Profile (advice → final)"),
    "plan": Text(nl="Behandelplan", en="Care plan"),
    "no_plan": Text(
        nl="Geen behandelplan: eerst de actie hierboven.",
        en="No care plan: act on the advice above first.",
    ),
    "sessions": Text(nl="behandelingen binnen", en="sessions within"),
    "weeks": Text(nl="weken", en="weeks"),
    "offer": Text(nl="Wel doen", en="Offer"),
    "avoid": Text(nl="Niet doen", en="Do not offer"),
    "add_on": Text(nl="Alleen als aanvulling", en="Add-on only"),
    "evaluations": Text(nl="Evaluaties", en="Evaluations"),
    "discharge": Text(nl="bij afsluiten", en="at discharge"),
    "week": Text(nl="week", en="week"),
    "weeks_short": Text(nl="wk", en="wk"),
    "female": Text(nl="vrouw", en="female"),
    "male": Text(nl="man", en="male"),
    "other": Text(nl="anders", en="other"),
}


def _w(key: str, lang: Lang) -> str:
    return _WORDS[key](lang)


def _wrap(text: str, indent: str = "      ") -> str:
    return textwrap.fill(
        text, width=96, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def render_assessment(name: str, assessment: Assessment, lang: Lang) -> str:
    """A readable summary of one assessment, with the rule and source of each plan line."""
    bank = red_flag_bank()
    intake, triage = assessment.intake, assessment.triage
    lines = [f"━━ {_w('title', lang)}: {name} ━━"]
    sex = _w(intake.patient.sex.value, lang) if intake.patient.sex else "-"
    lines.append(f"  {_w('patient', lang)}: {intake.patient.age} {_w('age', lang)}, {sex}")
    found = ", ".join(triage.flag_ids) or _w("none_found", lang)
    lines.append(f"  {_w('triage', lang)}: {found}")
    lines.append(f"  {_w('urgency', lang)}: {bank.actions[triage.urgency].label(lang)}")
    if triage.findings:
        lines.append(f"  {_w('advice', lang)}:")
        lines.append(_wrap(triage.advice()(lang)))
    c = assessment.classification
    weeks = _w("weeks_short", lang)
    duration = f", {c.duration.value} ({c.weeks_since_onset} {weeks})" if c.duration else ""
    lines.append(f"  {_w('classification', lang)}: {c.category.value}, LRS {c.lrs.value}{duration}")
    if assessment.scores:
        scored = ", ".join(
            f"{s.definition.abbreviation} {s.total if s.valid else '-'}"
            + (f" ({band.label(lang)})" if (band := s.definition.band(s.band)) else "")
            for s in assessment.scores.values()
        )
        lines.append(f"  {_w('scores', lang)}: {scored}")
    lines.append(f"  {_w('risk', lang)}: {assessment.risk or '-'}")
    advice = PROFILE_LABELS[assessment.advice.profile](lang) if assessment.advice else "-"
    final = PROFILE_LABELS[assessment.profile](lang) if assessment.profile else "-"
    lines.append(f"  {_w('profile', lang)}: {advice} → {final}")
    plan = assessment.plan
    if plan is None:
        lines.append(f"  {_w('plan', lang)}: {_w('no_plan', lang)}")
        return "\n".join(lines)
    lines.append(
        f"  {_w('plan', lang)}: ≤ {plan.max_sessions} {_w('sessions', lang)} "
        f"{plan.within_weeks} {_w('weeks', lang)} [{plan.budget_reason.rule}]"
    )
    if plan.hold:
        lines.append(_wrap(f"! {plan.hold.text(lang)} [{plan.hold.rule}]", "    "))
    lines.append(f"    {_w('offer', lang)}:")
    for component in plan.components:
        reason = component.reason
        lines.append(
            _wrap(f"+ {component.id}: {reason.text(lang)} [{reason.rule}, {reason.source}]")
        )
    avoid = [n for n in plan.not_recommended if n.verdict is Verdict.DO_NOT_OFFER]
    add_on = [n for n in plan.not_recommended if n.verdict is Verdict.ADD_ON_ONLY]
    lines.append(f"    {_w('avoid', lang)}: " + ", ".join(n.id for n in avoid))
    for entry in add_on:
        reason = entry.reason
        lines.append(f"    {_w('add_on', lang)}:")
        lines.append(_wrap(f"~ {entry.id}: {reason.text(lang)} [{reason.rule}, {reason.source}]"))
    lines.append(f"    {_w('evaluations', lang)}:")
    for evaluation in plan.evaluations:
        when = (
            f"{_w('week', lang)} {evaluation.week} ({evaluation.due})"
            if evaluation.due
            else _w("discharge", lang)
        )
        lines.append(
            f"      {when}: {', '.join(evaluation.instruments)} [{evaluation.reason.rule}]"
        )
    return "\n".join(lines)


def run_walkthrough(lang: Lang, out: TextIO, folder: Path = EXAMPLES) -> int:
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise ClinicalInputError("examples", f"no example intakes found in {folder}")
    for path in paths:
        assessment = assess(parse_intake(path.read_text(encoding="utf-8")))
        out.write(render_assessment(path.stem, assessment, lang) + "\n\n")
    out.write(
        "backpath assess examples/<name>.json prints the same as JSON; "
        "see the README for the command line.\n"
    )
    return 0
