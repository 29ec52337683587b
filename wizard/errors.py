"""Errors the CLI turns into a one-line message and exit code 2 (never a traceback)."""

from __future__ import annotations


class WizardError(Exception):
    """Bad input or usage: a clear message that says what and where."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")


class FindingsError(WizardError):
    """Checks found problems, or tests failed (exit 1)."""

    exit_code = 1
