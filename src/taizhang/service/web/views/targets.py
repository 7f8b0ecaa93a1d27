"""目标指标: a document's numeric targets and how each stands against monitoring data (HJ 663, GB 3838)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, render

from taizhang.errors import TaizhangError

from ..access import viewer_required
from .documents import visible_documents


@viewer_required
def document_targets(request, pk: int):
    """The document's numeric targets; with the standards' tracking, how each stands. Monitoring data (hourly air
    data, water sections) can be uploaded on this page: it is evaluated by the national rules (HJ 663,
    GB 3838) for this view only and not stored."""
    doc = get_object_or_404(visible_documents(request.user), pk=pk)
    try:
        from taizhang.standards.tracking import track_target
    except ImportError:  # the standards package is optional for this screen
        track_target = None
    evaluate = None
    if request.method == "POST" and track_target is not None:
        evaluate = _monitoring_evaluator(request)
    rows = []
    for g in doc.targets.select_related("task").all():
        tdict = {"id": g.key, "indicator": g.indicator, "comparator": g.comparator, "value": g.value,
                 "unit": g.unit, "year": g.year, "baseline_year": g.baseline_year}
        row = {"target": g, "tracking": None}
        if track_target is not None:
            ev, base = evaluate(tdict) if evaluate else (None, None)
            row["tracking"] = track_target(tdict, ev, baseline=base)
        rows.append(row)
    return render(request, "web/document_targets.html", {
        "doc": doc, "rows": rows, "tracking": track_target is not None, "evaluated": evaluate is not None})


def _monitoring_evaluator(request):
    """From uploaded monitoring files: a function target → (evaluation, baseline evaluation), or None after
    telling the user what is wrong."""
    import datetime as dt
    import tempfile
    from pathlib import Path

    from taizhang.monitoring import read_air, read_water
    from taizhang.standards import gb3838, hj663
    from taizhang.standards.tracking import indicator_rule

    air, base_air, water = (request.FILES.get(n) for n in ("air", "baseline_air", "water"))
    if not (air or water or base_air):
        messages.error(request, "请上传空气或水质监测数据文件（.csv 或 .xlsx）。")
        return None
    through = None
    if request.POST.get("through"):
        try:
            through = dt.date.fromisoformat(request.POST["through"])
        except ValueError:
            messages.error(request, f"日期“{request.POST['through']}”格式不对，应为 YYYY-MM-DD。")
            return None
    tmp = Path(tempfile.mkdtemp(prefix="taizhang-monitoring-"))
    paths = {}
    for name, f in (("air", air), ("baseline_air", base_air), ("water", water)):
        if f is not None:
            path = tmp / f"{name}{Path(f.name).suffix.lower()}"
            path.write_bytes(b"".join(f.chunks()))
            paths[name] = (path, f.name)
    cache: dict = {}
    try:
        air_data = {k: read_air(paths[k][0]) for k in ("air", "baseline_air") if k in paths}
        water_ev = gb3838.evaluate_sections(read_water(paths["water"][0])) if "water" in paths else None
    except TaizhangError as exc:
        messages.error(request, f"监测数据有误：{exc}")
        return None
    finally:
        for p, _ in paths.values():
            p.unlink(missing_ok=True)
        tmp.rmdir()

    def air_eval(which: str, year):
        if which not in air_data or (which, year) in cache:
            return cache.get((which, year))
        try:
            daily = hj663.city_daily(hj663.compute_daily(air_data[which].to_hourly(year)))
            cache[(which, year)] = hj663.evaluate(daily, year=year, through=through if which == "air" else None)
        except TaizhangError as exc:
            messages.warning(request, f"{paths[which][1]}：{exc}")
            cache[(which, year)] = None
        return cache[(which, year)]

    def evaluate(t: dict):
        rule = indicator_rule(t.get("indicator", ""))
        if rule is None or rule["kind"] == "unsupported":
            return None, None
        if rule["kind"] == "water_share":
            return water_ev, None
        ev = air_eval("air", t.get("year"))
        base = air_eval("baseline_air", t.get("baseline_year")) if t.get("comparator") in (
            "reduce_by", "increase_by") else None
        return ev, base

    messages.success(request, "已按国家标准计算监测指标（仅用于本次查看，不保存）。")
    return evaluate
