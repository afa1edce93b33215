"""Reading the app's pages in tests: the HTML, a field's errors, a section, query counts.

Shared by the test folders of the Django apps (``tests/care``, ``tests/followup``,
``tests/web``, ...); the personas are in ``tests/personas.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

import tinyhtml5
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from backpath.care.models import Episode
from backpath.clinical.language import Lang

AssertQueries = Callable[..., Any]


def html(response: Any) -> str:
    return str(response.content.decode())


def parse(response: Any) -> Element:
    return tinyhtml5.parse(html(response), namespace_html_elements=False)


def classes(element: Element) -> list[str]:
    return (element.get("class") or "").split()


def field_errors(response: Any, name: str) -> str:
    """The error text shown inside the field block that holds the input named ``name``."""
    for block in parse(response).iter("div"):
        if "field" not in classes(block):
            continue
        names = {el.get("name") for el in block.iter() if el.tag in ("input", "select", "textarea")}
        if name in names:
            return " ".join(
                " ".join(ul.itertext()).strip()
                for ul in block.iter("ul")
                if "errorlist" in classes(ul)
            )
    raise AssertionError(f"no field named {name!r} on the page")


def section_text(response: Any, title: str) -> str:
    """The text of the page section whose heading is ``title``."""
    for section in parse(response).iter("section"):
        heading = next((h for h in section.iter() if h.tag in ("h1", "h2")), None)
        if heading is not None and "".join(heading.itertext()).strip() == title:
            return " ".join("".join(section.itertext()).split())
    raise AssertionError(f"no section titled {title!r}")


def en(value: Any) -> str:
    """A core ``Text`` in English, escaped as the page shows it."""
    return escape(value(Lang.EN))


def url(name: str, episode: Episode, **extra: Any) -> str:
    return reverse(name, kwargs={"episode_id": episode.id, **extra})


def refreshed(episode: Episode) -> Episode:
    return Episode.objects.select_related("intake").get(pk=episode.pk)


def queries(client: Client, path: str) -> int:
    assert client.get(path).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def same_count(
    client: Client, path: str, count: int, django_assert_num_queries: AssertQueries
) -> None:
    with django_assert_num_queries(count):
        assert client.get(path).status_code == 200
