"""GB 3838-2002 surface-water classes by the worst single factor (table 1 basic items).

Classes are numbered 1..5 for Ⅰ..Ⅴ and 6 for 劣Ⅴ. A value exactly at a class limit belongs to that
(better) class. Arrays of samples are classified at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from taizhang.standards import load_table

RIVER, LAKE = "river", "lake"


def factors() -> dict:
    return load_table("gb3838")["factors"]


def class_names() -> list[str]:
    return load_table("gb3838")["classes"]


def class_name(k: int | None) -> str | None:
    return None if k is None else class_names()[int(k) - 1]


def limits(factor: str, waterbody: str = RIVER) -> list[float]:
    f = factors()[factor]
    if waterbody == LAKE and "lake_limits" in f:
        return f["lake_limits"]
    return f["limits"]


def factor_class(factor: str, values, waterbody: str = RIVER) -> np.ndarray:
    """Class 1..6 of each value of ``factor`` (NaN → 0 meaning "not measured")."""
    f = factors()[factor]
    v = np.asarray(values, dtype=float)
    nan = np.isnan(v)
    if f["kind"] == "range":
        with np.errstate(invalid="ignore"):
            k = np.where((v >= f["low"]) & (v <= f["high"]), 1, 6)
    elif f["kind"] == "min":
        lim = np.asarray(limits(factor, waterbody), dtype=float)  # decreasing
        # number of class limits the value falls short of → class index
        with np.errstate(invalid="ignore"):
            k = 1 + (v[..., None] < lim).sum(axis=-1)
    else:
        lim = np.asarray(limits(factor, waterbody), dtype=float)  # non-decreasing
        k = 1 + np.searchsorted(lim, v, side="left")
    return np.where(nan, 0, k).astype(int)


def evaluated(factor: str, waterbody: str) -> bool:
    e = factors()[factor]["evaluate"]
    return e is True or (e == "lake" and waterbody == LAKE)


@dataclass
class WaterResult:
    klass: int | None  # 1..6, None when nothing measured
    factor_classes: dict[str, int] = field(default_factory=dict)
    exceeding: list[dict] = field(default_factory=list)  # factors worse than the target class

    def to_dict(self) -> dict:
        return {"class": class_name(self.klass), "class_number": self.klass,
                "factor_classes": {k: class_name(v) for k, v in self.factor_classes.items()},
                "exceeding": self.exceeding}


def classify(values: dict[str, float], waterbody: str = RIVER, *, target: int = 3) -> WaterResult:
    """Class of one sample (or of a section's mean values): the worst class over the evaluated factors.
    ``exceeding`` lists each factor above the ``target`` class limit with its multiple of exceedance."""
    fc: dict[str, int] = {}
    exceeding = []
    for name, val in values.items():
        if name not in factors() or val is None or np.isnan(val) or not evaluated(name, waterbody):
            continue
        k = int(factor_class(name, val, waterbody))
        fc[name] = k
        if k > target:
            f = factors()[name]
            entry = {"factor": name, "name": f["name"], "value": float(val), "class": class_name(k)}
            if f["kind"] == "max":
                lim = limits(name, waterbody)[target - 1]
                entry["limit"] = lim
                entry["exceed_multiple"] = round((val - lim) / lim, 2)
            elif f["kind"] == "min":
                entry["limit"] = limits(name, waterbody)[target - 1]
            else:
                entry["limit"] = f"{f['low']}–{f['high']}"
            exceeding.append(entry)
    klass = max(fc.values()) if fc else None
    return WaterResult(klass, fc, exceeding)


def section_means(samples: list[dict]) -> dict[str, float]:
    """Mean of each factor over the samples of a section (the period value used for its class).
    pH is not averaged arithmetically by the standard either way; we take the mean of the values."""
    keys = sorted({k for s in samples for k in s if k in factors()})
    out = {}
    for k in keys:
        vals = np.array([s[k] for s in samples if s.get(k) is not None], dtype=float)
        vals = vals[~np.isnan(vals)]
        if len(vals):
            out[k] = float(vals.mean())
    return out


def evaluate_sections(samples: list[dict], *, target: int = 3) -> dict:
    """Per-sample and per-section classes and the shares of sections at Ⅲ or better and worse than Ⅴ.

    ``samples``: dicts with ``section``, ``date``, ``waterbody`` (river/lake) and factor values."""
    per_sample = []
    by_section: dict[str, list[dict]] = {}
    kind: dict[str, str] = {}
    for s in samples:
        wb = s.get("waterbody") or RIVER
        r = classify(s, wb, target=target)
        per_sample.append({"section": s["section"], "date": s.get("date"), "waterbody": wb, **r.to_dict()})
        by_section.setdefault(s["section"], []).append(s)
        kind[s["section"]] = wb
    sections = []
    for name, ss in by_section.items():
        means = section_means(ss)
        r = classify(means, kind[name], target=target)
        sections.append({"section": name, "waterbody": kind[name], "samples": len(ss),
                         "means": {k: round(v, 4) for k, v in means.items()}, **r.to_dict()})
    classes = [s["class_number"] for s in sections if s["class_number"]]
    n = len(classes)
    good = sum(1 for k in classes if k <= 3)
    bad = sum(1 for k in classes if k == 6)
    return {
        "standard": "GB 3838-2002",
        "target_class": class_name(target),
        "sections": sections,
        "samples": per_sample,
        "summary": {
            "sections": n,
            "class_iii_or_better": good,
            "worse_than_v": bad,
            "good_share": round(100.0 * good / n, 1) if n else None,
            "bad_share": round(100.0 * bad / n, 1) if n else None,
            "by_class": {class_name(k): sum(1 for c in classes if c == k) for k in range(1, 7)},
        },
    }
