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


_ONES = np.ones(HOURS)
_BYTE_SUM = np.uint64(0x0101010101010101)  # multiplying 8 packed bytes by it adds them up in the top byte


def _count_true(mask: np.ndarray) -> np.ndarray:
    """Number of True per row of a C-contiguous bool array (N, 24): three 8-byte words per row are
    added and their bytes summed by one multiplication (no reduction over a short axis)."""
    w = mask.view(np.uint64)
    s = w[:, 0] + w[:, 1] + w[:, 2]
    return ((s * _BYTE_SUM) >> np.uint64(56)).astype(np.int16)


@dataclass
class _Days:
    """One pollutant's day sums and counts. Days with every hour present (the great majority) are summed
    straight away by BLAS over rows of 24; only days with a gap are gathered and summed without their NaNs."""

    shape: tuple[int, ...]  # (..., days)
    total: np.ndarray  # (N,) sum of the present hours, N = stations·days
    count: np.ndarray  # (N,) int16 number of present hours


def _zero_missing(a: np.ndarray, miss: np.ndarray) -> None:
    """NaN → 0 in place. Without negative values (concentrations never are), ``fmax(a, 0)`` does it in
    one branch-free pass (fmax returns the non-NaN operand; a value ≥ 0 stays as it is), several times
    faster than the masked copy used otherwise."""
    lo = np.fmin.reduce(a, axis=None)  # NaN only when every value is NaN
    if lo >= 0 or lo != lo:
        np.fmax(a, 0.0, out=a)
    else:
        np.copyto(a, 0.0, where=miss)


def _days(hourly: np.ndarray) -> _Days:
    d = _by_day(hourly)
    rows = d.reshape(-1, HOURS)
    total = rows @ _ONES  # NaN exactly on the days with a gap
    count = np.full(total.shape, HOURS, dtype=np.int16)
    gap = np.flatnonzero(np.isnan(total))
    if gap.size:
        sub = np.take(rows, gap, axis=0)
        miss = np.isnan(sub)
        _zero_missing(sub, miss)
        total[gap] = sub @ _ONES
        count[gap] = HOURS - _count_true(miss)
    return _Days(d.shape[:-1], total, count)


def _stat(raw: np.ndarray, count: np.ndarray, need: int, shape: tuple[int, ...]) -> Stat:
    raw = raw.reshape(shape)
    count = count.reshape(shape)
    valid = count >= need
    return Stat(np.where(valid, raw, np.nan), raw, count, valid, need)


def daily_mean(hourly: np.ndarray, min_hours: int | None = None) -> Stat:
    """24-hour mean of each day; valid with at least 20 hourly values."""
    need = rules()["daily_min_hours"] if min_hours is None else min_hours
    days = _days(hourly)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = days.total / days.count
    return _stat(raw, days.count, need, days.shape)


@dataclass
class _HourMajor:
    """One pollutant's hours transposed to (24, N) — hour-major, so that every per-day statistic is an
    element-wise operation between whole rows — with NaN replaced by 0 and the presence of each hour."""

    shape: tuple[int, ...]  # (..., days)
    hours: np.ndarray  # (24, N) float, missing → 0
    present: np.ndarray  # (24, N) int8 0/1
    count: np.ndarray  # (N,) int16 hours present
    max1h: np.ndarray  # (N,) maximum hourly value, NaN when no hour


def _hour_major(hourly: np.ndarray) -> _HourMajor:
    d = _by_day(hourly)
    t = d.reshape(-1, HOURS).T.copy()  # always a copy: the NaNs are overwritten below
    miss = np.isnan(t)
    max1h = np.fmax.reduce(t, axis=0)  # fmax ignores NaN: NaN only when all 24 hours are missing
    np.copyto(t, 0.0, where=miss)
    present = np.logical_not(miss).view(np.int8)
    count = np.add.reduce(present, axis=0, dtype=np.int16)
    return _HourMajor(d.shape[:-1], t, present, count, max1h)


def _window_sums(rows: np.ndarray) -> np.ndarray:
    """Sums over the 17 eight-hour windows of hour-major rows (24, N) → (17, N), added pairwise
    ((h0+h1)+(h2+h3))+((h4+h5)+(h6+h7)) so that every window is summed in the same order."""
    p = rows[:-1] + rows[1:]
    p = p[:-2] + p[2:]
    return p[:-4] + p[4:]


def _window_means(hm: _HourMajor, need: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 8-hour means (17, N), NaN with fewer than ``need`` hours, their hour counts (int8), and the
    mask of the windows with too few hours."""
    s = _window_sums(hm.hours)
    n = _window_sums(hm.present)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(s, n, out=s)
    short = n < need
    np.copyto(s, np.nan, where=short)
    return s, n, short


def eight_hour_means(hourly: np.ndarray, min_hours: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The 17 eight-hour means of each day, shape ``(..., days, 17)``, NaN where fewer than 6 hours."""
    need = rules()["o3_8h_min_hours"] if min_hours is None else min_hours
    hm = _hour_major(hourly)
    means, n, _ = _window_means(hm, need)
    return means.T.reshape(*hm.shape, N_WINDOWS), n.T.astype(np.int16).reshape(*hm.shape, N_WINDOWS)


def _max8h_stat(hm: _HourMajor, need: int, min_hours: int, limit: float | None) -> Stat:
    means, _, short = _window_means(hm, min_hours)
    count = N_WINDOWS - np.add.reduce(short.view(np.int8), axis=0, dtype=np.int16)  # valid 8-h means
    raw = np.fmax.reduce(means, axis=0)  # NaN when none is valid
    st = _stat(raw, count, need, hm.shape)
    if limit is not None:
        with np.errstate(invalid="ignore"):
            st.valid |= st.raw > limit
        st.value = np.where(st.valid, st.raw, np.nan)
    return st


def daily_max_1h(hourly: np.ndarray, min_hours: int | None = None) -> Stat:
    """Daily maximum hourly value (O3 1-h for the daily report); valid with at least 20 hourly values."""
    need = rules()["daily_min_hours"] if min_hours is None else min_hours
    hm = _hour_major(hourly)
    return _stat(hm.max1h, hm.count, need, hm.shape)


def daily_max_8h(hourly: np.ndarray, *, min_windows: int | None = None, limit: float | None = None) -> Stat:
    """Daily maximum 8-hour mean (O3): valid with at least 14 valid 8-hour means of the day.

    ``limit``: when given, a day with fewer valid 8-hour means still counts when its maximum exceeds the
    limit (HJ 663-2013 table 1 note: the exceedance is established whatever the missing values were).
    """
    need = rules()["o3_daily_max8h_min_windows"] if min_windows is None else min_windows
    return _max8h_stat(_hour_major(hourly), need, rules()["o3_8h_min_hours"], limit)


def o3_daily(hourly: np.ndarray, *, limit: float | None = None) -> tuple[Stat, Stat]:
    """(daily maximum 8-hour mean, daily maximum 1-hour value) of O3 from one pass over the hours."""
    r = rules()
    hm = _hour_major(hourly)
    return (_max8h_stat(hm, r["o3_daily_max8h_min_windows"], r["o3_8h_min_hours"], limit),
            _stat(hm.max1h, hm.count, r["daily_min_hours"], hm.shape))


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
    flat = v.reshape(-1, v.shape[-1])
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    if len(months) and (months[1:] >= months[:-1]).all():  # consecutive days: months are runs
        starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
        present = months[starts]
        per_month = np.add.reduceat(flat, starts, axis=1, dtype=np.int32)  # (series, months present)
    else:
        present = np.unique(months)
        onehot = (months[:, None] == present[None, :]).astype(float)
        per_month = np.rint(flat.astype(float) @ onehot).astype(np.int32)
    need = np.where(present == 2, r["february_min_days"], r["month_min_days"])
    total = per_month.sum(axis=1)
    month_bad = per_month < need
    ok = (total >= r["annual_min_days"]) & ~month_bad.any(axis=1)
    reasons: list[list[str]] = [[] for _ in range(flat.shape[0])]
    bad = np.flatnonzero(~ok)
    if bad.size:  # Python lists once, then only list indexing in the loop
        a_min = r["annual_min_days"]
        present_l, need_l = present.tolist(), need.tolist()
        for i, t, pm, mb in zip(bad.tolist(), total[bad].tolist(), per_month[bad].tolist(),
                                month_bad[bad].tolist(), strict=True):
            why = reasons[i]
            if t < a_min:
                why.append(f"全年有效日数{t}天，少于{a_min}天")
            for j, is_bad in enumerate(mb):
                if is_bad:
                    why.append(f"{present_l[j]}月有效日数{pm[j]}天，少于{need_l[j]}天")
    return ok.reshape(v.shape[:-1]), reasons
