"""QA (helper L): the work split form under garbage: a total-units expression that parses but cannot be
split (negative, division by zero) is marked in place like a parse error, and stays marked after blur."""

from __future__ import annotations


import pytest
from textual.widgets import Input, Static

from screens.app import WizardApp
from wizard.workspace import DemoWorkspace
from pilot_helpers import open_step


@pytest.mark.parametrize("total", ["-3", "Ht/0"])
async def test_total_units_that_cannot_be_split_are_marked_in_place(ws: DemoWorkspace, total: str) -> None:
    app = WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_step(app, pilot, "stage5")
        app._tabs5().active = "tab-work"
        await pilot.pause()
        await pilot.pause()
        inp = app.query_one("#work-total", Input)
        inp.focus()
        inp.value = total
        await pilot.pause()
        await pilot.pause()
        assert "total units" in str(app.query_one("#core-grid", Static).render())
        assert inp.has_class("-invalid"), f"total units {total!r} cannot be split but the input is not marked"
        app.query_one("#work-unit", Input).focus()  # blur re-validates: must stay marked
        await pilot.pause()
        assert inp.has_class("-invalid")
        inp.value = "Ht"
        await pilot.pause()
        await pilot.pause()
        assert not inp.has_class("-invalid")
        await pilot.pause(0.3)
