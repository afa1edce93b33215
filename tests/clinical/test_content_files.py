"""The reviewed content files fail loudly, naming file and field, when they break a rule."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from backpath.clinical import instruments as instruments_module
from backpath.clinical.citations import Evidence, citations
from backpath.clinical.datafiles import DataFileError, load_yaml, parse
from backpath.clinical.instruments import Instrument, _expand_options
from backpath.clinical.language import Lang, Text
from backpath.clinical.pathway import PathwayRules
from backpath.clinical.redflags import RedFlagBank

Mutation = Callable[[dict[str, Any]], None]


def instrument_raw(instrument_id: str = "tsk17") -> dict[str, Any]:
    name = f"instruments/{instrument_id}.yaml"
    return _expand_options(load_yaml(name), name)


def broken(model: type[Any], raw: dict[str, Any], mutate: Mutation) -> str:
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(DataFileError) as error:
        parse(model, data, "the-file.yaml")
    message = str(error.value)
    assert message.startswith("the-file.yaml: ")
    return message


def test_it_names_file_and_field_of_a_schema_error() -> None:
    message = broken(Instrument, instrument_raw(), lambda d: d["name"].pop("nl"))
    assert message == "the-file.yaml: name.nl: Field required"


def test_it_refuses_blank_translations() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        Text(nl="  ", en="text")
    assert Text(nl=" rug ", en="back")(Lang.NL) == "rug"


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["items"].pop(0), "numbered q1"),
        (lambda d: d["scoring"].update(reverse=["q99"]), "unknown items"),
        (lambda d: d["scoring"].update(min_answered=99), "min_answered"),
        (lambda d: d["wording"].pop("nl"), "both nl and en"),
        (lambda d: d.update(citation="nobody2099"), "not in the citation registry"),
        (lambda d: d["bands"][0].pop("upper"), "upper bound"),
        (lambda d: d["bands"].reverse(), "rise and end"),
        (lambda d: d["bands"][-1].update(upper=60), "rise and end"),
    ],
)
def test_it_rejects_an_inconsistent_instrument(mutate: Mutation, problem: str) -> None:
    assert problem in broken(Instrument, instrument_raw(), mutate)


def test_it_requires_the_three_startback_risk_groups() -> None:
    message = broken(Instrument, instrument_raw("startback"), lambda d: d["bands"].pop())
    assert "low, medium, high" in message


def test_it_names_an_unknown_option_set() -> None:
    raw = load_yaml("instruments/nprs.yaml")
    raw["items"][0]["options"] = "nonsense"
    with pytest.raises(DataFileError, match="no option set 'nonsense'"):
        _expand_options(raw, "instruments/nprs.yaml")


def test_it_requires_the_file_name_to_match_the_instrument_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(instruments_module, "data_names", lambda folder: ["instruments/x.yaml"])
    monkeypatch.setattr(
        instruments_module, "load_yaml", lambda name: load_yaml("instruments/gpe.yaml")
    )
    caches = (instruments_module.instruments, instruments_module._load)
    for cached in caches:
        cached.cache_clear()
    try:
        with pytest.raises(DataFileError, match="must match the file name"):
            instruments_module.instruments()
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()
    assert "gpe" in instruments_module.instruments()


def bank_raw() -> dict[str, Any]:
    return load_yaml("redflags.yaml")


def first_flag_with_escalation(data: dict[str, Any]) -> dict[str, Any]:
    return next(flag for flag in data["flags"] if "escalate" in flag)


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["flags"].append(copy.deepcopy(d["flags"][0])), "unique"),
        (lambda d: d["actions"].pop("caution"), "every action level"),
        (lambda d: d["conditions"].pop("vascular"), "every condition"),
        (
            lambda d: first_flag_with_escalation(d)["escalate"].update(with_any=["NOPE-9"]),
            "unknown flags",
        ),
        (
            lambda d: d["conditions"]["axial_spondyloarthritis"]["rule"].update(of=["NOPE-1"]),
            "unknown flags",
        ),
        (lambda d: d["flags"][0].update(citation="nobody2099"), "citations not in the registry"),
        (lambda d: d["flags"][0].update(strength="medium"), "strength"),
        (
            lambda d: next(f for f in d["flags"] if f["id"] == "GEN-1").update(
                changed_question={"nl": "Veranderd?", "en": "Changed?"}
            ),
            "only a patient question",
        ),
        (
            lambda d: d["combinations"].append(copy.deepcopy(d["combinations"][0])),
            "combination ids must be unique",
        ),
        (lambda d: d["combinations"][0].update(any_of=["NOPE-2"]), "unknown flags"),
    ],
)
def test_it_rejects_an_inconsistent_red_flag_bank(mutate: Mutation, problem: str) -> None:
    assert problem in broken(RedFlagBank, bank_raw(), mutate)


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["budgets"].pop("high"), "budget is needed"),
        (lambda d: d["components"][1].update(rule="PW-EDU"), "unique"),
        (lambda d: d["components"][0].update(citation="nobody2099"), "registry"),
        (lambda d: d["evaluations"][0].update(instruments=["nope"]), "unknown instruments"),
        (lambda d: d["budgets"]["low"].update(max_sessions=0), "max_sessions"),
        (lambda d: d["hold"].update(drop=["reiki"]), "hold names interventions"),
        (
            lambda d: d["hold"]["patient"].update(yoga={"nl": "Yoga", "en": "Yoga"}),
            "hold patient texts name unknown components",
        ),
    ],
)
def test_it_rejects_inconsistent_pathway_rules(mutate: Mutation, problem: str) -> None:
    assert problem in broken(PathwayRules, load_yaml("pathway.yaml"), mutate)


def test_it_resolves_every_citation_with_its_evidence_level() -> None:
    registry = citations()
    assert "kngf2021-c4.3" in registry
    assert registry["kngf2021-c4.3"].evidence is Evidence.GUIDELINE
    assert registry["design-pathway"].evidence is Evidence.DESIGN
    assert "nobody2099" not in registry


def test_it_keeps_options_written_out_in_the_item() -> None:
    raw = load_yaml("instruments/nprs.yaml")
    inline = [{"value": 0, "label": {"nl": "nee", "en": "no"}}]
    raw["items"][0]["options"] = inline
    assert _expand_options(raw, "instruments/nprs.yaml")["items"][0]["options"] == inline
