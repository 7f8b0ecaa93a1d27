"""Commands of the ledger service: ``serve``, ``import``, ``remind``, ``backup``, ``restore``, ``audit-verify``.

Each command configures Django with :mod:`taizhang.service.settings` (``TAIZHANG_HOME``, ``DATABASE_URL``)
only when it runs, so the rest of the CLI never imports a web framework.
"""

from __future__ import annotations

import sys


def _setup():
    from taizhang.service import setup

    setup()


def cmd_audit_verify(args) -> int:
    _setup()
    from taizhang.service.ledger.audit import verify_chain

    report = verify_chain()
    if report.ok:
        print(f"审计记录完整：共 {report.count} 条，哈希链校验通过。")
        return 0
    print(f"审计记录被改动：第 {report.first_bad_seq} 条起哈希链断裂（{report.reason}）。", file=sys.stdout)
    return 1


def register(sub) -> None:
    p = sub.add_parser("audit-verify", help="校验审计记录的哈希链，报告第一条被改动的记录")
    p.set_defaults(func=cmd_audit_verify)
