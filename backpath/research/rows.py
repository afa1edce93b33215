"""From one chunk of episodes and their records to the rows of the three tables.

Rows are built by column name and put in the dictionary's order (``_row``), so a value for a
column the dictionary does not list is an error, never a silent extra. Every date becomes a
number of days since the episode's start; ids become pseudonyms.

Scores are computed again from the stored answers with the clinical core, and change is
classified the way ``followup.services.measurement_record`` classified it when the
questionnaire came in: against the intake, and after discharge against the discharge
measurement.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import repeat

from backpath.clinical.followup import AlertKind
from backpath.clinical.instruments import instrument
from backpath.clinical.scoring import Score, score
from backpath.followup.services import changes_between
from backpath.research.pseudonyms import Pseudonyms
from backpath.research.records import (
    HOLD_WARNING,
    EpisodeFacts,
    PlanFacts,
    ProgramFacts,
    Records,
    SessionFacts,
    read_chunk,
)
from backpath.research.suppression import Cell
from backpath.research.tables import (
    BASELINE,
    CODE_SEPARATOR,
    Table,
    age_band,
    classified_instruments,
    column_name,
    episodes_table,
    measurements_table,
    occasions,
    sessions_table,
)

STARTBACK = "startback"
PSYCHOSOCIAL = "psychosocial"
DISCHARGE = "discharge"
AFTER_CARE = "followup-"


@dataclass(slots=True)
class ChunkRows:
    episodes: list[list[Cell]] = field(default_factory=list)
    measurements: list[list[Cell]] = field(default_factory=list)
    sessions: list[list[Cell]] = field(default_factory=list)

    def by_table(self) -> tuple[tuple[Table, list[list[Cell]]], ...]:
        return (
            (episodes_table(), self.episodes),
            (measurements_table(), self.measurements),
            (sessions_table(), self.sessions),
        )


@dataclass(frozen=True, slots=True)
class Measured:
    """One occasion's questionnaires, scored, with the change of each against its baseline."""

    occasion: str
    day: date
    due: date | None
    scores: Mapping[str, Score]
    changes: Mapping[str, str]  # instrument -> change class
    change_from: str | None
    outcome: str


def _row(table: Table, values: dict[str, Cell]) -> list[Cell]:
    # map() calls pop in C: a Python loop here cost more than building the values.
    row = list(map(values.pop, table.names, repeat(None)))
    if values:
        raise ValueError(f"{table.name}: not in the dictionary: {', '.join(sorted(values))}")
    return row


def _codes(codes: Collection[str]) -> str | None:
    return CODE_SEPARATOR.join(sorted(set(codes))) or None


def _scores(answers: Mapping[str, Mapping[str, int]]) -> dict[str, Score]:
    return {
        instrument_id: _score(
            instrument_id, tuple(values.items()), tuple(map(type, values.values()))
        )
        for instrument_id, values in answers.items()
    }


# Most questionnaires have a few items of a few values each (NPRS, PSK, GPE, STarT Back), so
# the same answers come back thousands of times in an export; scoring them again was a
# sixth of its time. Bounded, so memory stays flat with long questionnaires that rarely
# repeat. The answers' types are part of the key: ``True == 1`` for a dict, not for scoring.
@lru_cache(maxsize=1024)
def _score(
    instrument_id: str, answers: tuple[tuple[str, int], ...], _types: tuple[type, ...]
) -> Score:
    return score(instrument(instrument_id), dict(answers))


class Changes:
    """``changes_between``'s change classes, remembered for each instrument and pair of
    scores: the class follows from the definition (its id and version) and the two totals
    alone, and an export meets the same few pairs again and again (working each out again in
    exact fractions took about a seventh of the export's time). Held for one export; the
    pairs are few (totals have a small range), so memory stays flat."""

    def __init__(self) -> None:
        self._known: dict[tuple[Cell, ...], str | None] = {}

    def between(
        self, baseline: Mapping[str, Score], followup: Mapping[str, Score]
    ) -> dict[str, str]:
        found = {}
        for instrument_id, later in followup.items():
            earlier = baseline.get(instrument_id)
            key = (instrument_id, later.version, later.total) + (
                (earlier.version, earlier.total) if earlier is not None else ()
            )
            if key not in self._known:
                before = {instrument_id: earlier} if earlier is not None else {}
                one = changes_between(before, {instrument_id: later})
                self._known[key] = one[0].classification.value if one else None
            if (known := self._known[key]) is not None:
                found[instrument_id] = known
        return found


def measured(facts: EpisodeFacts, records: Records, changes: Changes) -> list[Measured]:
    """The intake's and every later occasion's scores, in date order."""
    baseline = _scores(facts.intake_answers)
    found = []
    if facts.intake_finished is not None and baseline:
        found.append(Measured(BASELINE, facts.intake_finished, None, baseline, {}, None, ""))
    discharge: dict[str, Score] | None = None
    for measurement in records.measurements:
        scores = _scores(measurement.answers)
        compare_with, origin = baseline, BASELINE
        if measurement.occasion.startswith(AFTER_CARE) and discharge is not None:
            compare_with, origin = discharge, DISCHARGE
        found.append(
            Measured(
                measurement.occasion,
                measurement.filled_on,
                measurement.due_on,
                scores,
                changes.between(compare_with, scores),
                origin,
                measurement.outcome,
            )
        )
        if measurement.occasion == DISCHARGE:
            discharge = scores
    return found


def planned_sessions(programs: list[ProgramFacts], last_day: date) -> float:
    """Each version's exercises per week x the weeks it was in effect: from its publication
    to the day before the next version, or to ``last_day``."""
    planned = 0.0
    for version, following in zip(programs, [*programs[1:], None], strict=True):
        until = following.published - timedelta(days=1) if following else last_day
        days = (until - version.published).days + 1
        if days > 0:
            planned += version.per_week * days / 7
    return planned


def _plan_at(plans: list[PlanFacts], session: SessionFacts) -> PlanFacts | None:
    """The plan in effect when the note was saved: the last version made before it."""
    found = None
    for plan in plans:
        if plan.created_at <= session.created_at:
            found = plan
    return found


class RowBuilder:
    """Builds the rows of each chunk; holds the export's pseudonyms and its day."""

    def __init__(self, pseudonyms: Pseudonyms, today: date) -> None:
        self._pseudonyms = pseudonyms
        self._today = today
        self._changes = Changes()

    def build(self, chunk: list[EpisodeFacts]) -> ChunkRows:
        records = read_chunk(chunk, self._today)
        rows = ChunkRows()
        for facts in chunk:
            self._add(facts, records[facts.id], rows)
        return rows

    def _add(self, facts: EpisodeFacts, records: Records, rows: ChunkRows) -> None:
        episode = self._pseudonyms.of("episode", facts.id)
        moments = measured(facts, records, self._changes)
        sessions = [self._session(episode, facts, records, s) for s in records.sessions]
        rows.episodes.append(self._episode(episode, facts, records, moments, sessions))
        rows.measurements.extend(self._measurements(episode, facts.start, moments))
        rows.sessions.extend(_row(sessions_table(), values) for values in sessions)

    def _episode(
        self,
        episode: str,
        facts: EpisodeFacts,
        records: Records,
        moments: list[Measured],
        sessions: list[dict[str, Cell]],
    ) -> list[Cell]:
        start = facts.start
        born = facts.date_of_birth  # the age as Patient.age_on counts it
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        plan = records.plans[-1] if records.plans else None
        values: dict[str, Cell] = {
            "episode": episode,
            "patient": self._pseudonyms.of("patient", facts.patient_id),
            "clinic": self._pseudonyms.of("clinic", facts.clinic_id),
            "patient_episode": records.patient_episode,
            "age_band": age_band(age),
            "sex": facts.sex or None,
            "status": facts.status,
            "urgency": facts.urgency or None,
            "diagnosis": records.diagnosis or None,
            "profile_advised": records.intake_profile or None,
            "profile_final": plan.profile if plan else None,
            "plan_versions": len(records.plans),
            "sessions_used": len(records.sessions),
            "sessions_budget": plan.max_sessions if plan else None,
            "sessions_over_budget": sum(s.over_budget for s in records.sessions),
            "sessions_on_hold": sum(HOLD_WARNING in s.warnings for s in records.sessions),
            "interventions": _codes([c for s in records.sessions for c in s.interventions]),
            "not_recommended_given": _joined(sessions, "not_recommended"),
            "not_recommended_rules": _joined(sessions, "not_recommended_rules"),
            "intake_day": _days(start, facts.intake_finished),
            "discharge_day": _days(start, facts.closed),
            "discharge_reason": facts.discharge_reason or None,
            **{f"alerts_{kind.value}": records.alerts.get(kind.value, 0) for kind in AlertKind},
            **_adherence(records, facts.closed or self._today),
            **_startback(moments),
            **_wide_scores(moments),
        }
        return _row(episodes_table(), values)

    def _session(
        self, episode: str, facts: EpisodeFacts, records: Records, session: SessionFacts
    ) -> dict[str, Cell]:
        given = [code for code in session.warnings if code != HOLD_WARNING]
        plan = _plan_at(records.plans, session)
        rules = records.avoid_rules.get(plan.id, {}) if plan else {}
        return {
            "episode": episode,
            "number": session.number,
            "day": (session.held_on - facts.start).days,
            "pain_now": session.pain_now,
            "interventions": _codes(session.interventions),
            "not_recommended": _codes(given),
            "not_recommended_rules": _codes([rules[code] for code in given if code in rules]),
            "on_hold": HOLD_WARNING in session.warnings,
            "over_budget": session.over_budget,
        }

    def _measurements(
        self, episode: str, start: date, moments: list[Measured]
    ) -> Iterable[list[Cell]]:
        for occasion in moments:
            for instrument_id, scored in sorted(occasion.scores.items()):
                change = occasion.changes.get(instrument_id)
                yield _row(
                    measurements_table(),
                    {
                        "episode": episode,
                        "instrument": instrument_id,
                        "occasion": occasion.occasion,
                        "day": (occasion.day - start).days,
                        "due_day": _days(start, occasion.due),
                        "total": scored.total,
                        **{
                            column_name("subscale", name): value
                            for name, value in scored.subscales.items()
                        },
                        "change": change,
                        "change_from": occasion.change_from if change else None,
                    },
                )


def _days(start: date, day: date | None) -> int | None:
    return (day - start).days if day is not None else None


def _joined(sessions: list[dict[str, Cell]], name: str) -> str | None:
    codes = [
        code
        for s in sessions
        if isinstance(cell := s[name], str)
        for code in cell.split(CODE_SEPARATOR)
    ]
    return _codes(codes)


def _adherence(records: Records, last_day: date) -> dict[str, Cell]:
    if not records.programs:
        return {}
    planned = planned_sessions(records.programs, last_day)
    done = records.exercises_done
    return {
        "exercise_sessions_planned": round(planned, 1),
        "exercise_sessions_done": done,
        "exercise_adherence": round(done / planned, 3) if planned else None,
    }


def _startback(moments: list[Measured]) -> dict[str, Cell]:
    intake = next((o for o in moments if o.occasion == BASELINE), None)
    found = intake.scores.get(STARTBACK) if intake else None
    if found is None or found.total is None:
        return {}
    return {
        "startback_total": found.total,
        "startback_psychosocial": found.subscales.get(PSYCHOSOCIAL),
        "startback_risk": found.band,
    }


def _wide_scores(moments: list[Measured]) -> dict[str, Cell]:
    """The classified instruments' totals and changes per occasion, and each occasion's
    guideline decision (an occasion measured twice cannot be: one measurement each)."""
    wanted = {definition.id for definition in classified_instruments()}
    known = set(occasions())  # an occasion of retired pathway rules is in the long table only
    values: dict[str, Cell] = {}
    for occasion in moments:
        if occasion.occasion not in known:
            continue
        if occasion.occasion != BASELINE:
            values[column_name("outcome", occasion.occasion)] = occasion.outcome or None
        for instrument_id, scored in occasion.scores.items():
            if instrument_id not in wanted:
                continue
            values[column_name(instrument_id, occasion.occasion)] = scored.total
            if occasion.occasion != BASELINE:
                change = occasion.changes.get(instrument_id)
                values[column_name(instrument_id, occasion.occasion, "change")] = change
    return values
