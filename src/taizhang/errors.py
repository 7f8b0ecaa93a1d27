"""Errors the domain core raises for bad input: each names the file, where, and what is wrong."""

from __future__ import annotations


class TaizhangError(Exception):
    """Base of all errors that are the input's fault, not a bug. The CLI turns them into exit status 2."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"第{self.line}行"
        return f"{where}: {self.message}" if where else self.message


class ReadError(TaizhangError):
    """A document cannot be read (empty, binary, corrupt, encrypted, no text layer, unknown type)."""


class DataError(TaizhangError):
    """Monitoring or other tabular input is malformed."""
