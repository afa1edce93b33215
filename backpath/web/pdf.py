"""Every PDF backpath makes (GP letters, booklets, the patient's export) is drawn here, with
a URL fetcher that reads only ``data:`` URIs: a text a user typed into a page that ends up in
a PDF can never make the server fetch a file from its disk or a URL from the network.

Printing a PDF costs seconds of CPU, so every PDF view is throttled per user:
``pdf_throttle`` counts a user's PDF requests per minute in Django's cache and answers 429
past ``PDF_RENDERS_PER_MINUTE``.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from backpath.accounts.models import User

PDF_RENDERS_PER_MINUTE = 10
PDF_WINDOW_SECONDS = 60


def pdf_throttle(user: User) -> HttpResponse | None:
    """None while ``user`` may have another PDF in this minute, else the 429 answer.

    A fixed window per user and clock minute: a counter in Django's cache, keyed by the
    user's id and the minute, that expires with it. Every PDF request counts, also one the
    booklet cache answers, so the limit holds whatever is cached.
    """
    now = time.time()
    key = f"pdf-renders:{user.pk}:{int(now // PDF_WINDOW_SECONDS)}"
    cache.add(key, 0, PDF_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired or evicted between the two calls
        cache.set(key, 1, PDF_WINDOW_SECONDS * 2)
        count = 1
    if count <= PDF_RENDERS_PER_MINUTE:
        return None
    response = HttpResponse(
        _("Too many PDFs in a short time. Please wait a minute and try again."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(PDF_WINDOW_SECONDS - int(now % PDF_WINDOW_SECONDS))
    return response


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the PDF views need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
