"""SVG snapshots of every screen at 100x30 (pytest-textual-snapshot 1.1.0 + syrupy 4.8.0).

Deterministic: the demo workspace is shown by paths relative to it, no clocks, cursors never blink,
and generated files carry a fixed year. Update with ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

import datetime
import types
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from screens.app import WizardApp
from wizard.workspace import DemoWorkspace

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    import wizard.generate as generate

    fixed = types.SimpleNamespace(date=types.SimpleNamespace(today=lambda: datetime.date(2026, 1, 1)))
    monkeypatch.setattr(generate, "datetime", fixed)  # the SPDX year in generated headers
    monkeypatch.delenv("TTNN_WIZARD_THEME", raising=False)


def app_for(ws: DemoWorkspace) -> WizardApp:
    return WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root)


def at(step: str, *then: Callable[[WizardApp, Pilot[Any]], Awaitable[None]]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, WizardApp)
        assert await app.wait_ready(), app.load_error
        app.goto(step)
        await pilot.pause()
        for fn in then:
            await fn(app, pilot)
        assert await app.wait_idle()
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


async def _tab(app: WizardApp, pilot: Pilot[Any], tab: str) -> None:
    app._tabs5().active = tab
    await pilot.pause()


def test_spec_step(snap_compare: Any, ws: DemoWorkspace) -> None:
    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("spec"))


def test_stage4_preview(snap_compare: Any, ws: DemoWorkspace) -> None:
    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("stage4"))


def test_stage5_cb_form(snap_compare: Any, ws: DemoWorkspace) -> None:
    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("stage5", lambda a, p: _tab(a, p, "tab-cbs")))


def test_stage5_cb_form_invalid_cell(snap_compare: Any, ws: DemoWorkspace) -> None:
    async def bad(app: WizardApp, pilot: Pilot[Any]) -> None:
        await _tab(app, pilot, "tab-cbs")
        cell = next(w for w in app.cb_form.query(Input) if w.name == "pages")
        cell.value = "lots"
        await pilot.pause()

    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("stage5", bad))


def test_stage5_work_split(snap_compare: Any, ws: DemoWorkspace) -> None:
    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("stage5", lambda a, p: _tab(a, p, "tab-work")))


def test_stage5_files(snap_compare: Any, ws: DemoWorkspace) -> None:
    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("stage5", lambda a, p: _tab(a, p, "tab-files")))


def test_stage6_diff_view(snap_compare: Any, ws: DemoWorkspace) -> None:
    async def diff(app: WizardApp, pilot: Pilot[Any]) -> None:
        app.action_toggle_diff()
        await pilot.pause()

    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("stage6", diff))


def test_tests_step(snap_compare: Any, ws: DemoWorkspace) -> None:
    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("tests"))


def test_review_screen(snap_compare: Any, ws: DemoWorkspace) -> None:
    async def review(app: WizardApp, pilot: Pilot[Any]) -> None:
        app.action_review()
        await pilot.pause()

    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("spec", review))


def test_help_screen(snap_compare: Any, ws: DemoWorkspace) -> None:
    async def help_(app: WizardApp, pilot: Pilot[Any]) -> None:
        app.action_help()
        await pilot.pause()

    assert snap_compare(app_for(ws), terminal_size=SIZE, run_before=at("spec", help_))


def test_pick_op_screen(snap_compare: Any, ws: DemoWorkspace) -> None:
    app = WizardApp(root=ws.root, cwd=ws.root)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
