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
    try:
        overlay = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        return bundled.with_wording(overlay if isinstance(overlay, dict) else {"items": None})
    except (yaml.YAMLError, ClinicalInputError, TypeError) as error:
        # Fail closed: a broken wording file leaves the instrument unasked, never half-worded.
        log.error("wording file %s is not usable: %s", path.name, error)
        return bundled


def askable(instrument_id: str) -> bool:
    return questionnaire(instrument_id).licence.wording_bundled
