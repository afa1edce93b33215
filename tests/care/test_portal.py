"""The patient's plan in the portal, in plain words.

Each test walks the pages with Django's test client as a persona from ``tests/personas.py``;
the personas read the interface in English (``english`` fixture) so the assertions can name
the words on the page.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from backpath.care.models import PlanVersion
from tests.care.form_data import plan_change
from tests.pages import classes, html, parse, url
from tests.personas import World


def test_it_shows_the_patient_her_plan_in_plain_words(english: World) -> None:
    amy = english.client_for(english.amy)
    plan = PlanVersion.objects.get(episode=english.amy_episode)

    home = amy.get(reverse("portal_home"))
    assert home.status_code == 200
    tiles = {"".join(t.itertext()) for t in parse(home).iter() if "tile__title" in classes(t)}
    assert "My plan" in tiles
    assert f'href="{reverse("portal_plan")}"' in html(home)

    page = amy.get(reverse("portal_plan"))
    assert page.status_code == 200
    offered = [c for c in plan.plan["en"]["components"] if c["strength"] == "offer"]
    assert offered
    for line in offered:
        assert escape(line["patient_text"]) in html(page), line["id"]
        # The clinician's wording and the rule ids stay on the clinician's side.
        assert escape(line["text"]) not in html(page), line["id"]
        assert line["rule"] not in html(page), line["id"]
    assert "at most 3 appointments" in html(page)


def test_it_leaves_omitted_care_out_of_the_patients_plan(english: World) -> None:
    claire = english.client_for(english.claire)
    amy = english.client_for(english.amy)
    plan = PlanVersion.objects.get(episode=english.amy_episode)
    education = next(c for c in plan.plan["en"]["components"] if c["id"] == "education")
    assert escape(education["patient_text"]) in html(amy.get(reverse("portal_plan")))

    claire.post(url("plan_adjust", english.amy_episode), plan_change(omit=["education"]))

    page = amy.get(reverse("portal_plan"))
    assert escape(education["patient_text"]) not in html(page)
