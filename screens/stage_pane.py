"""The body of a generation stage (blockers, forms, files) and of the Tests step.

Imported after first paint (it pulls in TextArea, TabbedContent, Select, Input ...).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static, TabbedContent, TabPane

from screens.cb_form import CBForm
from screens.preview import PreviewPane
from screens.work_form import WorkForm


class StagePane(Vertical):
    """One generation stage: why it is blocked (if it is), its forms, and its files."""

    def __init__(self, stage: int, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="stage-pane")
        self.stage = stage
        self._banner: Static | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="banner")
        if self.stage == 5:
            with TabbedContent(id="stage5-tabs"):
                with TabPane("Circular buffers", id="tab-cbs"):
                    yield CBForm(id="cb-form")
                    # Tall terminals: the Stage 5 files follow each CB edit right below the table.
                    yield PreviewPane(id="preview-5-live", classes="live-preview", prefer="_program_factory.cpp")
                with TabPane("Work split", id="tab-work"):
                    yield WorkForm(id="work-form")
                with TabPane("Files", id="tab-files"):
                    yield PreviewPane(id="preview-5")
        else:
            if self.stage in (1, 2, 3):
                from screens.scaffold_form import ScaffoldForm  # helper I: the Stage 1-3 form above the files

                yield ScaffoldForm(self.stage)
            yield PreviewPane(id=f"preview-{self.stage}")

    def on_mount(self) -> None:
        self._banner = self.query_one(".banner", Static)

    def set_blockers(self, reasons: list[str]) -> None:
        banner = self._banner
        if banner is None:
            return
        if self.stage == 5:
            # The CB form lists its own problems right under the table: one summary line here, not the list again.
            forms = self.query(CBForm)  # absent while the app tears down (a late status message)
            listed = set(forms.first().errors) if forms else set()
            rest = [r for r in reasons if r not in listed]
            n = len(reasons) - len(rest)
            if n:
                rest.append(f"the CB table has {n} problem{'s' if n > 1 else ''}: listed under it (Circular buffers tab)")
            reasons = rest
        banner.display = bool(reasons)
        if reasons:
            shown = reasons[:6] + ([f"… and {len(reasons) - 6} more"] if len(reasons) > 6 else [])
            banner.update(Text("Generation blocked:\n" + "\n".join(f"  • {r}" for r in shown), style="bold red"))


class TestsPane(Vertical):
    """The Tests step: the offline compile check (helper H's wizard.verify) as a first step, then a stage's
    tests in helper E's console pane (build, run, RED/GREEN recorded in the session state).

    Both are imported on first use (the runner pulls in plumbum). Keys: r run, c compile check, ctrl+x stop
    (in the console), e open the failing file.
    """

    BINDINGS = [
        Binding("r", "run", "Run tests"),
        Binding("c", "compile", "Compile check"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Any = None
        self.console: Any = None

    def compose(self) -> ComposeResult:
        yield Static("", id="tests-intro")
        with Horizontal(id="tests-controls"):
            yield Label("stage ", classes="lbl")
            yield Select([("6", 6)], id="tests-stage", allow_blank=False, compact=True)
            yield Label(" expect ", classes="lbl")
            yield Select([("auto", "auto"), ("red", "red"), ("green", "green")], value="auto", id="tests-expect",
                         allow_blank=False, compact=True)
            yield Button("Compile (c)", id="tests-compile", compact=True, tooltip="offline compile check of the kernels")
            yield Button("Run (r)", id="tests-run", compact=True, variant="primary", tooltip="build and run the stage's tests")
        with Horizontal(id="tests-where"):
            yield Label("run on ", classes="lbl")
            yield Input(placeholder="this machine  (or user@box[:port])", id="tests-host", compact=True)
            yield Label(" tt-metal at ", classes="lbl", id="tests-root-lbl")
            yield Input(placeholder="/path/to/tt-metal on the box", id="tests-root", compact=True)
        yield Vertical(id="console-slot")

    def on_mount(self) -> None:
        self.query_one("#tests-intro", Static).update(
            Text.assemble(
                ("Tests  ", "bold"),
                ("run a stage's test RED, apply its code, run it GREEN. ", "dim"),
                ("c compiles the kernels offline (no card needed).", "dim"),
            )
        )

    def attach(self, app: Any) -> None:
        """On first visit: the stages to offer, where to run (--host, else the session, else the profile) and
        the console pane."""
        self.session = app.session
        stage_sel = self.query_one("#tests-stage", Select)
        stages = [n for n in app.stages]
        want = self.session.ui.get("tests_stage", stages[-1] if stages else 6) if self.session else 6
        with stage_sel.prevent(Select.Changed):
            stage_sel.set_options([(f"{n}", n) for n in stages])
            if want in stages:
                stage_sel.value = want
        ui = self.session.ui if self.session else {}
        profile = self.session.profile if self.session else None
        host = getattr(app, "run_host", None) or ui.get("run_host") or getattr(profile, "host", None) or ""
        root = (getattr(app, "run_remote_root", None) or ui.get("run_remote_root")
                or getattr(profile, "remote_root", None) or "")
        with self.prevent(Input.Changed):
            self.query_one("#tests-host", Input).value = str(host)
            self.query_one("#tests-root", Input).value = str(root)
        if self.session is not None and (getattr(app, "run_host", None) or getattr(app, "run_remote_root", None)):
            self.session.remember(run_host=str(host), run_remote_root=str(root))
        self._show_where()
        slot = self.query_one("#console-slot", Vertical)
        if slot.children:
            return
        try:
            from screens.console import ConsolePane
        except ImportError:
            slot.mount(Static(Text("The test console is not part of this build.", style="yellow")))
            return
        self.console = ConsolePane(id="console")
        slot.mount(self.console)

    def where(self) -> tuple[str | None, str | None]:
        """(host, remote root) for the next run; (None, None) = this machine. Raises WizardError on a bad host."""
        host = self.query_one("#tests-host", Input).value.strip()
        root = self.query_one("#tests-root", Input).value.strip()
        if not host:
            return None, None
        from wizard.hostspec import parse_host

        parse_host(host)
        return host, root or None

    def _show_where(self) -> None:
        host_in = self.query_one("#tests-host", Input)
        remote = bool(host_in.value.strip())
        # the checkout field only matters for a remote run
        self.query_one("#tests-root", Input).display = remote
        self.query_one("#tests-root-lbl", Label).display = remote
        try:
            self.where()
            host_in.remove_class("-invalid")
            host_in.tooltip = None
        except Exception as exc:  # noqa: BLE001 - a bad host is marked in place, never a crash
            host_in.add_class("-invalid")
            host_in.tooltip = str(exc)

    @on(Input.Changed, "#tests-host")
    @on(Input.Changed, "#tests-root")
    def _where_changed(self, event: Input.Changed) -> None:
        self._show_where()
        if self.session is None:
            return
        key = "run_host" if event.input.id == "tests-host" else "run_remote_root"
        value = event.value.strip()
        if key == "run_host" and value and self.query_one("#tests-host", Input).has_class("-invalid"):
            return  # only a host that parses is remembered
        self.session.remember(**{key: value})

    @on(Select.Changed, "#tests-stage")
    def _stage_changed(self, event: Select.Changed) -> None:
        if self.session is not None and event.value is not Select.NULL:
            self.session.remember(tests_stage=int(event.value))  # type: ignore[arg-type]

    @on(Button.Pressed, "#tests-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#tests-compile")
    def _compile_pressed(self) -> None:
        self.action_compile()

    def _stage(self) -> int:
        value = self.query_one("#tests-stage", Select).value
        return int(value) if value is not Select.NULL else 6  # type: ignore[arg-type]

    def action_run(self) -> None:
        if self.session is None or self.console is None:
            self.notify("the test console is not available", severity="warning")
            return
        from wizard.errors import WizardError
        from wizard.runner import Runner

        try:
            host, remote_root = self.where()
        except WizardError as exc:
            self.notify(f"run on: {exc}", severity="error")
            self.query_one("#tests-host", Input).focus()
            return
        if host and not remote_root:
            self.notify(f"where is the tt-metal checkout on {host}? Fill 'tt-metal at' (or remote_root in the "
                        "profile)", severity="error")
            self.query_one("#tests-root", Input).focus()
            return
        expect = self.query_one("#tests-expect", Select).value
        # an empty field is this machine even when the profile names a host ("" tells the runner so)
        runner = Runner(self.session.op_dir, self.session.profile, host=host or "", remote_root=remote_root,
                        state=self.session.state)
        self.console.start(runner, self._stage(), expect=None if expect in ("auto", Select.NULL) else str(expect))

    def action_compile(self) -> None:
        if self.session is None or self.console is None:
            return
        self.console.clear()
        self.console.write_line("ttnn-wizard: offline compile check of the dataflow kernels")
        self._compile_worker(self.session.op_dir, self.session.profile.arch)

    @work(thread=True, exclusive=True, group="compile-check", exit_on_error=False)
    def _compile_worker(self, op_dir: Any, arch: str) -> None:
        from wizard.errors import WizardError

        say = self.console.write_line
        try:
            from wizard.verify import check_compile

            findings = check_compile(op_dir, arch, on_line=say)
        except WizardError as exc:  # not set up, no Python 3.10/3.12: say so, the hardware run still works
            say(f"ttnn-wizard: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - the check must never take the app down
            say(f"ttnn-wizard: the compile check failed: {type(exc).__name__}: {exc}")
            return
        errors = [f for f in findings if f.severity.value == "error"]
        say_lines = [f.render() for f in findings]
        self.console.write_lines(say_lines)
        say(f"ttnn-wizard: compile check {'FAILED' if errors else 'PASSED'}: {len(errors)} error(s), {len(findings)} finding(s)")
