"""Entry point of the ``taizhang`` console command.

Every command module listed in ``COMMAND_MODULES`` defines ``register(subparsers)``, which adds its
sub-command(s) and sets ``func`` on the parser; ``func(args)`` returns the exit status.
Errors that are the input's fault (:class:`taizhang.errors.TaizhangError`) print one clear line and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from taizhang import __version__
from taizhang.errors import TaizhangError

COMMAND_MODULES = [
    "taizhang.cli.extract",
    "taizhang.cli.standards",
    "taizhang.cli.service",
    "taizhang.cli.users",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taizhang",
        description="台账：把整改方案、行动计划变成可核对的任务台账，并跟踪整改全过程。",
    )
    parser.add_argument("--version", action="version", version=f"taizhang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in COMMAND_MODULES:
        importlib.import_module(mod).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except TaizhangError as exc:
        print(f"taizhang: 错误: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
