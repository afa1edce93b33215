"""The clinical content, read-only, for the admin: which instruments, red flags and pathway
rules this installation runs. They are reviewed data files in the package, so the admin
shows them and never edits them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from backpath.care.questionnaires import askable, questionnaire
from backpath.clinical.instruments import instruments
from backpath.clinical.pathway import pathway_rules
from backpath.clinical.redflags import AskedOf, red_flag_bank
from backpath.web.i18n import text

ASKED_OF = {
    AskedOf.PATIENT: _("Patient"),
    AskedOf.CLINICIAN: _("Clinician"),
    AskedOf.DERIVED: _("Derived from other answers"),
}


@staff_member_required
def clinical_content(request: HttpRequest) -> HttpResponse:
    bank = red_flag_bank()
    rows = [
        {
            "id": key,
            "abbreviation": questionnaire(key).abbreviation,
            "name": text(questionnaire(key).name),
            "version": f"{questionnaire(key).version} r{questionnaire(key).revision}",
            "askable": askable(key),
            "citation": questionnaire(key).citation,
        }
        for key in sorted(instruments())
    ]
    flags = [
        {
            "id": flag.id,
            "condition": text(bank.conditions[flag.condition].label),
            "action": text(bank.actions[flag.action].label),
            "asked_of": ASKED_OF[flag.asked_of],
            "question": text(flag.question),
        }
        for flag in bank.flags
    ]
    return render(
        request,
        "admin/clinical_content.html",
        {
            **admin.site.each_context(request),
            "title": _("Clinical content (read-only)"),
            "instruments": rows,
            "flags": flags,
            "redflags_ruleset": bank.ruleset,
            "pathway_ruleset": pathway_rules().ruleset,
        },
    )
