"""Helpers for the Pilot tests (imported by name: pytest puts this folder on sys.path, it has no __init__.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.widgets import Input

from screens.app import WizardApp
from screens.cb_form import CBForm, CBRow
from wizard.workspace import DemoWorkspace


def make_app(ws: DemoWorkspace, **kw: Any) -> WizardApp:
    return WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root, **kw)


async def loaded(app: WizardApp, pilot: Any) -> None:
    await app.wait_ready()
    await pilot.pause()
    await pilot.pause()
    assert app.session is not None, app.load_error


async def until(pilot: Any, cond: Callable[[], object], timeout: float = 20.0) -> bool:
    """Poll (a loaded CI machine needs more than one pause for a chain of messages); the caller asserts."""
    end = time.monotonic() + timeout
    while not cond() and time.monotonic() < end:
        await pilot.pause(0.02)
    return bool(cond())


def cell(app: WizardApp, row: int, name: str) -> Input:
    """The CB form's cell ``name`` in row ``row``."""
    rows = list(app.query_one(CBForm).query(CBRow))
    return next(w for w in rows[row].query(Input) if w.name == name)


async def open_step(app: WizardApp, pilot: Any, step: str) -> None:
    """Loaded, then on ``step`` (e.g. "stage5") with its pane mounted."""
    await loaded(app, pilot)
    app.goto(step)
    await pilot.pause()
