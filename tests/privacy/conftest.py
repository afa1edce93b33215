from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.personas import _fast_passwords, english, world

__all__ = ["_fast_passwords", "english", "world"]


@pytest.fixture(autouse=True)
def _no_pdf_counts() -> Iterator[None]:
    """The PDF views count each user's PDFs a minute in Django's cache (``web.pdf``): each
    test starts, and leaves the next, with none counted."""
    cache.clear()
    yield
    cache.clear()
