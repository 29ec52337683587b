"""Messages the panes send to the app (a light module: the app imports it before first paint)."""

from __future__ import annotations

from textual.message import Message


class SpecChanged(Message):
    """An override was set or cleared in the Spec step."""


class CBChanged(Message):
    """A valid CB table (or the sample shape) was saved: gauge, grid and preview follow."""


class CBStatus(Message):
    """The CB form's validation state changed: ``errors`` block generation."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__()


class WorkChanged(Message):
    """The work distribution was overridden."""
