"""The ``?`` help screen: what each step is for and every key binding of the app and the current view."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = "ttnn-wizard walks you from a planner spec to a Stage 6 TTNN operation, test-first."

# (step, what it does): a two-column table, so a narrow terminal wraps each description under itself
STEPS = (
    ("Spec", "what was read from the spec and from which line; press enter on a field to override it"),
    ("Stage 1-3", "scaffold a new op from the spec alone: the public API, validation, registration, and the build "
                  "integration (CMake lists, nanobind module: only the lines the diff adds)"),
    ("Stage 4", "the device operation (validations from the spec's requirement tables)"),
    ("Stage 5", "circular buffers (editable, with the L1 budget per core) and the work split across cores"),
    ("Stage 6", "reader / writer / compute stub kernels and kernel creation"),
    ("Tests", "the offline compile check (c), then a stage's tests (r; ctrl+x stops them), RED before and GREEN "
              "after, on this machine or on a remote box (the 'run on' row, or --host); without a Tenstorrent "
              "card it says so and runs what can run"),
)

OUTRO = ("Every change is saved at once in the op's .ttnn-wizard/state.toml: quit at any time and come back.\n"
         "Nothing is written into the op until you approve it file by file in the review screen (F5).")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%; border: round $accent; background: $panel; padding: 0 1; }
    """

    def __init__(self, bindings: list[tuple[str, str]]) -> None:
        self.key_rows = bindings
        super().__init__()

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("Key", style="bold cyan", no_wrap=True)
        table.add_column("Action")
        for key, desc in self.key_rows:
            table.add_row(key, desc)
        steps = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
        steps.add_column(style="bold", no_wrap=True)
        steps.add_column(ratio=1)
        for step, what in STEPS:
            steps.add_row(step, what)
        with VerticalScroll():
            yield Static(Text("Help", style="bold"))
            yield Static(INTRO + "\n")
            yield Static(steps)
            yield Static("\n" + OUTRO)
            yield Static("")
            yield Static(table)
            yield Static(Text("\nctrl+p opens the command palette: every action is there too. Esc closes this.", style="dim"))

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)
