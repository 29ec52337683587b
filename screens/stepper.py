"""The stage stepper: the always-visible side list of stages with their status.

Data-driven: the app hands it a list of ``StepInfo`` (Stages 1-3 appear when generation supports
them) and later a status per step; the stepper only renders and reports the user's choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


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


_ICONS = {"not started": "○", "generated": "●", "RED": "✗", "GREEN": "✓", "edited by hand": "✎", "loading": "…"}


class Stepper(OptionList):
    """Side list of steps. Enter / click selects; the app switches the body."""

    BINDINGS = [Binding("right", "select", "Open", show=False)]

    class StepChosen(Message):
        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    def __init__(self, steps: list[StepInfo], *, narrow: bool = False, id: str | None = None) -> None:
        self.steps = list(steps)
        self.statuses: dict[str, StepStatus] = {}
        self.narrow = narrow  # known at compose: no re-render of every option on the first resize
        super().__init__(*[self._option(s) for s in self.steps], id=id, classes="-narrow" if narrow else "")

    def set_narrow(self, narrow: bool) -> None:
        if narrow != self.narrow:
            self.narrow = narrow
            self.set_class(narrow, "-narrow")
            for i, step in enumerate(self.steps):
                if i < self.option_count:
                    self.replace_option_prompt_at_index(i, self._option(step).prompt)

    def _option(self, step: StepInfo) -> Option:
        status = self.statuses.get(step.key, StepStatus("loading"))
        text = Text()
        text.append(f"{status.icon} ", style="bold red" if status.blocked else status.style)
        text.append(step.short if self.narrow and step.short else step.title, style="bold")
        text.append("\n  ")
        text.append(f"blocked: {status.blocked}" if status.blocked else status.label, style="red" if status.blocked else status.style)
        return Option(text, id=step.key)

    def set_steps(self, steps: list[StepInfo]) -> None:
        current = self.current_key
        self.steps = list(steps)
        self._rebuild(current)

    def set_statuses(self, statuses: dict[str, StepStatus]) -> None:
        if statuses == self.statuses:
            return
        self.statuses = dict(statuses)
        # In place: rebuilding the options would move the highlight (and so the body) behind our back.
        for i, step in enumerate(self.steps):
            if i < self.option_count:
                self.replace_option_prompt_at_index(i, self._option(step).prompt)

    def _rebuild(self, current: str | None) -> None:
        self.clear_options()
        self.add_options([self._option(s) for s in self.steps])
        if current is not None:
            self.select_key(current)

    @property
    def current_key(self) -> str | None:
        if self.highlighted is None or not (0 <= self.highlighted < len(self.steps)):
            return None
        return self.steps[self.highlighted].key

    def select_key(self, key: str) -> None:
        for i, s in enumerate(self.steps):
            if s.key == key:
                self.highlighted = i
                return

    def action_select(self) -> None:
        if self.current_key:
            self.post_message(self.StepChosen(self.current_key))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.StepChosen(event.option.id))

    @on(OptionList.OptionHighlighted)
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        # Moving the highlight follows the body, so arrow keys alone walk the stages.
        event.stop()
        # Only a highlight that is still current: a rebuild's (or goto's) queued highlight must not win.
        if event.option.id and self.has_focus and event.option.id == self.current_key:
            self.post_message(self.StepChosen(event.option.id))
