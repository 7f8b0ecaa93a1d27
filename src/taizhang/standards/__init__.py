"""National standards computed over whole station-years with numpy (no web framework).

- :mod:`.hj633` — IAQI / AQI, primary pollutant, category (HJ 633-2012)
- :mod:`.gb3095` — averaging with the data-validity rules of GB 3095-2012 (daily means, O3 8-h, annual)
- :mod:`.hj663` — annual evaluation of a station or a city (HJ 663-2013)
- :mod:`.gb3838` — surface-water classes (GB 3838-2002)
- :mod:`.tracking` — ledger targets against the computed indicators
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_table(name: str) -> dict[str, Any]:
    """The YAML table ``standards/data/<name>.yaml`` (cached)."""
    text = resources.files(__package__).joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
