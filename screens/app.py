"""The ttnn-wizard App: a stage stepper beside the current step's pane.

Startup is kept light: the main layout paints first with empty panes; the spec is parsed, the
profile and session state loaded in a thread worker afterwards (``Session.open``). Generation
(jinja2), apply, tree-sitter, the runner (plumbum) and the Claude client (anthropic) are all
imported only when first used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from screens.bars import KeyBar, TitleBar
from screens.commands import WizardCommands
from screens.messages import CBChanged, CBStatus, SpecChanged, WorkChanged
from screens.stepper import STAGE_TITLES, Stepper, StepInfo, StepStatus, guess_stages

PREVIEW_DEBOUNCE = 0.12  # seconds of quiet typing before the preview regenerates
LINE_ARG_EDITORS = {"vi", "vim", "nvim", "view", "nano", "emacs", "emacsclient", "micro", "kak", "joe", "mg"}
EXIT_AFTER_PAINT_ENV = "TTNN_WIZARD_EXIT_AFTER_PAINT"  # benchmarks: exit as soon as the first screen painted
PANES_CSS = Path(__file__).with_name("panes.tcss")  # the step panes' and later screens' rules, read when first needed
STAGE_ACTIONS = {"step", "edit_file", "review", "toggle_diff", "goto", "delegate"}  # mean nothing without an op
TESTS_ACTIONS = {"tests_run", "tests_compile"}  # only on the Tests step
STACK_SPEC_BELOW = 100  # columns: below this the spec's fields stack above its text (both ~27 columns otherwise)
NARROW_BELOW = 110  # columns: below this the stepper gets short titles and a narrow column
# Key-bar compaction: whose description goes first when the line is short (the key itself always stays).
KEY_TEXT_DROP_ORDER = {"screenshot": 6, "theme": 5, "prev-step": 4, "next-step": 3, "diff": 2, "edit-file": 1}
STATUS_LABEL = {
    "NOT_STARTED": ("not started", "dim"),
    "GENERATED": ("generated", "cyan"),
    "RED": ("RED", "bold red"),
    "GREEN": ("GREEN", "bold green"),
    "EDITED": ("edited by hand", "magenta"),
}


def counted(n: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def build_steps(stages: tuple[int, ...]) -> list[StepInfo]:
    return [
        StepInfo("spec", "Spec", short="Spec"),
        *[StepInfo(f"stage{n}", STAGE_TITLES[n], n, short=STAGE_TITLES[n].replace("Stage ", "")) for n in stages],
        StepInfo("tests", "Tests", short="Tests"),
    ]


class PickOpScreen(Screen[Any]):
    """``ttnn-wizard`` in a checkout: pick an op to start or resume."""

    BINDINGS = [Binding("escape", "app.quit", "Quit")]

    def __init__(self, root: Path, entries: list[Any]) -> None:
        super().__init__()
        self.root = root
        self.entries = entries

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(Text.assemble(("Pick an op to start or resume  ", "bold"), (f"in checkout {self.root.name}/", "dim")), classes="pane-title")
        opts = []
        for i, e in enumerate(self.entries):
            t = Text.assemble(("resume  " if e.has_state else "start   ", "green" if e.has_state else "dim"), (e.category, "dim"), "/", (e.name, "bold"))
            if e.spec_path is None:
                t.append("  (no spec)", style="red")
            opts.append(Option(t, id=f"op{i}"))
        yield OptionList(*opts, id="op-list")
        yield KeyBar(low_priority=KEY_TEXT_DROP_ORDER)

    @on(OptionList.OptionSelected, "#op-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.entries[event.option_index])


class _MainScreen(Screen[Any]):
    """The app's first screen: no auto focus while composing (``WizardApp._initial_focus`` does it after the first frame)."""

    AUTO_FOCUS = ""
    DEFAULT_CSS = """
    _MainScreen { layout: horizontal; }
    _MainScreen > TitleBar { dock: top; }
    _MainScreen > KeyBar { dock: bottom; }
    """


class WizardApp(App[int]):
    TITLE = "ttnn-wizard"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {WizardCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="help"),
        Binding("f2", "step(-1)", "Prev", id="prev-step", tooltip="previous step"),
        Binding("f3", "step(1)", "Next", id="next-step", tooltip="next step"),
        Binding("f4", "edit_file", "Edit", id="edit-file", tooltip="open the current file in $EDITOR"),
        Binding("f5", "review", "Apply", id="review", tooltip="review the files, approve / reject, apply"),
        Binding("f6", "toggle_diff", "Diff", id="diff", tooltip="generated code / diff against disk"),
        Binding("f7", "goto('tests')", "Tests", id="tests"),
        Binding("f8", "screenshot", "Shot", id="screenshot", tooltip="save an SVG screenshot"),
        Binding("f9", "delegate", "Claude", id="delegate", tooltip="delegate this step to Claude"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="theme"),
        Binding("ctrl+s", "save", "Save", show=False, id="save"),
        # The Tests step's keys, from anywhere in the step (the stepper keeps focus after F7 / arrows).
        Binding("r", "tests_run", "Run tests", id="tests-run"),
        Binding("c", "tests_compile", "Compile check", id="tests-compile"),
    ]

    def __init__(
        self,
        *,
        spec_path: str | Path | None = None,
        op_dir: str | Path | None = None,
        profile: str | None = None,
        root: str | Path | None = None,
        no_animation: bool = False,
        cwd: str | Path = ".",
        host: str | None = None,
        remote_root: str | None = None,
    ) -> None:
        super().__init__()
        # --host / --remote-root: where the Tests step runs (remembered in the session; editable there)
        self.run_host = host
        self.run_remote_root = remote_root
        self.spec_path = Path(spec_path) if spec_path else None
        self.op_dir = Path(op_dir) if op_dir else None
        self.profile_name = profile
        self.root = Path(root) if root else None
        self.cwd = Path(cwd)
        if no_animation:
            self.animation_level = "none"
        self.session: Any = None  # screens.session.Session once loaded
        self.stage_panes: dict[int, Any] = {}
        self._body_ref: ContentSwitcher | None = None
        self._preview_timer: Any = None
        self.ready = False  # True once the session is loaded and every pane shows it (tests wait for it)
        self._save_pending = False
        self.load_error = ""
        self.cb_errors: list[str] = []
        self._full_css = False
        self.stages = guess_stages()  # the loader replaces it with the generator's exact list
        self.steps = build_steps(self.stages)

    # ---- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Only light widgets before first paint (one widget per bar: Textual's Footer and Header mount
        # a widget per key / part); the panes and their CSS come once the spec is loaded.
        # The screen lays the stepper and the body side by side; the bars dock (no container to mount).
        yield TitleBar()
        yield KeyBar(low_priority=KEY_TEXT_DROP_ORDER, id="keys")
        yield Stepper(self.steps, narrow=self.size.width < NARROW_BELOW, id="stepper")
        with ContentSwitcher(initial="loading", id="body"):
            yield Static(Text("Loading the spec…", style="dim"), id="loading")

    def load_full_css(self) -> None:
        """The rules of the step panes and the other screens (not needed for the first frame)."""
        if not self._full_css:
            self._full_css = True
            self.stylesheet.read(PANES_CSS)
            self.stylesheet.parse()
            self.stylesheet.update(self)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(screen, PickOpScreen):  # the op picker is a first screen: app.tcss has its rules
            self.load_full_css()  # every other screen may use the panes' rules
        return super().push_screen(screen, *args, **kwargs)

    def on_resize(self, event: Any) -> None:
        # Narrow terminals: the stepper gets short titles and a narrow column, leaving room for the forms.
        self.query_one(Stepper).set_narrow(event.size.width < NARROW_BELOW)
        self.set_class(event.size.width < STACK_SPEC_BELOW, "-stack-spec")
        tall = event.size.height >= 40
        if tall != self.has_class("-tall"):
            self.set_class(tall, "-tall")
            if tall and self.session is not None and self.current_step == "stage5":
                self.refresh_preview(5)

    def on_mount(self) -> None:
        self.theme = os.environ.get("TTNN_WIZARD_THEME", "textual-dark")
        self.query_one(Stepper).set_narrow(self.size.width < NARROW_BELOW)
        self.set_class(self.size.height >= 40, "-tall")
        self.set_class(self.size.width < STACK_SPEC_BELOW, "-stack-spec")
        if os.environ.get(EXIT_AFTER_PAINT_ENV):
            self.call_after_refresh(self._exit_after_paint)
        # Focus after the first frame: focusing restyles the screen and redraws the bars (about 20 ms
        # on a slow box); keys typed meanwhile wait in the queue and reach the stepper all the same.
        self.call_after_refresh(self._initial_focus)
        if os.environ.get(EXIT_AFTER_PAINT_ENV):
            return
        if self.spec_path is None and self.op_dir is None:
            self._pick_op()
        else:
            # After the first frame: the loader's imports would otherwise compete for the GIL with it.
            self.call_after_refresh(self.load_session)

    def get_default_screen(self) -> Screen[Any]:
        return _MainScreen(id="_default")

    def _initial_focus(self) -> None:
        if self.screen.id == "_default" and self.focused is None:
            self.query_one(Stepper).focus()

    def _exit_after_paint(self) -> None:
        # Benchmark hook: the env value, when not "1", is a file that gets the wall-clock time of first
        # paint, then (written after the time was taken) what that frame showed, so the benchmark can
        # tell a real first screen from an empty one.
        import time

        painted = time.time()
        target = os.environ.get(EXIT_AFTER_PAINT_ENV, "1")
        if target != "1":
            shown = [f"{type(w).__name__}#{w.id}" if w.id else type(w).__name__ for w in self.screen.walk_children() if w.display]
            keys = self.screen.query(KeyBar)
            hints = keys.first().render().plain if keys else ""
            Path(target).write_text(f"{painted!r}\nwidgets: {' '.join(shown)}\nkeys: {hints}\n")
        self.exit(0)

    def _pick_op(self) -> None:
        from wizard.workspace import list_ops

        root = self.root or self.cwd
        entries = list_ops(root)
        if not entries:
            self._show_load_error(f"no op with a *_spec.md or a wizard session under {root}; start with `ttnn-wizard SPEC`")
            return

        def chosen(entry: Any) -> None:
            self.spec_path = entry.spec_path
            self.op_dir = entry.op_dir
            self.load_session()

        self.push_screen(PickOpScreen(root, entries), chosen)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_session(self) -> None:
        from screens.session import Session, available_stages
        from wizard.errors import WizardError

        try:
            import screens.spec_pane  # noqa: F401  (the heavy widget modules, off the UI thread)
            import screens.stage_pane  # noqa: F401

            session = Session.open(spec_path=self.spec_path, op_dir=self.op_dir, profile=self.profile_name, cwd=self.cwd)
            try:
                stages = available_stages(exact=True)
            except Exception:  # the generator failing to import is reported when generating
                stages = self.stages
        except WizardError as exc:
            self.call_from_thread(self._show_load_error, str(exc))
            return
        except Exception as exc:  # a parser bug must not kill the app: say what happened
            self.call_from_thread(self._show_load_error, f"could not load: {type(exc).__name__}: {exc}")
            return
        self.call_from_thread(self._loaded, session, stages)

    async def wait_ready(self, timeout: float = 30.0) -> bool:
        """For tests and benchmarks: until the session is loaded (or failed to load)."""
        import asyncio

        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not (self.ready or self.load_error) and loop.time() < end:
            await asyncio.sleep(0.02)
        return self.ready

    async def wait_idle(self, timeout: float = 60.0) -> bool:
        """For tests and benchmarks: until no worker is running.

        Not ``workers.wait_for_complete()``: an exclusive worker (the preview formatter) that a newer one
        cancels meanwhile makes that raise ``WorkerCancelled``; a cancelled worker is finished, not an error.
        """
        import asyncio

        from textual.worker import WorkerState

        from textual.worker import WorkerFailed

        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        seen: set = set()
        while loop.time() < end:
            seen.update(self.workers)
            busy = [w for w in self.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
            if not busy:
                # a worker that raised is still a failure the caller must see (as wait_for_complete would say)
                failed = [w for w in seen if w.state == WorkerState.ERROR and w.error is not None]
                if failed:
                    raise WorkerFailed(failed[0].error)
                return True
            await asyncio.sleep(0.02)
        return False

    def _show_load_error(self, message: str) -> None:
        self.load_error = message
        self.query_one("#loading", Static).update(Text(message, style="bold red"))
        # Not "loading" forever: every step says why there is nothing to show (the reason is in the body).
        self.query_one(Stepper).set_statuses(
            {s.key: StepStatus("spec error" if s.key == "spec" else "not loaded", "red") for s in self.steps}
        )
        self.notify(message, severity="error", timeout=10)

    async def _mount_panes(self, stages: tuple[int, ...]) -> None:
        """The step panes, for every stage the generator has (Stages 1-3 appear when registered)."""
        from screens.spec_pane import SpecPane
        from screens.stage_pane import StagePane, TestsPane

        self.load_full_css()
        self.stages = tuple(sorted(set(stages) or set(self.stages)))
        self.steps = build_steps(self.stages)
        self.query_one(Stepper).set_steps(self.steps)
        panes: list[Any] = [SpecPane(id="spec"), *[StagePane(n, id=f"stage{n}") for n in self.stages], TestsPane(id="tests")]
        for pane in panes:
            pane.display = False  # ContentSwitcher only hides the children it started with
        await self.query_one("#body", ContentSwitcher).mount_all(panes)
        self.stage_panes = {n: p for n, p in zip(self.stages, panes[1:-1])}

    def _save_after_frame(self) -> None:
        if not self._save_pending:
            self._save_pending = True
            self.call_after_refresh(self._flush_save)

    def on_unmount(self) -> None:
        self._stop_preview_timer()  # shutting down: nothing left to preview into
        if self._save_pending:
            self._flush_save()

    def _flush_save(self) -> None:
        self._save_pending = False
        if self.session is not None:
            try:
                self.session.save()
            except Exception as exc:  # a full disk must not lose the UI: say it loudly instead
                self.notify(f"could not save the session state: {exc}", severity="error", timeout=10)

    async def _loaded(self, session: Any, stages: tuple[int, ...] = ()) -> None:
        from screens.cb_form import CBForm
        from screens.spec_pane import SpecPane
        from screens.work_form import WorkForm

        await self._mount_panes(stages)
        session.save_hook = self._save_after_frame
        self.session = session
        self.title = f"ttnn-wizard · {session.spec.name or session.op_dir.name}"
        self.sub_title = f"{session.rel(session.op_dir)} · {session.profile.name}"
        self.spec_pane = self.query_one(SpecPane)
        self.cb_form = self.query_one(CBForm)
        self.work_form = self.query_one(WorkForm)
        self.spec_pane.load(session)
        await self.cb_form.load(session)
        self.work_form.load(session)
        ui = session.ui
        if ui.get("theme") in self.available_themes:
            self.theme = ui["theme"]
        step = ui.get("step", "spec")
        if step not in {s.key for s in self.steps}:
            step = "spec"
        tab = ui.get("stage5_tab")
        if tab and 5 in self.stage_panes:
            self._tabs5().active = str(tab)
        for p in self._previews():
            p.diff_mode = bool(ui.get("diff", False))
        self.goto(step)
        self.refresh_status()
        self.ready = True

    # ---- navigation ----------------------------------------------------------------------------
    def goto(self, key: str) -> None:
        if key not in {s.key for s in self.steps} or not self.is_running:
            return
        body = self._body()
        if body is None:  # a late event while the app shuts down
            return
        body.current = key if self.session is not None else "loading"
        stepper = self.query_one(Stepper)
        if stepper.current_key != key:
            stepper.select_key(key)
        focused = self.focused
        if focused is not None and focused is not stepper and not focused.is_on_screen:
            stepper.focus()  # the old pane's field is hidden now: keep keys and footer meaningful
        self.refresh_bindings()  # the key bar: the Tests keys come and go with the step
        if self.session is not None:
            self.session.remember(step=key)
            self.refresh_step(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what cannot work here: stage keys on the op picker, the Tests keys off the Tests step."""
        if action not in STAGE_ACTIONS and action not in TESTS_ACTIONS:
            return True
        try:
            screen = self.screen
        except Exception:  # no screen yet (starting up)
            return False
        if isinstance(screen, PickOpScreen):
            return False
        if action in TESTS_ACTIONS:
            return screen.id == "_default" and self.session is not None and self.current_step == "tests"
        return True

    def _tests_pane(self) -> Any:
        from screens.stage_pane import TestsPane

        return self.query_one("#tests", TestsPane)

    def action_tests_run(self) -> None:
        if self.current_step == "tests":
            self._tests_pane().action_run()

    def action_tests_compile(self) -> None:
        if self.current_step == "tests":
            self._tests_pane().action_compile()

    def action_goto(self, key: str) -> None:
        self.goto(key)

    def action_step(self, delta: int) -> None:
        keys = [s.key for s in self.steps]
        cur = self.current_step
        i = keys.index(cur) if cur in keys else 0
        self.goto(keys[max(0, min(len(keys) - 1, i + delta))])

    def _body(self) -> ContentSwitcher | None:
        if self._body_ref is None or not self._body_ref.is_attached:
            found = self.query("#body")
            self._body_ref = found.first(ContentSwitcher) if found else None
        return self._body_ref

    @property
    def current_step(self) -> str:
        body = self._body()
        return str(body.current or "spec") if body is not None else "spec"

    @on(Stepper.StepChosen)
    def _step_chosen(self, event: Stepper.StepChosen) -> None:
        self.goto(event.key)

    def _tabs5(self) -> Any:
        from textual.widgets import TabbedContent

        return self.stage_panes[5].query_one("#stage5-tabs", TabbedContent)

    def _previews(self) -> list[Any]:
        from screens.preview import PreviewPane

        return list(self.query(PreviewPane))

    def _preview(self, stage: int) -> Any:
        """The stage's preview on screen now (Stage 5: the Files tab, or the live one under the CB table)."""
        from screens.preview import PreviewPane

        pane = self.stage_panes.get(stage)
        if pane is None:
            return None
        if stage == 5 and self._tabs5().active == "tab-cbs" and self.has_class("-tall"):
            return pane.query_one("#preview-5-live", PreviewPane)
        return pane.query_one(f"#preview-{stage}", PreviewPane)

    def on_tabbed_content_tab_activated(self, event: Any) -> None:
        if getattr(event.tabbed_content, "id", None) != "stage5-tabs":
            return
        if self.session is not None and event.pane is not None and event.pane.id:
            self.session.remember(stage5_tab=event.pane.id)
            if event.pane.id in ("tab-files", "tab-cbs"):
                self.refresh_step("stage5")

    # ---- status and previews -------------------------------------------------------------------
    def blockers(self, stage: int) -> list[str]:
        if self.session is None:
            return ["still loading"]
        if stage >= 5 and self.cb_errors:
            return self.session.blockers(stage, cb_errors=[]) + self.cb_errors
        return self.session.blockers(stage)

    def refresh_status(self) -> None:
        s = self.session
        if s is None:
            return
        statuses: dict[str, StepStatus] = {}
        n_err, n_warn = len(s.spec.errors), len(s.spec.warnings) - len(s.spec.errors)
        manual = len(s.state.overrides) + (1 if s.state.cbs else 0)
        label = ", ".join(counted(n, word) for n, word in ((n_err, "error"), (n_warn, "warning")) if n) or "ok"
        if manual:
            label += f", {manual} manual"
        statuses["spec"] = StepStatus(label, "red" if n_err else ("yellow" if n_warn else "green"))
        tests = []
        for n in self.stages:
            name = s.state.stage_status(n).name
            text, style = STATUS_LABEL.get(name, (name.lower(), "dim"))
            reasons = self.blockers(n)
            statuses[f"stage{n}"] = StepStatus(text, style, blocked=reasons[0] if reasons else "")
            if name in ("RED", "GREEN"):
                tests.append(f"{n}:{name}")
            pane = self.stage_panes.get(n)
            if pane is not None:
                pane.set_blockers(reasons)
        statuses["tests"] = StepStatus(" ".join(tests) if tests else "not run", "dim")
        self.query_one(Stepper).set_statuses(statuses)

    def refresh_step(self, key: str) -> None:
        if self.session is None:
            return
        if key == "tests":
            self.query_one("#tests").attach(self)  # type: ignore[attr-defined]
            return
        if not key.startswith("stage"):
            return
        stage = int(key[5:])
        self.refresh_preview(stage)

    def refresh_preview(self, stage: int) -> None:
        """Regenerate (cached per change) and show the stage's files; never raises."""
        preview = self._preview(stage)
        if preview is None:
            return
        if not self._preview_visible(stage):
            preview.stale = True  # regenerated when shown: a CB edit only pays for what is on screen
            return
        preview.stale = False
        reasons = self.blockers(stage)
        if reasons:
            preview.show([], note="Nothing to preview until the blockers above are fixed.")
            return
        span = (stage, stage)
        formatted = self.session.has_plan(span) or preview.diff_mode
        try:
            files = self.session.stage_files(stage, formatted=formatted)
            changes = self._changes_for(files) if preview.diff_mode else {}
        except Exception as exc:  # generation must never take the app down
            preview.show([], note=f"generation failed: {type(exc).__name__}: {exc}")
            self.notify(f"generation failed: {exc}", severity="error")
            return
        mode = "diff against disk (F6 for code)" if preview.diff_mode else "generated code (F6 for the diff against disk)"
        preview.show(files, changes, note=f"{len(files)} files · {mode} · F5 review and apply")
        if not formatted:
            self.format_preview(stage, self.session.version)

    @work(thread=True, exclusive=True, group="format", exit_on_error=False)
    def format_preview(self, stage: int, version: int) -> None:
        """clang-format the stage's files off the UI thread, then show them if nothing changed meanwhile."""
        try:
            self.session.plan((stage, stage))
        except Exception:
            return  # the unformatted preview stays; review reports the error
        if self.session.version == version:
            self.call_from_thread(self._formatted_ready, stage, version)

    def _formatted_ready(self, stage: int, version: int) -> None:
        if self.session is not None and self.session.version == version and self.current_step == f"stage{stage}":
            self.refresh_preview(stage)

    def _preview_visible(self, stage: int) -> bool:
        if self.current_step != f"stage{stage}":
            return False
        return stage != 5 or self._tabs5().active == "tab-files" or (self._tabs5().active == "tab-cbs" and self.has_class("-tall"))

    def _changes_for(self, files: list[Any]) -> dict[str, Any]:
        from wizard.model import Plan

        plan = self.session.plan((files[0].stage, files[0].stage)) if files else self.session.plan()
        sub = Plan(op_name=plan.op_name, op_rel_dir=plan.op_rel_dir, files=list(files))
        return {c.path: c for c in self.session.changes(sub)}

    # ---- form events --------------------------------------------------------------------------
    @on(CBStatus)
    def _cb_status(self, event: CBStatus) -> None:
        if event.errors != self.cb_errors:
            self.cb_errors = list(event.errors)
            self.refresh_status()

    @on(CBChanged)
    @on(WorkChanged)
    @on(SpecChanged)
    async def _spec_changed(self, event: Any) -> None:
        if isinstance(event, CBChanged):
            self.work_form.redraw()
        if isinstance(event, SpecChanged):
            await self.cb_form.load(self.session)
            self.work_form.load(self.session)
        self.refresh_status()
        if self.current_step.startswith("stage"):
            # Debounced: typing "4*Wt" regenerates once, after the keys stop (the gauge above is immediate).
            self._stop_preview_timer()
            stage = int(self.current_step[5:])
            self._preview_timer = self.set_timer(PREVIEW_DEBOUNCE, lambda: self._debounced_preview(stage))

    def _stop_preview_timer(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None

    def _debounced_preview(self, stage: int) -> None:
        # The timer can fire while the app shuts down (the panes already removed): then there is nothing to show.
        from textual.css.query import NoMatches

        self._preview_timer = None
        pane = self.stage_panes.get(stage)
        if not (self.is_running and pane is not None and pane.is_attached and not self._exit):
            return
        try:
            self.refresh_preview(stage)
        except NoMatches:  # a pane removed between the check above and the query (shutdown)
            pass

    # ---- actions ------------------------------------------------------------------------------
    def action_help(self) -> None:
        from screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_help()))

    def binding_help(self) -> list[tuple[str, str]]:
        rows = [(" / ".join(self.get_key_display(Binding(k, "")) for k in b.key.split(",")), b.description)  # type: ignore[union-attr]
                for b in self.BINDINGS if b.description]  # type: ignore[union-attr]
        rows += [("ctrl+p", "command palette"), ("ctrl+q", "quit (everything is already saved)")]
        rows += [("tab / shift+tab", "move between panes and cells"), ("↑ ↓ enter", "stepper: choose a step")]
        rows += [("e / enter, del", "spec: override a field, reset it"), ("ctrl+n, ctrl+l, alt+↑/↓", "CBs: add, remove, move")]
        rows += [("a r A R, ctrl+s", "review: approve, reject, all, none; apply")]
        return rows

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        cmds: list[tuple[str, str, Any]] = [
            (f"step: {s.title}", f"open the {s.title} step", lambda k=s.key: self.goto(k)) for s in self.steps
        ]
        cmds += [
            ("step: next", "the next step in the stepper (F3)", lambda: self.action_step(1)),
            ("step: previous", "the previous step (F2)", lambda: self.action_step(-1)),
            ("apply: review and apply", "per-file diff, approve / reject, then the merging apply (F5)", self.action_review),
            ("view: toggle diff against disk", "generated code or its diff with the files on disk (F6)", self.action_toggle_diff),
            ("file: open in $EDITOR", "edit the current file on disk; the change is picked up (F4)", self.action_edit_file),
            ("cb: add circular buffer", "a new row in the CB form (ctrl+n)", lambda: self._cb_action("add_cb")),
            ("cb: remove circular buffer", "remove the focused CB row (ctrl+l)", lambda: self._cb_action("remove_cb")),
            ("cb: reset table to the spec", "drop the edited CB table", self._reset_cbs),
            ("test: open the tests step", "compile check and stage tests (F7)", lambda: self.goto("tests")),
            ("claude: delegate this step", "ask Claude for a proposal to review (F9)", self.action_delegate),
            ("view: toggle dark / light theme", "(ctrl+t)", self.action_toggle_theme),
            ("view: toggle animations", "off is better on slow SSH links", self._toggle_animation),
            ("view: save screenshot (SVG)", "(F8)", self.action_screenshot),
            ("help: keys and steps", "(? or F1)", self.action_help),
        ]
        return cmds

    async def _cb_action(self, name: str) -> None:
        if self.session is None:
            return
        self.goto("stage5")
        self._tabs5().active = "tab-cbs"
        await getattr(self.cb_form, f"action_{name}")()

    async def _reset_cbs(self) -> None:
        if self.session is None:
            return
        self.session.reset_cbs()
        await self.cb_form.load(self.session)
        await self._spec_changed(CBChanged())

    def _toggle_animation(self) -> None:
        self.animation_level = "full" if self.animation_level == "none" else "none"
        self.notify(f"animations: {self.animation_level}")

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        if self.session is not None:
            self.session.remember(theme=self.theme)

    def action_save(self) -> None:
        if self.session is not None:
            self.session.save()
            self.notify("saved (every change is saved as you go)")

    def action_screenshot(self) -> None:
        import time

        folder = (self.session.op_dir / ".ttnn-wizard" / "screenshots") if self.session is not None else Path.cwd()
        folder.mkdir(parents=True, exist_ok=True)
        path = self.save_screenshot(filename=time.strftime("ttnn-wizard-%Y%m%d-%H%M%S.svg"), path=str(folder))
        self.notify(f"screenshot: {self.session.rel(path) if self.session is not None else path}")

    def _current_preview(self) -> Any:
        step = self.current_step
        return self._preview(int(step[5:])) if step.startswith("stage") else None

    def action_toggle_diff(self) -> None:
        preview = self._current_preview()
        if preview is None or self.session is None:
            self.notify("the diff view is in the stage steps (4, 5 Files, 6)", severity="warning")
            return
        if self.current_step == "stage5":
            self._tabs5().active = "tab-files"
        on = preview.toggle_diff()
        for p in self._previews():
            p.diff_mode = on
        self.session.remember(diff=on)
        self.refresh_preview(int(self.current_step[5:]))

    def review_stages(self) -> tuple[int, ...]:
        step = self.current_step
        if step.startswith("stage"):
            return (int(step[5:]),)
        # Everything at once: Stages 4-6, plus 1-3 when the op is not scaffolded yet (no device/ folder):
        # regenerating a scaffold someone already built on is a per-stage decision (open that stage).
        scaffolded = self.session is not None and (self.session.op_dir / "device").is_dir()
        return tuple(n for n in self.stages if n >= 4 or not scaffolded)

    def action_review(self) -> None:
        if self.session is None:
            return
        stages = self.review_stages()
        reasons = sorted({r for n in stages for r in self.blockers(n)})
        if reasons:
            self.notify("Generation blocked:\n" + "\n".join(reasons[:5]), severity="error", timeout=8)
            return
        try:
            from wizard.model import Plan

            span = (min(stages), max(stages))
            plan = self.session.plan(span) if span != (4, 6) or len(stages) != 3 else self.session.plan()
            files = [f for f in plan.files if f.stage in stages]
            changes = self.session.changes(Plan(op_name=plan.op_name, op_rel_dir=plan.op_rel_dir, files=files))
        except Exception as exc:
            self.notify(f"could not prepare the review: {exc}", severity="error", timeout=8)
            return
        from screens.review import ReviewScreen

        self._warn_integration(stages)
        title = f"Review · stage{'s' if len(stages) > 1 else ''} {', '.join(map(str, stages))} · {self.session.rel(self.session.op_dir)}"

        def done(approved: set[str] | None) -> None:
            if approved is None:
                self.notify("review cancelled: nothing written")
                return
            self._apply(changes, approved, stages)

        self.push_screen(ReviewScreen(changes, title), done)

    def _warn_integration(self, stages: tuple[int, ...]) -> None:
        """Stage 1: when the checkout's build layout was not recognised, say exactly what to add by hand."""
        if self.session is not None and 1 in stages:
            steps = self.session.integration_steps()
            if steps:
                self.notify("\n".join(steps), title="Build integration", severity="warning", timeout=30)

    def _apply(self, changes: list[Any], approved: set[str], stages: tuple[int, ...]) -> None:
        try:
            result = self.session.apply(changes, approved, stages)
        except Exception as exc:
            self.notify(f"apply failed, nothing half-written: {exc}", severity="error", timeout=10)
            return
        written = [c.path for c in changes if c.path in approved and c.action != "unchanged"]
        conflicts = [c.path for c in changes if c.path in approved and c.action == "conflict"]
        msg = f"applied {len(written)} file(s)"
        if conflicts:
            msg += f"; conflict markers in {', '.join(conflicts)}"
        self.notify(msg, severity="warning" if conflicts else "information")
        self.last_apply_result = result
        self.refresh_status()
        if self.current_step.startswith("stage"):
            self.refresh_preview(int(self.current_step[5:]))

    def action_edit_file(self) -> None:
        if self.session is None:
            return
        preview = self._current_preview()
        rel = preview.current_path if preview is not None else None
        if rel is None:
            self.notify("open a stage's file tab first (F4 edits the file shown)", severity="warning")
            return
        path = self.session.op_dir / rel
        if not path.is_file():
            self.notify(f"{rel} is not on disk yet: review and apply it first (F5)", severity="warning")
            return
        self.open_in_editor(path, rel)

    def open_in_editor(self, path: Path, rel: str, line: int | None = None) -> None:
        import shlex
        import subprocess

        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        argv = [*shlex.split(editor)]  # an argument list: never a shell string
        if line and Path(argv[0]).name in LINE_ARG_EDITORS:
            argv.append(f"+{int(line)}")
        argv.append(str(path))
        try:
            with self.suspend():
                subprocess.run(argv, check=False)
        except Exception as exc:  # SuspendNotSupported (headless, web) or no such editor
            self.notify(f"cannot open $EDITOR ({editor}): {exc}", severity="error")
            return
        if self.session.mark_edited_if_changed(rel):
            self.notify(f"{rel}: edited by hand; a later apply merges around your edit")
        self.refresh_status()
        if self.current_step.startswith("stage"):
            self.refresh_preview(int(self.current_step[5:]))

    def on_console_pane_finished(self, event: Any) -> None:
        """A stage run ended: the runner recorded RED/GREEN in the shared session state."""
        self.refresh_status()

    def on_console_pane_jump_to(self, event: Any) -> None:
        path = Path(event.path)
        if not path.is_file():
            self.notify(f"{path} is not a file here", severity="warning")
            return
        rel = str(path)
        if self.session is not None:
            try:
                rel = path.resolve().relative_to(self.session.op_dir).as_posix()
            except ValueError:
                pass
        self.open_in_editor(path, rel, line=event.line)

    def action_delegate(self) -> None:
        try:
            from screens import delegate
        except ImportError:
            self.notify("delegating to Claude is not available in this build", severity="warning")
            return
        opener = getattr(delegate, "open_delegate", None)
        if opener is None or self.session is None:
            self.notify("delegating to Claude is not available yet", severity="warning")
            return
        stage = int(self.current_step[5:]) if self.current_step.startswith("stage") else 6
        opener(self, self.session, stage)


def run_app(
    *,
    spec: str | Path | None = None,
    op_dir: str | Path | None = None,
    profile: str | None = None,
    root: str | Path | None = None,
    no_animation: bool = False,
    cwd: str | Path = ".",
    host: str | None = None,
    remote_root: str | None = None,
) -> int:
    app = WizardApp(spec_path=spec, op_dir=op_dir, profile=profile, root=root, no_animation=no_animation, cwd=cwd,
                    host=host, remote_root=remote_root)
    result = app.run(headless=bool(os.environ.get(EXIT_AFTER_PAINT_ENV)))
    return int(result or 0)
