"""Where a paged list is: read back from a URL or a form, never trusted."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from backpath.care.selectors import Scope

LAST_PAGE = 1000  # no list is paged this far by hand; a larger number is a typo or a probe


def page_number(raw: str | None) -> int:
    """A page number from the URL: a bad or absurd one is the first page."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return number if 1 <= number <= LAST_PAGE else 1


def dashboard_url(scope: Scope, attention_page: int) -> str:
    """The dashboard as the clinician was looking at it: whose records and which page."""
    query = {"scope": scope.value, "attention": attention_page}
    return f"{reverse('dashboard')}?{urlencode(query)}"
