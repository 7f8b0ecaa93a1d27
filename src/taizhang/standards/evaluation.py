"""The one path from monitoring data to evaluations, used by the command line, the web service and the tests.

- :func:`air_evaluations` — hourly air data (:class:`~taizhang.standards.hj663.HourlyData`) → the HJ 663
  evaluation of the city (mean over the stations) and/or of each station, every day judged by the
  standards in force on it (``standard``: ``auto`` / ``2012`` / ``2026``, see
  :mod:`taizhang.standards.editions`);
- :func:`read_hourly` — an air file → hourly arrays over the data's own span (or the days asked for);
- :func:`evaluate_air_file` / :func:`evaluate_water_file` — a file → the evaluation a target is tracked
  against (:func:`taizhang.standards.tracking.track_target`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from taizhang.standards import hj663

CITY = "全市"


def read_hourly(path: str | Path, *, year: int | None = None, station: str | None = None,
                start: dt.date | None = None, end: dt.date | None = None,
                warn: Callable[[str], None] | None = None) -> hj663.HourlyData:
    """Read an hourly air file (CSV / .xlsx, long or wide) into stations × hours arrays from its first to
    its last day with data (within ``year``; ``start`` / ``end`` replace either end). ``station``: that
    station only. The reader's warnings (ignored columns) go to ``warn``. A bad file raises
    :class:`taizhang.errors.DataError` naming the file and the line."""
    from taizhang.monitoring import read_air

    data = read_air(path)
    for w in data.warnings:
        if warn is not None:
            warn(w)
    return data.to_hourly(year, [station] if station else None, start=start, end=end)


def daily(hourly: hj663.HourlyData, *, standard: str = "auto", city: str | None = None) -> hj663.DailyData:
    """The stations' daily values and AQI, or (``city``: its name) the city's."""
    d = hj663.compute_daily(hourly, standard=standard)
    return hj663.city_daily(d, city) if city else d


def air_evaluations(hourly: hj663.HourlyData, *, year: int, through: dt.date | None = None,
                    standard: str = "auto", city: str | None = CITY, stations: bool = True,
                    include_daily: bool = True, include_invalid: bool = True) -> list[dict]:
    """The evaluation of the city named ``city`` (None: none), then of every station (``stations``), for
    ``year`` (to ``through`` if given), from one computation of the daily values."""
    d = hj663.compute_daily(hourly, standard=standard)
    out = []
    if city:
        out.append(hj663.evaluate(hj663.city_daily(d, city), year=year, through=through, include_daily=include_daily))
    if stations:
        out.extend(hj663.evaluate_all(d, year=year, through=through, include_daily=include_daily,
                                      include_invalid=include_invalid))
    return out


def evaluate_air_file(path: str | Path, year: int, *, station: str | None = None, through: dt.date | None = None,
                      standard: str = "auto", warn: Callable[[str], None] | None = None) -> dict:
    """The evaluation of the city (mean over the file's stations) or of one ``station`` for ``year`` (to
    ``through``: the days up to it count, missing ones as invalid)."""
    hourly = read_hourly(path, year=year, station=station, end=through, warn=warn)
    if station:
        return air_evaluations(hourly, year=year, through=through, standard=standard, city=None)[0]
    return air_evaluations(hourly, year=year, through=through, standard=standard, stations=False)[0]


def evaluate_water_file(path: str | Path, *, default_waterbody: str = "river", target: int = 3) -> dict:
    """Read a surface-water sample file and evaluate its sections (GB 3838-2002)."""
    from taizhang.monitoring import read_water
    from taizhang.standards import gb3838

    return gb3838.evaluate_sections(read_water(path, default_waterbody=default_waterbody), target=target)
