"""The body of a generation stage (blockers, forms, files) and of the Tests step.

Imported after first paint (it pulls in TextArea, TabbedContent, Select, Input ...).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static, TabbedContent, TabPane

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
                with TabPane("Work split", id="tab-work"):
                    yield WorkForm(id="work-form")
                with TabPane("Files", id="tab-files"):
                    yield PreviewPane(id="preview-5")
        else:
            yield PreviewPane(id=f"preview-{self.stage}")

    def on_mount(self) -> None:
        self._banner = self.query_one(".banner", Static)

    def set_blockers(self, reasons: list[str]) -> None:
        banner = self._banner
        if banner is None:
            return
        banner.display = bool(reasons)
        if reasons:
            shown = reasons[:6] + ([f"… and {len(reasons) - 6} more"] if len(reasons) > 6 else [])
            banner.update(Text("Generation blocked:\n" + "\n".join(f"  • {r}" for r in shown), style="bold red"))


class TestsPane(Vertical):
    """The Tests step: the offline compile check (helper H) then the stage tests in the console (helper E).

    Both are imported on first use (the runner pulls in plumbum); until they exist in this build the
    pane says so instead of failing.
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="tests-intro")
        yield Vertical(id="console-slot")

    def on_mount(self) -> None:
        self.query_one("#tests-intro", Static).update(
            Text.assemble(
                ("Tests  ", "bold"),
                ("RED before a stage's code is applied, GREEN after. ", "dim"),
                ("The offline compile check of the dataflow kernels runs first when it is set up.", "dim"),
            )
        )

    def attach(self, app: Any) -> None:
        """Mount helper E's console pane on first visit."""
        slot = self.query_one("#console-slot", Vertical)
        if slot.children:
            return
        try:
            from screens.console import ConsolePane  # noqa: F401  (helper E)
        except ImportError:
            slot.mount(Static(Text("The test console is not part of this build yet.", style="yellow")))
            return
        slot.mount(_make_console(app))


def _make_console(app: Any) -> Any:
    from screens.console import ConsolePane

    return ConsolePane(id="console")


__all__ = ["StagePane", "TestsPane", "Button"]
