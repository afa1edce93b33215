"""Interface labels for the coded vocabularies of the clinical core.

The codes and the rules behind them live in the core's data files; these are the short names
a screen shows, translated through gettext like the rest of the interface. A test checks
that every code the core knows has a label here.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backpath.exercises.library import Category, Equipment

INTERVENTION_LABELS: dict[str, Promise] = {
    "education": _("Education and reassurance"),
    "advice_stay_active": _("Advice to stay active"),
    "exercise_therapy": _("Exercise therapy"),
    "group_exercise": _("Group exercise"),
    "graded_activity": _("Graded activity / graded exposure"),
    "behavioural_approach": _("Psychosocially informed (behavioural) approach"),
    "self_management": _("Self-management support"),
    "tens": _("TENS"),
    "interferential": _("Interferential current"),
    "massage": _("Massage"),
    "spinal_manipulation": _("Spinal manipulation / mobilisation"),
    "ultrasound": _("Therapeutic ultrasound"),
    "traction": _("Traction"),
    "lumbar_support": _("Lumbar support / brace"),
    "bed_rest": _("Bed rest advice"),
    "pens": _("PENS (percutaneous electrical nerve stimulation)"),
    "laser": _("Low-level laser therapy"),
    "acupuncture": _("Acupuncture"),
    "taping": _("Taping"),
    "dry_needling": _("Dry needling"),
    "shockwave": _("Shockwave therapy"),
    "imaging": _("Referral for imaging"),
}

MOMENT_LABELS: dict[str, Promise] = {
    "intake": _("Intake"),
    "evaluation": _("Evaluation"),
    "discharge": _("Discharge"),
}

STRENGTH_LABELS: dict[str, Promise] = {
    "offer": _("Offer"),
    "consider": _("Consider"),
}

VERDICT_LABELS: dict[str, Promise] = {
    "never": _("Contraindicated"),
    "do_not_offer": _("Do not offer"),
    "add_on_only": _("Only as an add-on to active care"),
}

CATEGORY_LABELS: dict[Category, Promise] = {
    Category.AEROBIC: _("Walking and other aerobic activity"),
    Category.MOBILITY: _("Mobility"),
    Category.STRETCHING: _("Stretching"),
    Category.MOTOR_CONTROL: _("Motor control"),
    Category.STRENGTH: _("Strength"),
    Category.FUNCTIONAL: _("Everyday tasks"),
    Category.RELAXATION: _("Relaxation and breathing"),
}

EQUIPMENT_LABELS: dict[Equipment, Promise] = {
    Equipment.MAT: _("Mat"),
    Equipment.CHAIR: _("Chair"),
    Equipment.WALL: _("Wall"),
    Equipment.STEP: _("Step or stairs"),
    Equipment.BAND: _("Elastic band"),
    Equipment.BOX: _("Box or shopping bag"),
    Equipment.BED: _("Bed"),
    Equipment.BIKE: _("Bicycle or exercise bike"),
    Equipment.POOL: _("Swimming pool"),
}

ALERT_LABELS: dict[str, Promise] = {
    "red_flag": _("New red flag"),
    "worse": _("Getting worse"),
    "step3_or_gp": _("Not improved at week 12"),
    "consult_gp": _("No change: consult the GP"),
    "restratify": _("Not improving: re-stratify"),
    "returned": _("Back after discharge"),
    "flare": _("Flare-up reported"),
    "low_adherence": _("Low adherence"),
    "overdue": _("Questionnaire overdue"),
}
