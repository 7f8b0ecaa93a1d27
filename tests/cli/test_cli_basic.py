import subprocess
import sys

from taizhang import __version__
from taizhang.cli.main import build_parser


def test_version_printed_by_console_command():
    out = subprocess.run([sys.executable, "-m", "taizhang.cli.main", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.strip() == f"taizhang {__version__}"


def test_every_registered_command_has_a_handler():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices, "no sub-commands registered"
    for name, p in sub.choices.items():
        assert p.get_default("func") is not None, name


def test_every_command_prints_its_help():
    """argparse formats help lazily: a stray % in a help text only fails when a user asks for --help."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        text = p.format_help()
        assert name in text
