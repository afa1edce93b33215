"""Every PDF backpath makes (GP letters, booklets, the patient's export) is drawn here, with
a URL fetcher that reads only ``data:`` URIs: a text a user typed into a page that ends up in
a PDF can never make the server fetch a file from its disk or a URL from the network."""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the PDF views need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
