"""The dashboard's server-side SVG charts: well-formed SVG, proportional bars, escaped labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

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
