"""QA (helper N): the app shell under a real user's hands: quitting mid-edit, keys on the Tests step,
fast typing, plurals, the load-error state, narrow terminals and the op picker's key bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from screens.app import WizardApp
from screens.cb_form import CBForm
from wizard.workspace import DemoWorkspace
from pilot_helpers import cell, loaded, make_app, open_step

SIZE = (120, 40)


# ---- 1. quitting right after a CB edit -------------------------------------------------------------
@pytest.mark.parametrize("attempt", range(3))
async def test_quit_right_after_a_cb_edit_does_not_crash(ws: DemoWorkspace, attempt: int) -> None:
    """The debounced preview (0.12 s) must not fire into a half-dismantled app (NoMatches '#stage5-tabs')."""
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        for typed in ("a", "ab", "abc"):
            cell(app, 0, "name").value = typed
            await pilot.pause()
            await pilot.pause()
    # run_test re-raises anything that went wrong during shutdown; a timer that still fires does nothing
    assert app._preview_timer is None, "the pending preview timer must be stopped on unmount"
    app._debounced_preview(5)


# ---- 2. r / c on the Tests step, wherever the focus is ------------------------------------------------
def key_bar_text(app: WizardApp) -> str:
    from screens.bars import KeyBar

    return " | ".join(f"{h.display} {h.description}" for h in app.screen.query_one(KeyBar).hints())


async def test_run_and_compile_keys_work_right_after_f7(ws: DemoWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from screens.stage_pane import TestsPane

    calls: list[str] = []
    monkeypatch.setattr(TestsPane, "action_run", lambda self: calls.append("run"))
    monkeypatch.setattr(TestsPane, "action_compile", lambda self: calls.append("compile"))
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert "Run tests" not in key_bar_text(app), "r means nothing on the Spec step"
        await pilot.press("r", "c")
        assert calls == []
        await pilot.press("f7")
        await pilot.pause()
        assert app.current_step == "tests"
        assert type(app.focused).__name__ == "Stepper"  # F7 leaves the focus in the stepper ...
        await pilot.press("c", "r")  # ... and the keys the buttons advertise still work
        await pilot.pause()
        assert calls == ["compile", "run"]
        bar = key_bar_text(app)
        assert "r Run tests" in bar and "c Compile check" in bar, bar
        # arrowing away in the stepper takes the keys (and their hints) away again
        await pilot.press("up")
        await pilot.pause()
        assert app.current_step != "tests"
        await pilot.press("r")
        await pilot.pause()
        assert calls == ["compile", "run"]
        assert "Run tests" not in key_bar_text(app)


# ---- 8. the op picker does not offer stage keys ----------------------------------------------------------
async def test_pick_op_screen_hides_stage_keys(ws: DemoWorkspace) -> None:
    from screens.app import PickOpScreen

    app = WizardApp(root=ws.root, cwd=ws.root)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, PickOpScreen):
                break
        assert isinstance(app.screen, PickOpScreen), app.load_error
        await pilot.pause()
        bar = key_bar_text(app)
        for word in ("Apply", "Diff", "Edit", "Prev", "Next", "Tests", "Claude", "Run tests"):
            assert word not in bar.split(" | ")[0:] and f" {word}" not in bar, (word, bar)
        assert "Help" in bar and "Quit" in bar
        await pilot.press("f5", "f3")  # and pressing them does nothing (no crash, still picking)
        await pilot.pause()
        assert isinstance(app.screen, PickOpScreen)


# ---- 4. plurals in the stepper ---------------------------------------------------------------------------
@pytest.mark.parametrize(("n_err", "n_warn", "label"), [(0, 1, "1 warning"), (0, 2, "2 warnings"), (1, 0, "1 error"),
                                                        (1, 1, "1 error, 1 warning"), (2, 3, "2 errors, 3 warnings"), (0, 0, "ok")])
async def test_spec_step_counts_are_pluralised(ws: DemoWorkspace, n_err: int, n_warn: int, label: str) -> None:
    from wizard.model import Severity, SpecWarning

    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        spec = app.session.spec
        errs = [SpecWarning(f"e{i}", "bad", severity=Severity.ERROR) for i in range(n_err)]
        warns = [SpecWarning(f"w{i}", "odd") for i in range(n_warn)]
        spec.warnings = errs + warns
        app.session.state.overrides.clear()
        app.session.state.cbs = None
        app.refresh_status()
        assert app.query_one("#stepper").statuses["spec"].label == label


# ---- 3. keys that arrive together stay in order ----------------------------------------------------------
def _burst(app: WizardApp, keys: list[str]) -> None:
    """Queue keys the way a terminal driver does when they arrive in one read: no waiting between them."""
    from textual import events

    for k in keys:
        char = k if len(k) == 1 else None
        app.post_message(events.Key(k, char))


@pytest.mark.parametrize("input_id", ["sample-shape", "cb-name"])
async def test_backspaces_and_characters_arriving_together_stay_in_order(
    ws: DemoWorkspace, monkeypatch: pytest.MonkeyPatch, input_id: str
) -> None:
    import time

    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        form = app.query_one(CBForm)
        real = form.update_live

        def slow_update(*, save: bool) -> None:  # a slow box: the form busy after every key
            time.sleep(0.03)
            real(save=save)

        monkeypatch.setattr(form, "update_live", slow_update)
        target = app.query_one("#sample-shape", Input) if input_id == "sample-shape" else cell(app, 0, "name")
        target.focus()
        await pilot.pause()
        target.cursor_position = len(target.value)
        _burst(app, ["backspace"] * 14 + list("1,1,64,4096"))
        for _ in range(60):
            await pilot.pause(0.05)
            if target.value == "1,1,64,4096":
                break
        assert target.value == "1,1,64,4096"
        await pilot.pause(0.3)


# ---- 7. a spec that fails to load is an error state, not "loading" forever --------------------------------
async def test_failed_load_shows_the_error_in_the_stepper(ws: DemoWorkspace) -> None:
    from textual.widgets import Static

    from screens.stepper import Stepper

    app = WizardApp(spec_path=ws.root / "missing_spec.md", op_dir=ws.op_dir, root=ws.root, cwd=ws.root)
    async with app.run_test(size=SIZE) as pilot:
        assert not await app.wait_ready(timeout=20)
        await pilot.pause()
        assert app.load_error
        stepper = app.query_one(Stepper)
        labels = {key: stepper.statuses[key].label for key in (s.key for s in stepper.steps)}
        assert labels["spec"] == "spec error", labels
        assert all(label in ("spec error", "not loaded") for label in labels.values()), labels
        assert "loading" not in stepper.render().plain.lower()
        body = str(app.query_one("#loading", Static).render())
        assert app.load_error in body
        await pilot.press("f3")  # moving around keeps the error on screen
        await pilot.pause()
        assert app.load_error in str(app.query_one("#loading", Static).render())


# ---- 5. one copy of the stage titles ---------------------------------------------------------------------
def test_session_uses_the_stepper_stage_titles() -> None:
    import subprocess
    import sys

    import screens.session as session
    import screens.stepper as stepper

    assert session.STAGE_TITLES is stepper.STAGE_TITLES and session.CORE_STAGES is stepper.CORE_STAGES
    # the first frame imports the stepper: it must not drag the session (and wizard.model) in
    code = "import sys, screens.stepper; print('screens.session' in sys.modules, 'wizard.model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2])
    assert out.stdout.split() == ["False", "False"], out


# ---- 6. narrow terminals: the spec's fields above its text -----------------------------------------------
@pytest.mark.parametrize(("size", "stacked"), [((80, 24), True), ((99, 30), True), ((160, 48), False)])
async def test_spec_step_stacks_on_narrow_terminals(ws: DemoWorkspace, size: tuple[int, int], stacked: bool) -> None:
    app = make_app(ws)
    async with app.run_test(size=size) as pilot:
        await open_step(app, pilot, "spec")
        tree, text = app.query_one("#spec-tree").region, app.query_one("#spec-text").region
        if stacked:
            assert tree.bottom <= text.y, (tree, text)  # the fields on top, the text below
            assert tree.width >= 50 and text.width >= 50, (tree, text)
            assert tree.height >= 5 and text.height >= 5, (tree, text)
        else:
            assert tree.x >= text.right, (tree, text)  # side by side
            assert tree.width >= 40 and text.width >= 40
