"""QA (helper N): the app shell under a real user's hands: quitting mid-edit, keys on the Tests step,
fast typing, plurals, the load-error state, narrow terminals and the op picker's key bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from screens.app import WizardApp
from screens.cb_form import CBForm, CBRow
from wizard.workspace import DemoWorkspace, create_demo_workspace

SIZE = (120, 40)


@pytest.fixture
def ws(tmp_path: Path) -> DemoWorkspace:
    return create_demo_workspace(tmp_path / "ws")


def make_app(ws: DemoWorkspace) -> WizardApp:
    return WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root)


async def loaded(app: WizardApp, pilot: object) -> None:
    await app.wait_ready()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert app.session is not None, app.load_error


def cell(app: WizardApp, row: int, name: str) -> Input:
    rows = list(app.query_one(CBForm).query(CBRow))
    return next(w for w in rows[row].query(Input) if w.name == name)


# ---- 1. quitting right after a CB edit -------------------------------------------------------------
@pytest.mark.parametrize("attempt", range(3))
async def test_quit_right_after_a_cb_edit_does_not_crash(ws: DemoWorkspace, attempt: int) -> None:
    """The debounced preview (0.12 s) must not fire into a half-dismantled app (NoMatches '#stage5-tabs')."""
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        app.goto("stage5")
        await pilot.pause()
        for typed in ("a", "ab", "abc"):
            cell(app, 0, "name").value = typed
            await pilot.pause()
            await pilot.pause()
    # run_test re-raises anything that went wrong during shutdown; a timer that still fires does nothing
    assert app._preview_timer is None, "the pending preview timer must be stopped on unmount"
    app._debounced_preview(5)
