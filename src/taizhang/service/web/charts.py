"""Server-side SVG charts for the dashboard (no JavaScript library, nothing fetched from the internet).

Each function returns a self-contained ``<svg>`` string; every label is XML-escaped, so unit names typed by
users cannot inject markup. Colours follow the office's light scheme (red / yellow / green) where relevant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#d4a017", "#7d3c98", "#5d6d7e")
FONT = 'font-family="Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif"'


def _esc(s: object) -> str:
    return escape(str(s), {'"': "&quot;"})


def nice_max(value: float) -> float:
    """The smallest 'round' number (1, 2, 2.5, 5 × 10^k) ≥ value, for an axis; at least 1."""
    if value <= 1:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp  # pragma: no cover - the loop always returns


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str = "",
    color: str = "#c0392b",
    width: int = 560,
    bar_height: int = 22,
    label_width: int = 170,
) -> str:
    """A horizontal bar chart: one bar per (label, value), labels on the left, values at the bar's end."""
    gap = 8
    top = 30 if title else 8
    n = len(items)
    height = top + max(n, 1) * (bar_height + gap) + 8
    vmax = nice_max(max((v for _, v in items), default=0))
    plot_w = width - label_width - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="13">'
    ]
    if title:
        parts.append(f"<title>{_esc(title)}</title>")
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#333">{_esc(title)}</text>')
    if not items:
        parts.append(f'<text x="0" y="{top + 16}" fill="#777">暂无数据</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        w = 0 if vmax == 0 else round(plot_w * float(value) / vmax, 1)
        text = str(label)
        short = text if len(text) <= 12 else text[:11] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" fill="#333">'
            f"<title>{_esc(text)}</title>{_esc(short)}</text>"
        )
        parts.append(
            f'<rect class="bar" x="{label_width}" y="{y}" width="{w}" height="{bar_height}" fill="{_esc(color)}" '
            f'data-label="{_esc(text)}" data-value="{_fmt(float(value))}"><title>{_esc(text)}：{_fmt(float(value))}</title></rect>'
        )
        parts.append(
            f'<text x="{label_width + w + 5:.1f}" y="{y + bar_height * 0.7:.1f}" fill="#333">{_fmt(float(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def text_width(s: str, font_size: float) -> float:
    """A generous estimate of a label's rendered width: CJK glyphs one em, other characters 0.62 em."""
    return sum(font_size if ord(ch) >= 0x2E80 else 0.62 * font_size for ch in s)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str = "",
    width: int = 560,
    height: int = 260,
    colors: Sequence[str] = PALETTE,
) -> str:
    """A line chart over categorical x labels (e.g. months); one polyline per (name, values) series."""
    # x labels are centred under their points: the margins leave room for half of the first and last label
    half_first = text_width(str(labels[0]), 12) / 2 + 4 if labels else 0
    half_last = text_width(str(labels[-1]), 12) / 2 + 4 if labels else 0
    left, right, top, bottom = max(44, math.ceil(half_first)), max(12, math.ceil(half_last)), 30 if title else 12, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = max(5, nice_max(max((v for _, vals in series for v in vals), default=0)))  # counts: whole ticks
    n = len(labels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-line" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT} font-size="12">'
    ]
    if title:
        parts.append(f"<title>{_esc(title)}</title>")
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#333">{_esc(title)}</text>')
    # grid and y axis labels (5 steps)
    for k in range(6):
        v = vmax * k / 5
        y = top + plot_h - plot_h * k / 5
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{_fmt(v)}</text>')

    def x_at(i: int) -> float:
        return left + (plot_w / 2 if n <= 1 else plot_w * i / (n - 1))

    step = max(1, math.ceil(n * 62 / plot_w))  # about 62 px per label, so they never overlap
    for i, lab in enumerate(labels):
        if (n - 1 - i) % step == 0:  # always label the latest month
            parts.append(
                f'<text class="x-label" x="{x_at(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#666">'
                f"{_esc(lab)}</text>"
            )
    if n == 0:
        parts.append(f'<text x="{left + 10}" y="{top + plot_h / 2:.1f}" fill="#777">暂无数据</text>')
    for s, (name, values) in enumerate(series):
        color = colors[s % len(colors)]
        pts = [
            (x_at(i), top + plot_h - (0 if vmax == 0 else plot_h * float(v) / vmax)) for i, v in enumerate(values)
        ]
        if pts:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            parts.append(
                f'<polyline class="series" data-series="{_esc(name)}" points="{path}" fill="none" '
                f'stroke="{color}" stroke-width="2"/>'
            )
            for (x, y), v, lab in zip(pts, values, labels, strict=False):
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                    f"<title>{_esc(lab)} {_esc(name)}：{_fmt(float(v))}</title></circle>"
                )
        # legend
        lx = left + s * 110
        ly = height - 10
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" fill="{color}"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly}" fill="#333">{_esc(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def donut(parts_in: Sequence[tuple[str, float, str]], *, size: int = 160, label: str = "") -> str:
    """A ring of (name, value, colour) segments with ``label`` in the middle (e.g. the completion rate)."""
    total = sum(v for _, v, _ in parts_in)
    r, cx, cy, sw = size / 2 - 14, size / 2, size / 2, 22
    circ = 2 * math.pi * r
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-donut" role="img" width="{size}" '
        f'height="{size}" viewBox="0 0 {size} {size}" {FONT}>',
        f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="#eee" stroke-width="{sw}"/>',
    ]
    offset = 0.0
    for name, value, color in parts_in:
        if total <= 0 or value <= 0:
            continue
        length = circ * value / total
        out.append(
            f'<circle class="segment" cx="{cx}" cy="{cy}" r="{r:.1f}" fill="none" stroke="{_esc(color)}" '
            f'stroke-width="{sw}" stroke-dasharray="{length:.2f} {circ - length:.2f}" '
            f'stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx} {cy})" data-value="{_fmt(value)}">'
            f"<title>{_esc(name)}：{_fmt(value)}</title></circle>"
        )
        offset += length
    if label:
        out.append(
            f'<text x="{cx}" y="{cy + 7}" text-anchor="middle" font-size="20" font-weight="bold" fill="#333">'
            f"{_esc(label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)
