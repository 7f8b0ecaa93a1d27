"""taizhang (台账): plan documents → source-grounded ledgers, and the supervision cycle on them.

Pipeline: read → segment → extract → resolve → store → track → report.
The domain core (read, segment, extract, resolve, standards, monitoring, report) imports no web framework;
the Django service lives in ``taizhang.service``.
"""

__version__ = "0.1.0"
