"""QA (helper L): the review screen tells the truth about build-integration edits.

Starting from a spec with no scaffolding, Stage 1 edits the checkout's CMake lists and nanobind module.
The core says these edits only add the diff's lines (with a backup); the review must say that, not
"approving replaces the file on disk", or a careful engineer rejects the edits the op needs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from screens.app import WizardApp
from screens.review import ReviewScreen
from wizard.workspace import DemoWorkspace, create_demo_workspace


@pytest.fixture
def ws(tmp_path: Path) -> DemoWorkspace:
    return create_demo_workspace(tmp_path / "ws", spec="standardize_w_rm")


async def test_review_shows_the_build_integration_note(ws: DemoWorkspace) -> None:
    app = WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.wait_ready()
        await pilot.pause()
        assert app.session is not None, app.load_error
        app.action_review()
        for _ in range(10):
            await pilot.pause()
            if isinstance(app.screen, ReviewScreen):
                break
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        i = next(i for i, c in enumerate(screen.changes) if c.path.endswith("CMakeLists.txt"))
        change = screen.changes[i]
        assert change.note, "the core gives integration edits a note"
        screen.query_one("#review-files", OptionList).highlighted = i
        await pilot.pause()
        shown = str(screen.query_one("#review-diff-text", Static).render())
        assert change.note in shown
        assert "replaces the file on disk" not in shown
        await pilot.press("escape")
        await pilot.pause(0.3)
