"""The stage stepper: the always-visible side list of stages with their status.

Data-driven: the app hands it a list of ``StepInfo`` (Stages 1-3 appear when generation supports
them) and later a status per step; the stepper only renders and reports the user's choice.

One widget rendering one block of text (two lines per step), not an OptionList: it is on the
first frame, and an OptionList there cost about as much as the rest of the first frame together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget


# The first frame needs the step titles before the session (and wizard.model) is imported: they live here.
# Generation stages the app always offers; Stages 1-3 join when their templates exist.
CORE_STAGES = (4, 5, 6)
STAGE_TITLES = {
    1: "Stage 1 API exists",
    2: "Stage 2 validation",
    3: "Stage 3 registration",
    4: "Stage 4 device op",
    5: "Stage 5 program factory",
    6: "Stage 6 kernels",
}


def guess_stages() -> tuple[int, ...]:
    """The stages for the first frame: a cheap guess from the template folders (the loader asks the generator)."""
    stages = set(CORE_STAGES)
    try:
        from wizard import resources

        tdir: Path = resources.templates_dir()
        stages |= {n for n in (1, 2, 3) if (tdir / f"stage{n}").is_dir()}
    except (FileNotFoundError, OSError):
        pass
    return tuple(sorted(stages))


@dataclass(frozen=True)
class StepInfo:
    key: str  # "spec", "stage4", ..., "tests"
    title: str  # "Stage 5 program factory"
    stage: int | None = None  # the generation stage it owns, if any
    short: str = ""  # for narrow terminals ("5 Program factory")


@dataclass(frozen=True)
class StepStatus:
    label: str  # "not started" | "generated" | "RED" | "GREEN" | "edited by hand" | "3 warnings" ...
    style: str = "dim"  # a Rich style for the label
    blocked: str = ""  # why the step cannot proceed (first reason); "" when it can

    @property
    def icon(self) -> str:
        if self.blocked:
            return "⊘"
        return _ICONS.get(self.label, "•")


_ICONS = {"not started": "○", "generated": "●", "RED": "✗", "GREEN": "✓", "edited by hand": "✎", "loading": "…", "spec error": "✗", "not loaded": "✗"}


class Stepper(Widget, can_focus=True):
    """Side list of steps. Arrows move (and open) the step, enter / right / click open it."""

    DEFAULT_CSS = """
    Stepper { height: 1fr; background: $surface; }
    Stepper > .stepper--cursor {
        color: $block-cursor-blurred-foreground;
        background: $block-cursor-blurred-background;
        text-style: $block-cursor-blurred-text-style;
    }
    Stepper:focus > .stepper--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """
    COMPONENT_CLASSES = {"stepper--cursor"}
    BINDINGS = [
        Binding("up", "move(-1)", "Previous step", show=False),
        Binding("down", "move(1)", "Next step", show=False),
        Binding("home", "move(-99)", "First step", show=False),
        Binding("end", "move(99)", "Last step", show=False),
        Binding("enter,right", "select", "Open", show=False),
    ]
    LINES_PER_STEP = 2

    class StepChosen(Message):
        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    def __init__(self, steps: list[StepInfo], *, narrow: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, classes="-narrow" if narrow else "")
        self.steps = list(steps)
        self.statuses: dict[str, StepStatus] = {}
        self.narrow = narrow  # known at compose: the first frame is drawn once, at the right width
        self.highlighted: int | None = 0 if self.steps else None
        self._top = 0  # first step shown when the list is taller than the widget

    # ---- state --------------------------------------------------------------------------------
    def set_narrow(self, narrow: bool) -> None:
        if narrow != self.narrow:
            self.narrow = narrow
            self.set_class(narrow, "-narrow")
            self.refresh()

    def set_steps(self, steps: list[StepInfo]) -> None:
        current = self.current_key
        self.steps = list(steps)
        self.highlighted = 0 if self.steps else None
        if current is not None:
            self.select_key(current)
        self.refresh()

    def set_statuses(self, statuses: dict[str, StepStatus]) -> None:
        if statuses != self.statuses:
            self.statuses = dict(statuses)
            self.refresh()

    @property
    def current_key(self) -> str | None:
        if self.highlighted is None or not (0 <= self.highlighted < len(self.steps)):
            return None
        return self.steps[self.highlighted].key

    def select_key(self, key: str) -> None:
        """Move the highlight (the app switched the body itself: no message)."""
        for i, s in enumerate(self.steps):
            if s.key == key:
                if self.highlighted != i:
                    self.highlighted = i
                    self.refresh()
                return

    # ---- input --------------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        if not self.steps:
            return
        i = max(0, min(len(self.steps) - 1, (self.highlighted or 0) + delta))
        if i != self.highlighted:
            self.highlighted = i
            self.refresh()
            self.post_message(self.StepChosen(self.steps[i].key))  # arrow keys alone walk the stages

    def action_select(self) -> None:
        if self.current_key:
            self.post_message(self.StepChosen(self.current_key))

    def on_click(self, event: events.Click) -> None:
        row = event.y - self.styles.gutter.top
        i = self._top + row // self.LINES_PER_STEP
        if 0 <= row and 0 <= i < len(self.steps):
            event.stop()
            self.highlighted = i
            self.refresh()
            self.post_message(self.StepChosen(self.steps[i].key))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # ---- rendering ----------------------------------------------------------------------------
    def _lines(self, step: StepInfo) -> tuple[Text, Text]:
        status = self.statuses.get(step.key, StepStatus("loading"))
        title = Text(" ")
        title.append(f"{status.icon} ", style="bold red" if status.blocked else status.style)
        title.append(step.short if self.narrow and step.short else step.title, style="bold")
        detail = Text("   ")
        detail.append(f"blocked: {status.blocked}" if status.blocked else status.label, style="red" if status.blocked else status.style)
        return title, detail

    def render(self) -> Text:
        width, height = self.content_size
        shown = max(1, height // self.LINES_PER_STEP)
        cur = self.highlighted or 0
        if cur < self._top:  # keep the highlighted step in view
            self._top = cur
        elif cur >= self._top + shown:
            self._top = cur - shown + 1
        self._top = max(0, min(self._top, len(self.steps) - shown))
        cursor: Style = self.get_component_rich_style("stepper--cursor")
        lines: list[Text] = []
        for i, step in enumerate(self.steps[self._top : self._top + shown], start=self._top):
            for line in self._lines(step):
                line.truncate(width, overflow="ellipsis")
                if i == self.highlighted:
                    line.pad_right(width - line.cell_len)
                    line.stylize_before(cursor)
                lines.append(line)
        return Text("\n", no_wrap=True, end="").join(lines)
