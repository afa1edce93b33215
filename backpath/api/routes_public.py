"""The public content (instruments, red flags, exercises) and the stateless compute
(score, assess), answering exactly what the command line prints.

``score`` and ``assess`` store nothing; they need a key or a session all the same, so the API
is no anonymous compute service. They check their input as the command line does, with the
same field and words (``backpath.clinical.errors.ClinicalInputError`` -> 422 naming the field),
and answer the command line's own bytes.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.errors import HttpError
from ninja.params.functions import Path, Query

from backpath import interchange
from backpath.api.conditional import JSON, etagged
from backpath.api.problems import Invalid
from backpath.api.responses import documented
from backpath.api.schemas import AssessOut, ScoreOut
from backpath.cli import _exercise_json
from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Instrument, instrument, instruments
from backpath.clinical.intake import Intake, assess, parse_intake
from backpath.clinical.language import Lang
from backpath.clinical.redflags import red_flag_bank
from backpath.clinical.scoring import score
from backpath.exercises.library import library

public = Router(tags=["public content"])
compute = Router(tags=["score and assess"])

LANG = Query(Lang.EN, description="language of the texts in the output: en or nl")
# ninja types ``examples`` as OpenAPI's map; it goes into the JSON Schema, where it is a list.
INSTRUMENT = Path(
    ...,
    description="an instrument id, as GET /instruments lists",
    examples=sorted(instruments()),  # type: ignore[arg-type]
)
# A complete intake for the docs page's "try it out" (every screened red flag answered no).
EXAMPLE_INTAKE = {
    "today": "2026-11-25",
    "patient": {"age": 38, "sex": "male"},
    "complaint": {"onset": "2026-11-11", "leg_pain": "none"},
    "red_flags": dict.fromkeys(red_flag_bank().screened, False),
    "answers": {"nprs": {"q1": 5}},
}


def _known(instrument_id: str) -> Instrument:
    try:
        return instrument(instrument_id)
    except ClinicalInputError as error:
        raise HttpError(404, error.problem) from None


def cli_bytes(data: Any) -> HttpResponse:
    """The command line's output (``json.dump`` with indent 2, UTF-8, a final newline)."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return HttpResponse(text.encode("utf-8"), content_type=JSON)


def _text(request: HttpRequest) -> str:
    try:
        return request.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("input", "not UTF-8 text") from None


def _json(request: HttpRequest) -> Any:
    text = _text(request)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise Invalid(
            "input", f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise Invalid("input", "not valid JSON (nested too deeply)") from None


@public.get(
    "/instruments",
    response=documented(list[dict[str, Any]], auth=False),
    auth=None,
    url_name="instruments",
    summary="The bundled instruments (`backpath instruments`)",
)
def instrument_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [interchange.instrument_summary_json(d) for d in instruments().values()]


@public.get(
    "/instruments/{instrument_id}",
    response=documented(dict[str, Any], auth=False, found=True, etag=True),
    auth=None,
    url_name="instrument",
    summary="One instrument's definition (`backpath instruments show ID`)",
)
def instrument_detail(request: HttpRequest, instrument_id: str = INSTRUMENT) -> HttpResponse:
    return etagged(request, interchange.instrument_json(_known(instrument_id)))


@public.get(
    "/redflags",
    response=documented(list[dict[str, Any]], auth=False),
    auth=None,
    url_name="redflags",
    summary="The red-flag question bank (`backpath redflags`)",
)
def redflag_list(request: HttpRequest) -> list[dict[str, Any]]:
    return interchange.red_flags_json(red_flag_bank())


@public.get(
    "/exercises",
    response=documented(list[dict[str, Any]], auth=False),
    auth=None,
    url_name="exercises",
    summary="The exercise library (`backpath exercises`)",
)
def exercise_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_exercise_json(exercise) for exercise in library().values()]


SCORE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["answers"],
                "additionalProperties": False,
                "properties": {
                    "answers": {
                        "type": "object",
                        "description": "each item's value by link id (q1, q2...); null or "
                        "absent = missing",
                        "additionalProperties": {"type": ["integer", "null"]},
                    }
                },
            },
            "example": {"answers": {"q1": 4}},
        }
    },
}


@compute.post(
    "/score/{instrument_id}",
    response=documented(ScoreOut, found=True, body=True),
    url_name="score",
    summary="Score one response (`backpath score ID FILE`); stores nothing",
    openapi_extra={"requestBody": SCORE_BODY},
)
def score_one(
    request: HttpRequest, instrument_id: str = INSTRUMENT, lang: Lang = LANG
) -> HttpResponse:
    definition = _known(instrument_id)
    data = _json(request)
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise Invalid("input", 'expected an object {"answers": {"q1": ..., ...}}')
    if extra := sorted(set(data) - {"answers"}):
        raise Invalid(extra[0], "unknown field; the input has only 'answers'")
    return cli_bytes(interchange.score_json(score(definition, data["answers"]), lang))


@compute.post(
    "/assess",
    response=documented(AssessOut, body=True),
    url_name="assess",
    summary="Triage, stratify and plan one intake (`backpath assess FILE`); stores nothing",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Intake"},
                    "example": EXAMPLE_INTAKE,
                }
            },
        }
    },
)
def assess_one(request: HttpRequest, lang: Lang = LANG) -> HttpResponse:
    assessment = assess(parse_intake(_text(request)))
    return cli_bytes(interchange.assessment_json(assessment, lang))


def intake_schemas() -> dict[str, Any]:
    """The intake's JSON Schema and its parts, for the OpenAPI components."""
    schema = Intake.model_json_schema(ref_template="#/components/schemas/Intake{model}")
    parts = {f"Intake{name}": part for name, part in schema.pop("$defs", {}).items()}
    return {"Intake": schema, **parts}
