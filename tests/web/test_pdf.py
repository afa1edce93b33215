"""PDFs fetch nothing but data: URIs, whatever the HTML asks for."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

from backpath.web.pdf import render_pdf

# An empty SVG: data: URIs still work (the booklets draw their pictures this way).
PIXEL = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="


def test_a_pdf_reads_no_file_and_no_url(tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        html = (
            f'<link rel="stylesheet" href="file://{secret}">'
            f'<img src="http://127.0.0.1:{port}/tracker.png">'
            f'<img src="{PIXEL}">'
            "<p>Hello</p>"
        )
        pdf = render_pdf(html)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert hits == []
