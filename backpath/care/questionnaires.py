"""The questionnaires a clinic can ask, with the clinic's licensed wording where it has one.

Some instruments (ODI, QBPDS) ship as structure only: their wording is copyrighted. A clinic
that holds a licence puts its wording file, ``<instrument id>.yaml`` in the shape that
``Instrument.with_wording`` takes, in the wording directory (``BACKPATH_WORDING_DIR``, by
default ``var/wording``). Until then the instrument is not shown to patients: placeholder
questions cannot be answered meaningfully, and the clinician sees why it was left out.
"""

from __future__ import annotations

import logging
from functools import cache

import yaml
from django.conf import settings

from backpath.clinical.errors import ClinicalInputError
from backpath.clinical.instruments import Instrument, instrument

log = logging.getLogger(__name__)


@cache
def questionnaire(instrument_id: str) -> Instrument:
    """The instrument with the clinic's wording laid over it when a wording file exists."""
    bundled = instrument(instrument_id)
    path = settings.WORDING_DIR / f"{instrument_id}.yaml"
    if not path.is_file():
        return bundled
    # Fail closed: a broken wording file leaves the instrument unasked, never half-worded.
    try:
        overlay = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError:
        log.error("wording file %s is not valid YAML", path.name)
        return bundled
    if not isinstance(overlay, dict):
        log.error("wording file %s must hold one mapping", path.name)
        return bundled
    try:
        return bundled.with_wording(overlay)
    except ClinicalInputError as error:
        log.error("wording file %s is not usable: %s", path.name, error)
        return bundled


def askable(instrument_id: str) -> bool:
    return questionnaire(instrument_id).licence.wording_bundled
