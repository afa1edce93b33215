"""The quality report as a PDF, for the clinic's quality registration: each section's figures
with their counts, previous period, target and source; the outcomes per measuring occasion,
raw and case-mix adjusted; the figures month by month; and how the adjustment works.

Every figure is a count of episodes, so the report holds no patient-level data. An outcome
figure counting fewer episodes than the clinic's smallest count shows as "fewer than N": not
its percentage, as on the page, and not its count either, since the report leaves the clinic.
"""

from __future__ import annotations

from datetime import date

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from backpath.quality.measures import Section
from backpath.quality.report import Report
from backpath.quality.trend_charts import trend_charts
from backpath.web.pdf import render_pdf

# The report's tables, in order; the occasions' table follows the outcomes'.
SECTION_TITLES = {
    Section.PROCESS: _("Guideline process"),
    Section.PASSIVE: _("Care the guideline advises against"),
    Section.OUTCOMES: _("Outcomes"),
}
# Two charts side by side on A4: drawn this narrow, their texts print at about 7 pt.
CHART_WIDTH = 400
# The house style of backpath's PDFs (the GP letters'), and what the report adds to it.
STYLESHEETS = ("backpath/letter.css", "backpath/quality-report.css")


def quarterly_report_html(report: Report, clinic_name: str, today: date) -> str:
    """The report as the HTML the PDF is printed from, in the active language."""
    return render_to_string(
        "quality/report_pdf.html",
        {
            "report": report,
            "clinic_name": clinic_name,
            "today": today,
            "previous": report.scope.previous(),
            "sections": [(title, report.sections[key]) for key, title in SECTION_TITLES.items()],
            "charts": trend_charts(report, width=CHART_WIDTH),
            "inline_css": "\n".join(_stylesheet(name) for name in STYLESHEETS),
        },
    )


def quarterly_report_pdf(report: Report, clinic_name: str, today: date) -> bytes:
    """The report as an A4 PDF, made on ``today``, for the clinic named ``clinic_name``."""
    return render_pdf(quarterly_report_html(report, clinic_name, today))


def _stylesheet(name: str) -> str:
    # Inlined: the PDF renderer fetches nothing but data: URIs (backpath.web.pdf).
    found = finders.find(name)
    assert isinstance(found, str), name
    with open(found, encoding="utf-8") as css:
        return css.read()
