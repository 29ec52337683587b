"""Pilot tests: the whole flow on the bundled sample in a temp demo workspace.

Edit a CB, see the gauge change, preview, apply (approve all), quit, reopen and find the state;
an invalid cell is marked, blocks generation and never crashes the app.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static, TabbedContent

from screens.app import WizardApp
from screens.cb_form import CBRow
from screens.help import HelpScreen
from screens.preview import PreviewPane
from screens.review import ReviewScreen
from screens.stepper import Stepper
from wizard.model import Confidence
from wizard.workspace import DemoWorkspace
from pilot_helpers import cell, loaded, make_app, open_step, until

SIZE = (120, 40)


def gauge(app: WizardApp) -> str:
    return str(app.query_one("#cb-gauge", Static).render())


async def test_whole_flow_edit_preview_apply_reopen(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert app.current_step == "spec"

        # Stage 5: edit the first CB's pages; the gauge follows and the table is saved as manual.
        await pilot.press("f3")  # F3 walks the stepper: Spec -> the first stage
        assert app.current_step == app.steps[1].key
        app.goto("stage5")
        await pilot.pause()
        assert app.current_step == "stage5"
        before = gauge(app)
        pages = cell(app, 0, "pages")
        pages.value = "8*Wt"
        await pilot.pause()
        assert not pages.has_class("-invalid")
        assert gauge(app) != before
        assert app.session.state.cbs, "the edited CB table was not saved"
        cb0 = app.session.spec.cbs[0]
        assert cb0.pages == "8*Wt" and cb0.source("pages").confidence is Confidence.MANUAL

        # Preview: the Stage 5 files are generated from the edited table.
        app.query_one("#stage5-tabs", TabbedContent).active = "tab-files"
        await pilot.pause()
        preview = app.query_one("#preview-5", PreviewPane)
        assert preview.paths and all(p.endswith((".cpp", ".hpp", ".py", ".md")) for p in preview.paths)

        # Review everything from the Spec step and approve all, then apply.
        app.goto("spec")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        review = app.screen
        writes = [c for c in review.changes if c.action != "unchanged"]
        assert writes, "nothing to write on a fresh scaffolded op?"
        await pilot.press("A")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        for c in writes:
            assert (ws.op_dir / c.path).is_file(), c.path
        for n in app.review_stages():
            assert app.session.state.stage_status(n).name == "GENERATED"
        app.goto("stage6")
        await pilot.pause()

    # Reopen: same step, same overrides (marked manual), stages still generated.
    app2 = make_app(ws)
    async with app2.run_test(size=SIZE) as pilot:
        await loaded(app2, pilot)
        assert app2.current_step == "stage6"
        assert app2.query_one(Stepper).current_key == "stage6"
        cb0 = app2.session.spec.cbs[0]
        assert cb0.pages == "8*Wt" and cb0.source("pages").confidence is Confidence.MANUAL
        assert app2.session.state.stage_status(5).name == "GENERATED"
        app2.goto("stage5")
        await pilot.pause()
        assert cell(app2, 0, "pages").value == "8*Wt"


async def test_invalid_cell_is_marked_and_blocks_generation(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        saved_before = app.session.state.cbs
        assert await until(pilot, lambda: bool(list(app.query(CBRow))))
        pages = cell(app, 0, "pages")
        pages.value = "lots"
        assert await until(pilot, lambda: pages.has_class("-invalid") and bool(app.blockers(5)))
        assert pages.has_class("-invalid")
        assert app.blockers(5), "an invalid cell must block generation"
        assert "Generation blocked" in str(app.query_one("#cb-errors", Static).render())
        assert app.session.state.cbs == saved_before, "an invalid table must not be saved"
        # Review is refused with a message, not a crash.
        await pilot.press("f5")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        # A duplicate index is invalid too; fixing both unblocks.
        idx = cell(app, 1, "index")
        idx.value = cell(app, 0, "index").value
        assert await until(pilot, lambda: idx.has_class("-invalid"))
        idx.value = "30"
        pages.value = "2"
        assert await until(pilot, lambda: not app.blockers(5)), app.blockers(5)
        assert app.is_running


async def test_add_remove_reorder_cbs(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        n = len(app.session.spec.cbs)
        cell(app, 0, "name").focus()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.pause()
        assert len(app.session.spec.cbs) == n + 1
        first, second = app.session.spec.cbs[0].name, app.session.spec.cbs[1].name
        cell(app, 0, "name").focus()
        await pilot.press("alt+down")
        await pilot.pause()
        await pilot.pause()
        assert [c.name for c in app.session.spec.cbs[:2]] == [second, first]
        cell(app, n, "name").focus()  # the new one
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.pause()
        assert len(app.session.spec.cbs) == n


async def test_work_form_updates_grid(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        app.goto("stage5")
        app.query_one("#stage5-tabs", TabbedContent).active = "tab-work"
        await pilot.pause()
        grid_before = str(app.query_one("#core-grid", Static).render())
        total = app.query_one("#work-total", Input)
        total.value = "7"
        await pilot.pause()
        grid_after = str(app.query_one("#core-grid", Static).render())
        assert grid_after != grid_before and "total 7 units" in grid_after
        assert app.session.state.overrides["work.total_units"] == "7"
        assert app.session.spec.work.source("total_units").confidence is Confidence.MANUAL
        total.value = "(("
        await pilot.pause()
        assert total.has_class("-invalid")
        assert app.session.state.overrides["work.total_units"] == "7"  # the last valid value stays


async def test_help_palette_theme_and_navigation(ws: DemoWorkspace) -> None:
    app = make_app(ws, no_animation=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        assert app.animation_level == "none"
        app.query_one(Stepper).focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        theme = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != theme and app.session.ui["theme"] == app.theme
        titles = [t for t, _, _ in app.palette_commands()]
        assert any(t.startswith("step: Stage 6") for t in titles) and "apply: review and apply" in titles
        for _ in app.steps:
            await pilot.press("f3")
        assert app.current_step == "tests"
        await pilot.press("f2")
        assert app.current_step == "stage6"


async def test_spec_override_marked_manual_and_persisted(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        app.session.set_override("output.dtype", "FLOAT32")
        assert app.session.spec.output.dtype == "FLOAT32"
        assert app.session.spec.output.source("dtype").confidence is Confidence.MANUAL
    app2 = make_app(ws)
    async with app2.run_test(size=SIZE) as pilot:
        await loaded(app2, pilot)
        assert app2.session.spec.output.dtype == "FLOAT32"
        assert app2.session.spec.output.source("dtype").confidence is Confidence.MANUAL


async def test_tests_step_runs_compile_check_and_stage_tests(ws: DemoWorkspace) -> None:
    from screens.console import ConsolePane

    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "tests")
        console = app.query_one(ConsolePane)
        pane = app.query_one("#tests")
        pane.action_compile()  # without setup-verify it says how to set it up, and the app keeps running
        assert await app.wait_idle()

        def said() -> bool:  # the console flushes on a timer: poll instead of guessing how long a busy CI takes
            text = "\n".join(console.log_widget.lines)
            return "compile check" in text and ("setup-verify" in text or "PASSED" in text or "FAILED" in text)

        assert await until(pilot, said), "\n".join(console.log_widget.lines)[-2000:]
        # Stage 4's test on the demo (no device here): the run finishes and is reported, never hangs the UI.
        from wizard.model import Plan

        plan = app.session.plan((4, 4))
        changes = app.session.changes(Plan(plan.op_name, plan.op_rel_dir, plan.files))
        app.session.apply(changes, {c.path for c in changes}, (4,))
        app.query_one("#tests-stage").value = 4
        pane.action_run()
        assert await until(pilot, lambda: console.result is not None, timeout=60)
        assert console.result is not None, "\n".join(console.log_widget.lines)[-2000:]
        assert console.result.stage == 4


async def test_edit_in_editor_marks_stage_edited(ws: DemoWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib

    editor = tmp_path / "fake-editor.sh"
    editor.write_text('#!/bin/sh\necho "// hand edit" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # headless drivers cannot suspend
        app.goto("stage6")
        await pilot.pause()
        from wizard.model import Plan

        plan = app.session.plan((6, 6))
        changes = app.session.changes(Plan(plan.op_name, plan.op_rel_dir, plan.files))
        app.session.apply(changes, {c.path for c in changes}, (6,))
        app.refresh_preview(6)
        await pilot.pause()
        rel = app._current_preview().current_path
        await pilot.press("f4")
        await pilot.pause()
        assert (ws.op_dir / rel).read_text().endswith("// hand edit\n")
        assert app.session.state.stage_status(6).name == "EDITED"
        assert "edited by hand" in str(app.query_one(Stepper).statuses["stage6"].label)


async def test_command_palette_runs_wizard_commands(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"step: stage 6")
        from textual.command import CommandList

        def first_hit() -> bool:  # the palette searches in a worker: wait for its hits (a loaded CI is slow)
            lists = app.screen.query(CommandList)
            return bool(lists) and lists.first().option_count > 0 and \
                "stage 6" in str(lists.first().get_option_at_index(0).prompt).lower()

        assert await until(pilot, first_hit)
        await pilot.press("enter")
        assert await until(pilot, lambda: app.current_step == "stage6"), app.current_step


async def test_wait_idle_survives_a_cancelled_formatter(ws: DemoWorkspace) -> None:
    """CI once failed here: a newer preview format cancels the older (exclusive worker group), and
    ``workers.wait_for_complete()`` raised WorkerCancelled for it. A cancelled formatter is finished work."""
    from textual.worker import WorkerCancelled

    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        version = app.session.version
        first = app.format_preview(5, version)
        app.format_preview(5, version)  # exclusive: cancels the first
        await pilot.pause()
        with pytest.raises(WorkerCancelled):
            await first.wait()
        assert await app.wait_idle()
        await pilot.pause()
        assert app.query_one(PreviewPane) is not None


async def test_wait_idle_still_reports_a_worker_that_raised(ws: DemoWorkspace) -> None:
    from textual.worker import WorkerFailed

    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)

        def boom() -> None:
            raise ValueError("worker blew up")

        app.run_worker(boom, thread=True, exit_on_error=False)
        with pytest.raises(WorkerFailed, match="worker blew up"):
            await app.wait_idle()
