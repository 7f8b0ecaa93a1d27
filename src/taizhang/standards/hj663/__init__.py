"""HJ 663 evaluation of air quality, on top of HJ 633 and GB 3095 (numpy throughout).

Pipeline: :class:`HourlyData` (stations × hours) → :func:`compute_daily` (daily statistics with their
validity and the daily AQI, stations × days, each day by the standards in force on it) → optionally
:func:`city_daily` (mean over stations) → :func:`evaluate` / :func:`evaluate_all` (annual statistics,
compliance, good-days ratio, days by category); :func:`daily_table` and :func:`hourly_table` give report rows.

- :mod:`.daily` — daily and hourly statistics and their AQI;
- :mod:`.annual` — the annual evaluation (HJ 663-2013 method; HJ 663-2026 text not available);
- :mod:`.tables` — report rows.
"""

from taizhang.standards.hj663.annual import evaluate, evaluate_all, invalid_periods, percentile
from taizhang.standards.hj663.daily import (
    AQI_REQUIRED,
    DAILY_ITEMS,
    ITEM_OF_POLLUTANT,
    POLLUTANTS,
    DailyData,
    HourlyData,
    city_daily,
    compute_daily,
    compute_hourly,
    invalid_reason,
    precision,
    round_report,
    unit_of,
)
from taizhang.standards.hj663.tables import daily_table, hourly_table

__all__ = [
    "AQI_REQUIRED", "DAILY_ITEMS", "ITEM_OF_POLLUTANT", "POLLUTANTS", "DailyData", "HourlyData", "city_daily",
    "compute_daily", "compute_hourly", "daily_table", "evaluate", "evaluate_all", "hourly_table", "invalid_periods",
    "invalid_reason", "percentile", "precision", "round_report", "unit_of",
]
