"""The one door to patient data, and the licensed-wording gate, below the HTTP level."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.http import Http404

from backpath.accounts.models import User
from backpath.care.access import access_episode, access_patient, episodes_for, patients_for
from backpath.care.questionnaires import askable, questionnaire
from tests.personas import World


def test_it_gives_a_superuser_no_patient_records(world: World) -> None:
    root = User.objects.create_superuser("root@example.org", "x" * 20)
    assert not patients_for(root).exists()
    assert not episodes_for(root).exists()
    with pytest.raises(Http404):
        access_patient(root, world.amy_patient.id)


def test_it_gives_a_patient_only_their_own_record(world: World) -> None:
    assert list(patients_for(world.amy)) == [world.amy_patient]
    assert list(episodes_for(world.amy)) == [world.amy_episode]
    assert access_episode(world.amy, world.amy_episode.id) == world.amy_episode
    for other in (world.ben_episode.id, world.yara_episode.id):
        with pytest.raises(Http404):
            access_episode(world.amy, other)
    with pytest.raises(Http404):
        access_episode(world.amy, world.amy_episode.id, need_clinician=True)


def test_it_answers_404_for_ids_that_are_not_uuids(world: World) -> None:
    for bad in ("1", "", "../x", None, 42):
        with pytest.raises(Http404):
            access_patient(world.claire, bad)


@pytest.fixture
def wording_dir(settings: Any, tmp_path: Path) -> Path:
    settings.WORDING_DIR = tmp_path
    questionnaire.cache_clear()
    yield tmp_path
    questionnaire.cache_clear()


def test_it_does_not_ask_a_questionnaire_without_its_licensed_wording(wording_dir: Path) -> None:
    assert askable("startback")
    assert not askable("qbpds")
    assert not askable("odi")


def test_it_asks_a_questionnaire_once_the_clinic_loads_its_wording(
    licensed_qbpds: Path,
) -> None:
    assert askable("qbpds")
    assert questionnaire("qbpds").items[0].text.nl == "Testactiviteit 1"


@pytest.mark.parametrize(
    "content",
    [
        "items: [unclosed",  # not YAML
        "- a list, not a mapping",
        "id: odi\n",  # a wording file for another instrument
        "items:\n  - link_id: q99\n    text: {nl: x, en: x}\n",  # an item that does not exist
    ],
)
def test_it_leaves_a_questionnaire_out_when_its_wording_file_is_broken(
    wording_dir: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    (wording_dir / "qbpds.yaml").write_text(content)
    assert not askable("qbpds")
    assert "qbpds.yaml" in caplog.text
