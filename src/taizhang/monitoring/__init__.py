"""Import of monitoring data (air hourly concentrations, surface-water samples) from CSV and .xlsx.

All-or-nothing: a file with any bad row raises :class:`taizhang.errors.DataError` naming the file, the
line and the problem (the first ones, if there are many); nothing is returned half-read.
"""

from taizhang.monitoring.air import AirData, read_air
from taizhang.monitoring.water import read_water

__all__ = ["AirData", "read_air", "read_water"]
