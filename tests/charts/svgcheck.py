"""Checks of a drawn chart: accessible, self-contained SVG whose coordinates stay in view."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

from backpath.charts import LABEL_GAP, RIGHT

NS = {"svg": "http://www.w3.org/2000/svg"}
TEXT = "{http://www.w3.org/2000/svg}text"
PAIR = re.compile(r"(-?[\d.]+),(-?[\d.]+)")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def assert_accessible(svg: str, title: str) -> ET.Element:
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.findtext("svg:title", namespaces=NS) == title
    assert root.find("svg:desc", namespaces=NS) is not None
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS) is not None
    assert root.find(f"svg:desc[@id='{desc_id}']", NS) is not None
    assert "sans-serif" in (root.get("font-family") or "")
    lowered = svg.lower()
    for forbidden in ("<script", "href", "url(", "style=", "<foreignobject", "onload", "@import"):
        assert forbidden not in lowered, forbidden
    return root


def coordinates(svg: str) -> tuple[float, float, list[tuple[float, float]]]:
    """The viewBox size and every (x, y) drawn, a rectangle's far corner included."""
    root = parse(svg)
    _x, _y, width, height = (float(n) for n in (root.get("viewBox") or "").split())
    found = []
    for element in root.iter():
        if element is root:
            continue
        for x_name, y_name in (("x", "y"), ("x1", "y1"), ("x2", "y2"), ("cx", "cy")):
            if element.get(x_name) is not None:
                x, y = float(element.get(x_name) or 0), float(element.get(y_name) or 0)
                found.append((x, y))
                if element.get("width") is not None:
                    found.append(
                        (
                            x + float(element.get("width") or 0),
                            y + float(element.get("height") or 0),
                        )
                    )
        found += [(float(x), float(y)) for x, y in PAIR.findall(element.get("points") or "")]
    return width, height, found


def assert_in_view(svg: str) -> None:
    """Every coordinate is a number inside the viewBox."""
    width, height, found = coordinates(svg)
    assert found
    for x, y in found:
        assert math.isfinite(x)
        assert math.isfinite(y)
        assert 0 <= x <= width
        assert 0 <= y <= height


def view_width(svg: str) -> float:
    _x, _y, width, _height = (parse(svg).get("viewBox") or "").split()
    return float(width)


def day_labels_x(svg: str) -> list[float]:
    """The x of each day label under the x axis, left to right."""
    return sorted(
        float(label.get("x") or 0)
        for label in parse(svg).findall(".//svg:text[@class='day-label']", NS)
    )


def assert_labels_apart(svg: str) -> None:
    """Neighbouring day labels keep ``LABEL_GAP`` apart, and the last one stays in view."""
    xs = day_labels_x(svg)
    for left, right in itertools.pairwise(xs):
        assert right - left >= LABEL_GAP
    if xs:
        assert xs[-1] <= view_width(svg) - RIGHT
