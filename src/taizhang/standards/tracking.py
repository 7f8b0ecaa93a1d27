"""Ledger targets checked against indicators computed from monitoring data (pure functions, no web framework).

The web service and ``taizhang track-target`` call :func:`track_target` with a ledger target (the dict of
:class:`taizhang.ledger.Target`) and an evaluation made through :mod:`taizhang.standards.evaluation`
(HJ 663 for air, GB 3838 for water) for the target's jurisdiction and year.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from taizhang.standards import load_table

STATUS_TEXT = {
    "met": "已达标",
    "missed": "未达标",
    "on_track": "按目前水平可达标",
    "at_risk": "须改善才能达标",
    "secured": "已确定达标",
    "cannot_meet": "已无法达标",
    "no_data": "无法计算",
}


def indicator_rule(indicator: str) -> dict | None:
    """The rule of ``data/indicators.yaml`` matching a ledger indicator name (None when none matches)."""
    name = unicodedata.normalize("NFKC", indicator or "")
    for rule in load_table("indicators")["rules"]:
        if re.search(rule["match"], name, flags=re.IGNORECASE):
            return rule
    return None


def _actual(rule: dict, ev: dict) -> tuple[float | None, dict]:
    """The indicator's value in an evaluation, and the numbers behind it."""
    kind = rule["kind"]
    if kind in ("mean", "percentile"):
        p = ev.get("pollutants", {}).get(rule["key"])
        if not p:
            return None, {}
        return p["value"], {"valid_days": p["valid_days"], "unrounded": p["unrounded"]}
    if kind == "ratio":
        a = ev.get("aqi") or {}
        return a.get(f"{rule['key']}_ratio"), {"valid_days": a.get("valid_days"),
                                               f"{rule['key']}_days": a.get(f"{rule['key']}_days")}
    if kind == "water_share":
        s = ev.get("summary") or {}
        return s.get(rule["key"]), {"sections": s.get("sections"),
                                    "class_iii_or_better": s.get("class_iii_or_better"),
                                    "worse_than_v": s.get("worse_than_v")}
    return None, {}


def _threshold(target: dict, rule: dict, baseline: dict | None) -> tuple[str | None, float | None, str | None]:
    """(comparator ``<=``/``>=``, threshold in the indicator's unit, problem)."""
    comp, value = target.get("comparator"), target.get("value")
    if comp in ("<=", ">="):
        return comp, float(value), None
    if comp in ("reduce_by", "increase_by"):
        if baseline is None:
            return None, None, f"缺少基准年{target.get('baseline_year') or ''}的评价结果"
        base, _ = _actual(rule, baseline)
        if base is None:
            return None, None, "基准年评价结果中没有该指标"
        if target.get("unit") in ("个百分点", "百分点"):
            delta = float(value)
        else:
            delta = base * float(value) / 100.0
        if comp == "reduce_by":
            return "<=", base - delta, None
        return ">=", base + delta, None
    return None, None, f"无法处理的比较方式“{comp}”"


def _meets(comp: str, actual: float, threshold: float) -> bool:
    eps = 1e-9
    return actual <= threshold + eps if comp == "<=" else actual >= threshold - eps


def track_target(target: dict[str, Any], evaluation: dict[str, Any] | None, *,
                 baseline: dict[str, Any] | None = None) -> dict[str, Any]:
    """Where a target stands.

    ``target``: a ledger target dict (``indicator``, ``comparator`` ``<=``/``>=``/``reduce_by``/
    ``increase_by``, ``value``, ``unit``, ``year``, ``baseline_year``).
    ``evaluation``: for air indicators the dict of ``hj663.evaluate(...)`` for the jurisdiction and the
    target year — a whole year, or the year to date (``through=``) with its ``daily`` series; for water
    shares the dict of ``gb3838.evaluate_sections(...)``. ``baseline``: the same for ``baseline_year``
    (needed by ``reduce_by`` / ``increase_by``).

    Returns ``status`` (met / missed for a complete year; on_track / at_risk / secured / cannot_meet during
    the year; no_data), ``actual``, ``threshold``, ``gap`` (actual − threshold, in the indicator's unit) and,
    during the year, ``remaining``: what the rest of the year must achieve (the mean the remaining days must
    stay under, or the good days needed among them).
    """
    out: dict[str, Any] = {"target_id": target.get("id"), "indicator": target.get("indicator"),
                           "comparator": target.get("comparator"), "value": target.get("value"),
                           "unit": target.get("unit"), "year": target.get("year")}
    rule = indicator_rule(target.get("indicator", ""))
    if rule is None or rule["kind"] == "unsupported":
        why = rule["reason"] if rule else "该指标不能由空气或地表水监测数据计算"
        return {**out, "status": "no_data", "status_text": STATUS_TEXT["no_data"], "message": why}
    out["computed_as"] = rule["label"]
    out["computed_unit"] = rule["unit"]
    if evaluation is None:
        return {**out, "status": "no_data", "status_text": STATUS_TEXT["no_data"], "message": "没有评价结果"}
    if evaluation.get("standard"):
        out["standard"] = evaluation["standard"]
    if target.get("year") and evaluation.get("year") and int(target["year"]) != int(evaluation["year"]):
        out["message"] = f"评价年份{evaluation['year']}与目标年份{target['year']}不同"
    comp, thr, problem = _threshold(target, rule, baseline)
    if problem:
        return {**out, "status": "no_data", "status_text": STATUS_TEXT["no_data"], "message": problem}
    actual, basis = _actual(rule, evaluation)
    out.update({"threshold_comparator": comp, "threshold": _clean(thr), "actual": actual, "basis": basis})
    if actual is None:
        return {**out, "status": "no_data", "status_text": STATUS_TEXT["no_data"], "message": "评价结果中没有该指标"}
    out["gap"] = _clean(actual - thr)
    if rule["kind"] in ("mean", "percentile"):
        p = evaluation["pollutants"][rule["key"]]  # present: _actual found the value there
        # the national limit in force for the period, beside the plan's own target
        out["standard_limit"] = {"limit": p.get("limit"), "standard": p.get("limit_standard"),
                                 "compliant": p.get("compliant")}
    out["met"] = _meets(comp, actual, thr)
    period = evaluation.get("period") or {}
    if not period.get("year_to_date"):
        status = "met" if out["met"] else "missed"
        out["by"] = _clean(abs(actual - thr))
        return {**out, "status": status, "status_text": STATUS_TEXT[status],
                "message": _message(status, rule, actual, thr, comp)}
    # during the year
    remaining_days = int(period["days_in_year"]) - _day_of_year(period)
    out["days_remaining"] = remaining_days
    if rule["kind"] == "mean":
        rem = _remaining_mean(rule, evaluation, comp, thr, remaining_days)
    elif rule["kind"] == "ratio":
        rem = _remaining_ratio(rule, evaluation, comp, thr, remaining_days)
    else:
        rem = {"status": "on_track" if out["met"] else "at_risk",
               "note": "百分位数和断面比例只按年内至今的数值判断"}
    status = rem.pop("status")
    out["remaining"] = rem
    return {**out, "status": status, "status_text": STATUS_TEXT[status],
            "message": _message(status, rule, actual, thr, comp, rem)}


def _day_of_year(period: dict) -> int:
    import datetime as dt

    end = dt.date.fromisoformat(period["end"])
    return (end - dt.date(end.year, 1, 1)).days + 1


def _daily(evaluation: dict, key: str) -> list:
    daily = evaluation.get("daily")
    if not daily or key not in daily:
        return []
    return [v for v in daily[key] if v is not None]


def _remaining_mean(rule, ev, comp, thr, remaining) -> dict:
    """Annual mean = (sum so far + R·m) / (n + R), the rest of the year assumed to have valid data daily.
    The reported annual mean is rounded to an integer (half to even), so ``<= thr`` holds while the
    unrounded mean is below thr + 0.5."""
    vals = _daily(ev, rule["key"])
    n, total = len(vals), float(sum(vals))
    if comp != "<=":
        return {"status": "at_risk", "note": "均值类指标只支持“不高于”目标"}
    bound = thr + 0.5
    if remaining <= 0:
        return {"status": "met" if n and total / n < bound else "missed"}
    need = (bound * (n + remaining) - total) / remaining
    res = {"valid_days_so_far": n, "year_to_date_mean": _clean(total / n) if n else None,
           "required_mean_of_remaining_days": _clean(need),
           "required_text": f"余下{remaining}天日均值须平均低于{need:.1f}"}
    if need <= 0:
        res["status"] = "cannot_meet"
    elif n and total / n < bound:
        res["status"] = "on_track"
    else:
        res["status"] = "at_risk"
    return res


def _remaining_ratio(rule, ev, comp, thr, remaining) -> dict:
    """Good days (AQI ≤ 100) needed among the remaining days for the year's ratio to reach the threshold
    (ratio reported to one decimal, half to even); heavy-pollution days allowed for a "≤" ratio."""
    aqi = _daily(ev, "AQI")
    n = len(aqi)
    hit = sum(1 for a in aqi if (a <= 100 if rule["key"] == "good" else a > 200))
    total = n + remaining

    def ratio(x: int) -> float:
        return round(100.0 * x / total, 1) if total else 0.0

    res: dict[str, Any] = {"valid_days_so_far": n, "days_so_far": hit}
    if comp == ">=":
        need = next((x for x in range(remaining + 1) if ratio(hit + x) >= thr - 1e-9), None)
        if need is None:
            res.update(status="cannot_meet", required_text=f"余下{remaining}天即使全部优良也无法达到{thr:g}%")
        else:
            res.update(required_days=need, required_text=f"余下{remaining}天中至少需要{need}天优良",
                       status="secured" if need == 0 else ("on_track" if n and need / max(remaining, 1) <= hit / n
                                                           else "at_risk"))
    else:
        allowed = max((x for x in range(remaining + 1) if ratio(hit + x) <= thr + 1e-9), default=None)
        if allowed is None:
            res.update(status="cannot_meet", required_text=f"已超过{thr:g}%")
        else:
            res.update(allowed_days=allowed, required_text=f"余下{remaining}天中最多还可出现{allowed}天",
                       status="secured" if allowed == remaining else (
                           "on_track" if n and allowed / max(remaining, 1) >= hit / n else "at_risk"))
    return res


def _message(status, rule, actual, thr, comp, rem=None) -> str:
    unit = rule["unit"]
    word = "不高于" if comp == "<=" else "不低于"
    base = f"{rule['label']}{actual:g}{unit}，目标{word}{_clean(thr):g}{unit}"
    if status == "met":
        return f"{base}，已达标（余量{abs(actual - thr):.4g}{unit}）"
    if status == "missed":
        return f"{base}，未达标（差{abs(actual - thr):.4g}{unit}）"
    extra = f"；{rem['required_text']}" if rem and rem.get("required_text") else ""
    return f"年内至今{base}；{STATUS_TEXT[status]}{extra}"


def _clean(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), 4)
