"""The dashboard's server-side SVG charts: well-formed SVG, proportional bars, escaped labels."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser_site import CHROMIUM, CHROMIUM_ARGS

from taizhang.service.web.charts import bar_chart, donut, line_chart, nice_max

NS = {"s": "http://www.w3.org/2000/svg"}


def test_nice_max_rounds_up_to_a_readable_axis():
    assert nice_max(0) == 1
    assert nice_max(7) == 10
    assert nice_max(13) == 20
    assert nice_max(230) == 250
    assert nice_max(4800) == 5000


def test_bar_chart_bars_are_proportional_and_labels_escaped():
    svg = bar_chart([("生态环境局", 10), ("<script>住建局", 5), ("水利局", 0)], title="逾期任务")
    root = ET.fromstring(svg)  # raises on malformed XML
    bars = root.findall(".//s:rect[@class='bar']", NS)
    assert [b.get("data-label") for b in bars] == ["生态环境局", "<script>住建局", "水利局"]
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_bar_chart_without_data_says_so():
    root = ET.fromstring(bar_chart([]))
    assert "暂无数据" in "".join(root.itertext())


def test_line_chart_one_polyline_per_series_with_one_point_per_month():
    labels = ["2025-01", "2025-02", "2025-03"]
    svg = line_chart(labels, [("报送", [3, 6, 9]), ("销号", [0, 1, 2])], title="月度趋势")
    root = ET.fromstring(svg)
    lines = root.findall(".//s:polyline", NS)
    assert [p.get("data-series") for p in lines] == ["报送", "销号"]
    pts = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert len(pts) == 3
    # y decreases (goes up) as the value rises; equal steps for equal increments
    assert pts[0][1] > pts[1][1] > pts[2][1]
    assert abs((pts[0][1] - pts[1][1]) - (pts[1][1] - pts[2][1])) < 0.2
    assert "2025-02" in "".join(root.itertext())


def test_donut_segments_share_the_ring_by_value():
    svg = donut([("已销号", 3, "#2e8b57"), ("未销号", 1, "#ccc")], label="75%")
    root = ET.fromstring(svg)
    segs = root.findall(".//s:circle[@class='segment']", NS)
    lengths = [float(s.get("stroke-dasharray").split()[0]) for s in segs]
    assert abs(lengths[0] / lengths[1] - 3) < 0.01
    assert "75%" in "".join(root.itertext())


MONTHS = ["2025-12", "2026-1", "2026-2", "2026-3", "2026-4", "2026-5", "2026-6", "2026-7", "2026-8", "2026-9",
          "2026-10", "2026-11"]


def _x_labels(svg: str) -> tuple[float, list[tuple[float, str]]]:
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    return width, [(float(t.get("x")), t.text) for t in root.findall(".//s:text[@class='x-label']", NS)]


def test_line_chart_last_month_label_fits_inside_the_view_box():
    for labels in (MONTHS, ["2026-10", "2026-11"], ["第一季度", "第二季度", "第三季度"]):
        svg = line_chart(labels, [("报送", list(range(len(labels))))], width=560)
        width, xs = _x_labels(svg)
        x, text = xs[-1]
        assert text == labels[-1]  # the latest period is always labelled, in full
        half = sum(12 if ord(c) >= 0x2E80 else 0.6 * 12 for c in text) / 2  # 12px font, digits ≈ 0.6 em
        assert x + half <= width and xs[0][0] - sum(12 if ord(c) >= 0x2E80 else 7.2 for c in xs[0][1]) / 2 >= 0


@pytest.mark.browser
def test_line_chart_labels_render_inside_the_svg_in_a_browser():
    """Chromium's own text metrics: every x label's box lies within the chart's viewBox."""
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (install Debian's chromium: bash scripts/setup.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    svg = line_chart(MONTHS, [("报送", list(range(12))), ("销号", [0] * 12)], title="月度趋势")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = b.new_page()
            page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
            boxes = page.eval_on_selector_all(
                "svg.chart-line text.x-label",
                "els => els.map(e => { const b = e.getBBox(); return [e.textContent, b.x, b.x + b.width]; })")
            width = page.eval_on_selector("svg.chart-line", "s => s.viewBox.baseVal.width")
        finally:
            b.close()
    assert boxes and boxes[-1][0] == "2026-11"
    for text, x0, x1 in boxes:
        assert x0 >= 0 and x1 <= width, (text, x0, x1, width)
