"""The work distribution form and the core grid map.

The map is the profile's compute grid coloured by core group, each core showing the units the
exact ``split_work_to_cores`` (wizard.split) gives it; it redraws on every change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, Switch

from screens.messages import WorkChanged
from screens.ordered_input import OrderedInput
from wizard.model import Strategy

if TYPE_CHECKING:
    from screens.session import Session
    from wizard.split import WorkSplit

G1, G2 = "black on green", "black on dark_cyan"


class ExprValidator(Validator):
    """Parses the expression; ``extra`` adds what evaluating it at the sample shape found (negative, ``/0``)."""

    def __init__(self, extra: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.extra = extra

    def validate(self, value: str) -> ValidationResult:
        from wizard.expr import ExprError, parse_expr

        try:
            parse_expr(value)
        except ExprError as exc:
            return self.failure(str(exc))
        msg = self.extra() if self.extra else ""
        return self.failure(msg) if msg else self.success()


def _short(n: int) -> str:
    if n < 1000:
        return str(n)
    if n < 100_000:
        return f"{n // 1000}k"
    return "99k+"


def grid_text(split: WorkSplit | None, grid: tuple[int, int], units: int, error: str = "") -> Text:
    """The core grid as text: one 4-wide cell per core, coloured by group, with its units."""
    gx, gy = grid
    text = Text()
    text.append("    " + "".join(f"{x:>4}" for x in range(gx)) + "   x\n", style="dim")
    for y in range(gy):
        text.append(f"{y:>3} ", style="dim")
        for x in range(gx):
            core = (x, y)
            if split is not None and split.group_1.contains(core):
                text.append(f"{_short(split.units_per_core_group_1):>3} ", style=G1)
            elif split is not None and split.group_2.contains(core):
                text.append(f"{_short(split.units_per_core_group_2):>3} ", style=G2)
            else:
                text.append("  · ", style="dim")
        text.append("\n")
    text.append("  y\n", style="dim")
    if error:
        text.append(error, style="bold red")
        return text
    if split is None:
        return text
    n1, n2 = split.group_1.num_cores, split.group_2.num_cores
    text.append("■", style="green")
    text.append(f" group 1: {n1} cores × {split.units_per_core_group_1}   ")
    text.append("■", style="dark_cyan")
    text.append(f" group 2: {n2} cores × {split.units_per_core_group_2}   ")
    text.append(f"· idle: {gx * gy - split.num_cores}\n", style="dim")
    assigned = n1 * split.units_per_core_group_1 + n2 * split.units_per_core_group_2
    ok = assigned == units
    text.append(
        f"total {units} units = {n1}×{split.units_per_core_group_1} + {n2}×{split.units_per_core_group_2}"
        f" on {split.num_cores} of {gx * gy} cores ({'column' if not split.row_wise else 'row'}-major order)",
        style="bold" if ok else "bold red",
    )
    return text


class WorkForm(Vertical):
    Changed = WorkChanged

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Session | None = None
        self._drawn = False
        self._stale = False
        self._total_error = ""  # why the total units cannot be split at the sample shape (marks the input)

    def on_show(self) -> None:
        if self._stale:
            self.redraw()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label("unit ", classes="lbl")
            yield OrderedInput("", id="work-unit", compact=True)
            yield Label(" total units ", classes="lbl")
            yield OrderedInput("", id="work-total", compact=True, validators=[ExprValidator(lambda: self._total_error)],
                        validate_on=["changed", "blur"])
        with Horizontal(classes="form-row"):
            yield Label("strategy ", classes="lbl")
            yield Select([(s.value, s.value) for s in Strategy], id="work-strategy", allow_blank=False, compact=True)
            yield Label(" row-wise ", classes="lbl")
            yield Switch(id="work-rowwise")
        yield Static("", id="work-summary")
        with VerticalScroll(id="grid-scroll"):
            yield Static("", id="core-grid")

    def load(self, session: Session) -> None:
        self.session = session
        w = session.spec.work
        for sel, value in (("#work-unit", w.unit), ("#work-total", w.total_units)):
            inp = self.query_one(sel, Input)
            with inp.prevent(Input.Changed):
                inp.value = value
        strat = self.query_one("#work-strategy", Select)
        with strat.prevent(Select.Changed):
            strat.value = w.strategy.value
        sw = self.query_one("#work-rowwise", Switch)
        with sw.prevent(Switch.Changed):
            sw.value = bool(w.row_wise)
        self.redraw()

    def redraw(self) -> None:
        if self.session is None:
            return
        if not self.is_on_screen and self.is_mounted and self.region.area == 0 and self._drawn:
            self._stale = True  # hidden tab: redraw when shown (on_show)
            return
        self._drawn, self._stale = True, False
        s = self.session
        units, split, error = s.work_split()
        self._total_error = error if error.startswith("total units") else ""
        total = self.query_one("#work-total", Input)
        total.validate(total.value)  # re-marks the input with what the split found
        grid = (s.profile.grid_x, s.profile.grid_y)
        self.query_one("#core-grid", Static).update(grid_text(split, grid, units, error))
        shape = "×".join(str(d) for d in s.sample_shape)
        if s.spec.dim_order != "NCHW":
            shape += f" ({s.spec.dim_order})"
        manual = [k for k in s.state.overrides if k.startswith("work.")]
        summary = Text.assemble(
            (f"{s.profile.name} ", "bold"),
            (f"grid {grid[0]}×{grid[1]} · sample shape {shape} {s.sample_dtype}", "dim"),
        )
        if manual:
            summary.append(f" · manual: {', '.join(k[5:] for k in manual)}", style="magenta")
        self.query_one("#work-summary", Static).update(summary)

    def _override(self, key: str, value: str | bool) -> None:
        if self.session is None:
            return
        self.session.set_override(key, value)
        self.redraw()
        self.post_message(self.Changed())

    @on(Input.Changed, "#work-unit")
    def _unit(self, event: Input.Changed) -> None:
        if event.value.strip():
            self._override("work.unit", event.value.strip())

    @on(Input.Changed, "#work-total")
    def _total(self, event: Input.Changed) -> None:
        from wizard.expr import ExprError, parse_expr

        try:
            parse_expr(event.value)
        except ExprError:
            return  # marked -invalid in place; the last valid value stays in force
        # One that parses is saved even if it cannot be split (-3, Ht/0): redraw marks it with the reason
        # (the validation result here still holds the previous value's split error).
        self._override("work.total_units", event.value.strip())

    @on(Select.Changed, "#work-strategy")
    def _strategy(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self._override("work.strategy", str(event.value))

    @on(Switch.Changed, "#work-rowwise")
    def _rowwise(self, event: Switch.Changed) -> None:
        self._override("work.row_wise", bool(event.value))
