"""The patient's pages go to the phone compressed when the browser asks
(``web.middleware.CompressedPages``); nothing else the app answers is touched: the clinic's
pages, PDFs, the API's JSON, and any answer to a browser that did not ask."""

from __future__ import annotations

import gzip

from django.test import Client
from django.urls import reverse

from tests.personas import World
from tests.programs.clinic_exercise_helpers import publish

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_today_with_its_drawings_goes_compressed_and_opens_as_the_same_page(
    world: World,
) -> None:
    publish(world, "bridge", "cat_camel", "walking")
    amy = world.client_for(world.amy)
    plain = amy.get(reverse("today"))
    packed = amy.get(reverse("today"), **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content)
    assert page.startswith(b"<!doctype html>")
    assert page.count(b'class="exercise-figure"') == 3
    # Within the few bytes each answer's own tokens take, the same page as sent plainly.
    assert abs(len(page) - len(plain.content)) < 200
    assert len(packed.content) < len(plain.content) / 3
    # The headers that keep the page private are still there.
    assert packed["Cache-Control"] == "no-store"
    assert packed["Content-Security-Policy"].startswith("default-src 'self'")


def test_without_asking_the_browser_gets_the_page_as_it_is(world: World) -> None:
    answer = world.client_for(world.amy).get(reverse("portal_home"))
    assert answer.status_code == 200
    assert not answer.has_header("Content-Encoding")
    assert answer.content.lstrip().startswith(b"<!doctype html>")


def test_the_clinics_pages_are_sent_as_they_are(world: World) -> None:
    # Some echo their filters from the URL (the quality report, the access log): compressed,
    # their size could tell an outsider what else they hold.
    claire = world.client_for(world.claire)
    for name in ("dashboard", "patient_list", "quality"):
        page = claire.get(reverse(name), **GZIP)
        assert page.status_code == 200, name
        assert not page.has_header("Content-Encoding"), name


def test_a_pdf_is_sent_as_it_is(world: World) -> None:
    publish(world, "bridge")
    booklet = world.client_for(world.amy).get(reverse("my_booklet"), **GZIP)
    assert booklet["Content-Type"] == "application/pdf"
    assert not booklet.has_header("Content-Encoding")
    assert booklet.content.startswith(b"%PDF")


def test_the_apis_json_is_sent_as_it_is(db: None) -> None:
    # Its ETags, and the clients that script against it, see the bytes they always did.
    answer = Client().get("/api/v1/instruments", **GZIP)
    assert answer.status_code == 200
    assert not answer.has_header("Content-Encoding")
    assert answer.json()  # the list of instruments


def test_what_a_link_adds_to_a_url_is_not_echoed_into_the_page(world: World) -> None:
    # A compressed page that echoes text an outsider chose would let them guess, from its
    # size, what else the page holds (BREACH). Bad or unknown parameters are ignored, and
    # the language switch returns to the page's path alone.
    marker = "zq7xw3echo"
    pages = (
        (world.amy, "portal_home"),
        (world.claire, "patient_list"),
        (world.claire, "dashboard"),
    )
    for client, name in pages:
        page = world.client_for(client).get(reverse(name), {"after": marker, "x": marker})
        assert page.status_code == 200
        assert marker not in page.content.decode()
