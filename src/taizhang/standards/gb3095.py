"""GB 3095-2012 averaging with its data-validity rules (table 4), vectorised over stations × hours.

Hourly arrays have shape ``(stations, days * 24)``: column ``d*24 + h`` is the hour starting at ``h:00`` of
day ``d`` (``NaN`` = missing). Every function returns the statistic *and* how many values it rests on, so
invalid periods can be reported with their reason instead of being skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taizhang.standards import load_table

HOURS = 24
WINDOW = 8
N_WINDOWS = HOURS - WINDOW + 1  # 17 eight-hour means per day: hours 0–7 … 16–23 (ending 08:00 … 24:00)


def rules() -> dict:
    return load_table("gb3095")["validity"]


def limits(grade: int = 2) -> dict:
    return load_table("gb3095")[f"limits_grade{grade}"]


def _by_day(hourly: np.ndarray) -> np.ndarray:
    h = np.asarray(hourly, dtype=float)
    if h.shape[-1] % HOURS:
        raise ValueError("hourly series length is not a whole number of days")
    return h.reshape(*h.shape[:-1], h.shape[-1] // HOURS, HOURS)


@dataclass
class Stat:
    """A statistic per (station, day): ``value`` is NaN where invalid; ``raw`` keeps what was computable."""

    value: np.ndarray
    raw: np.ndarray
    count: np.ndarray  # hours (or 8-h means) the value rests on
    valid: np.ndarray
    need: int  # the minimum count of the rule


def _filled(hourly: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values with NaN → 0, presence as 0/1 float32 — exact for counts), shaped (..., days, 24)."""
    d = _by_day(hourly)
    nan = np.isnan(d)
    return np.where(nan, 0.0, d), (~nan).astype(np.float32)


def daily_mean(hourly: np.ndarray, min_hours: int | None = None) -> Stat:
    """24-hour mean of each day; valid with at least 20 hourly values."""
    need = rules()["daily_min_hours"] if min_hours is None else min_hours
    d0, ok = _filled(hourly)
    total = d0 @ np.ones(HOURS)  # BLAS: much faster than a reduction over a short last axis
    count = (ok @ np.ones(HOURS, np.float32)).astype(np.int16)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = total / count
    valid = count >= need
    return Stat(np.where(valid, raw, np.nan), raw, count, valid, need)


def daily_max_1h(hourly: np.ndarray, min_hours: int | None = None) -> Stat:
    """Daily maximum hourly value (O3 1-h for the daily report); valid with at least 20 hourly values."""
    need = rules()["daily_min_hours"] if min_hours is None else min_hours
    d = _by_day(hourly)
    ok = ~np.isnan(d)
    count = ok.sum(axis=-1)
    raw = np.where(count > 0, np.where(ok, d, -np.inf).max(axis=-1), np.nan)
    valid = count >= need
    return Stat(np.where(valid, raw, np.nan), raw, count, valid, need)


_WINDOWS = (np.arange(HOURS)[:, None] >= np.arange(N_WINDOWS)[None, :]) & (
    np.arange(HOURS)[:, None] < np.arange(N_WINDOWS)[None, :] + WINDOW)  # (24, 17): hour h in window s


def eight_hour_means(hourly: np.ndarray, min_hours: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The 17 eight-hour means of each day, shape ``(..., days, 17)``, NaN where fewer than 6 hours."""
    need = rules()["o3_8h_min_hours"] if min_hours is None else min_hours
    d0, ok = _filled(hourly)
    s = d0 @ _WINDOWS.astype(float)
    n = (ok @ _WINDOWS.astype(np.float32)).astype(np.int16)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n >= need, s / np.where(n > 0, n, 1), np.nan)
    return means, n


def daily_max_8h(hourly: np.ndarray, *, min_windows: int | None = None, limit: float | None = None) -> Stat:
    """Daily maximum 8-hour mean (O3): valid with at least 14 valid 8-hour means of the day.

    ``limit``: when given, a day with fewer valid 8-hour means still counts when its maximum exceeds the
    limit (HJ 663-2013 table 1 note: the exceedance is established whatever the missing values were).
    """
    need = rules()["o3_daily_max8h_min_windows"] if min_windows is None else min_windows
    means, _ = eight_hour_means(hourly)
    okw = ~np.isnan(means)
    count = okw.sum(axis=-1)
    raw = np.where(count > 0, np.where(okw, means, -np.inf).max(axis=-1), np.nan)
    valid = count >= need
    if limit is not None:
        with np.errstate(invalid="ignore"):
            valid = valid | ((count > 0) & (raw > limit))
    return Stat(np.where(valid, raw, np.nan), raw, count, valid, need)


def moving_mean(hourly: np.ndarray, window: int, min_hours: int) -> np.ndarray:
    """Trailing moving mean over ``window`` hours (the hour itself and the ``window-1`` before it)."""
    h = np.asarray(hourly, dtype=float)
    ok = ~np.isnan(h)
    zero = np.zeros((*h.shape[:-1], 1))
    csum = np.concatenate([zero, np.cumsum(np.where(ok, h, 0.0), axis=-1)], axis=-1)
    ccnt = np.concatenate([zero, np.cumsum(ok, axis=-1)], axis=-1)
    idx = np.arange(h.shape[-1]) + 1
    start = np.maximum(idx - window, 0)
    s = csum[..., idx] - csum[..., start]
    n = ccnt[..., idx] - ccnt[..., start]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= min_hours, s / np.where(n > 0, n, 1), np.nan)


def annual_validity(valid_days: np.ndarray, dates: np.ndarray) -> tuple[np.ndarray, list[list[str]]]:
    """Whether a yearly statistic may be computed: ≥ 324 valid days and each month ≥ 27 (February ≥ 25).

    ``valid_days``: bool ``(..., days)``; ``dates``: ``datetime64[D]`` of the days. Returns the flag per
    series and, per series, the reasons (Chinese) it fails.
    """
    r = rules()
    v = np.asarray(valid_days, dtype=bool)
    flat = v.reshape(-1, v.shape[-1]).astype(float)
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    present = np.unique(months)
    onehot = (months[:, None] == present[None, :]).astype(float)
    per_month = np.rint(flat @ onehot).astype(int)  # (series, months present)
    need = np.where(present == 2, r["february_min_days"], r["month_min_days"])
    total = per_month.sum(axis=1)
    month_bad = per_month < need
    ok = (total >= r["annual_min_days"]) & ~month_bad.any(axis=1)
    reasons: list[list[str]] = [[] for _ in range(flat.shape[0])]
    for i in np.nonzero(~ok)[0]:
        if total[i] < r["annual_min_days"]:
            reasons[i].append(f"全年有效日数{int(total[i])}天，少于{r['annual_min_days']}天")
        for j in np.nonzero(month_bad[i])[0]:
            reasons[i].append(f"{int(present[j])}月有效日数{int(per_month[i, j])}天，少于{int(need[j])}天")
    return ok.reshape(v.shape[:-1]), reasons
