"""The CB form: an editable grid of circular buffers with a live L1 gauge per core.

DataTable cannot edit, so each cell is an Input (validated by the core's parsers) or a Select.
Invalid cells get Textual's ``-invalid`` class and block generation with a message; valid edits
are saved to the session state at once (the whole table, fields marked manual).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from screens.messages import CBChanged, CBStatus
from screens.ordered_input import OrderedInput
from screens.session import CB_FIELDS, validate_cb_rows, validate_cell
from wizard.model import Lifetime, PageKind

if TYPE_CHECKING:
    from screens.session import Session
    from wizard.budget import L1Budget

HEADERS = {
    "index": "CB",
    "name": "name",
    "page_kind": "kind",
    "pages": "pages",
    "data_format": "format",
    "producer": "producer",
    "consumer": "consumer",
    "lifetime": "lifetime",
}
SELECTS = {"page_kind": [k.value for k in PageKind], "lifetime": [k.value for k in Lifetime]}


class CellValidator(Validator):
    """The core's cell parser, plus (``extra``) what sizing the CB at the sample shape found (pages ``-3``, ``1/0``)."""

    def __init__(self, field: str, formats: list[str], extra: Callable[[], str] | None = None) -> None:
        super().__init__()
        self.field = field
        self.formats = formats
        self.extra = extra

    def validate(self, value: str) -> ValidationResult:
        msg = validate_cell(self.field, value, self.formats) or (self.extra() if self.extra else "")
        return self.failure(msg) if msg else self.success()


def human_bytes(n: int | None) -> str:
    if n is None:
        return "?"
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / (1024 * 1024):.2f} MiB"


def gauge_text(budget: L1Budget, width: int = 30) -> Text:
    """``L1/core ██████░░░░ 45.0 KiB of 1.27 MiB (3%)`` coloured by how full it is."""
    frac = budget.total / budget.budget if budget.budget else 0.0
    filled = min(width, round(frac * width))
    style = "green" if frac <= 0.75 else ("yellow" if frac <= 1.0 else "bold red")
    text = Text()
    text.append("L1 per core ", style="bold")
    text.append("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    text.append(f" {human_bytes(budget.total)} of {human_bytes(budget.budget)} ({frac:.0%})", style=style)
    if budget.total > budget.budget:
        text.append(f"  over by {human_bytes(budget.total - budget.budget)}", style="bold red")
    return text


class CBRow(Horizontal):
    """One CB: a cell per field plus its bytes at the sample shape."""

    def __init__(self, row: dict[str, str], formats: list[str]) -> None:
        super().__init__(classes="cb-row")
        self.row = dict(row)
        self.formats = formats
        self.cells: dict[str, Input | Select[str]] = {}  # filled on mount: no DOM queries per keystroke
        self.bytes_label: Label | None = None
        self._bytes_text = ""
        # Field -> why this CB cannot be sized at the sample shape (set by the form; keeps a blur from unmarking it).
        self.sizing_errors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        for name in CB_FIELDS:
            value = self.row.get(name, "")
            if name in SELECTS:
                options = SELECTS[name] if value in SELECTS[name] else [*SELECTS[name], value]
                yield Select([(o, o) for o in options], value=value, allow_blank=False, compact=True, classes=f"cell c-{name}", name=name)
            else:
                yield OrderedInput(
                    value,
                    compact=True,
                    classes=f"cell c-{name}",
                    name=name,
                    validators=[CellValidator(name, self.formats, lambda n=name: self.sizing_errors.get(n, ""))],
                    validate_on=["changed", "blur"],
                    select_on_focus=False,
                )
        yield Label("", classes="cell c-bytes")

    def on_mount(self) -> None:
        for w in self.children:
            if isinstance(w, (Input, Select)) and w.name:
                self.cells[w.name] = w
            elif isinstance(w, Label):
                self.bytes_label = w

    def values(self) -> dict[str, str]:
        out = {"_orig": self.row.get("_orig", self.row.get("name", ""))}
        for name in CB_FIELDS:
            w = self.cells.get(name)
            if isinstance(w, Input):
                out[name] = w.value
            elif isinstance(w, Select):
                # A Select that has not settled yet reports NULL: keep the row's own value then.
                out[name] = self.row.get(name, "") if w.value is Select.NULL else str(w.value)
            else:
                out[name] = self.row.get(name, "")
        return out

    def mark(self, bad_fields: set[str]) -> None:
        for name, w in self.cells.items():
            w.set_class(name in bad_fields, "-invalid")

    def set_bytes(self, text: str) -> None:
        if self.bytes_label is not None and text != self._bytes_text:
            self._bytes_text = text
            self.bytes_label.update(text, layout=False)  # fixed-size cell: no relayout per keystroke


class CBForm(Vertical):
    """The grid, the sample shape and the gauge. Posts ``Changed`` after a valid edit was saved."""

    BINDINGS = [
        Binding("ctrl+n", "add_cb", "Add CB"),
        Binding("ctrl+l", "remove_cb", "Remove CB"),
        Binding("alt+up", "move(-1)", "Move CB up"),
        Binding("alt+down", "move(1)", "Move CB down"),
    ]

    Changed = CBChanged
    Status = CBStatus

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Session | None = None
        self.errors: list[str] = []
        self.last_update_ms: float = 0.0
        self.last_update_at: float = 0.0  # perf_counter() when the gauge was last redrawn (benchmarks)
        self._rebuilding = False
        self._rows: list[CBRow] = []
        self._posted: list[str] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="cb-top"):
            yield Label("Sample shape ", classes="lbl", id="sample-shape-lbl")
            yield OrderedInput("1,1,32,64", id="sample-shape", compact=True, validators=[_ShapeValidator()], validate_on=["changed"])
            yield Label(" dtype ", classes="lbl")
            yield Select([("bfloat16", "bfloat16")], value="bfloat16", allow_blank=False, compact=True, id="sample-dtype")
        yield Static("", id="cb-gauge")
        with VerticalScroll(id="cb-rows"):  # header inside: it scrolls sideways with the cells at 80 columns
            with Horizontal(classes="cb-row cb-header"):
                for name in CB_FIELDS:
                    yield Label(HEADERS[name], classes=f"cell c-{name}")
                yield Label("bytes", classes="cell c-bytes")
        yield Static("", id="cb-errors")
        yield Static(
            Text("ctrl+n add · ctrl+l remove · alt+↑/↓ move · tab next cell", style="dim"), id="cb-hint"
        )

    def on_mount(self) -> None:
        self._gauge = self.query_one("#cb-gauge", Static)
        self._errors_view = self.query_one("#cb-errors", Static)

    async def load(self, session: Session) -> None:
        self.session = session
        shape = self.query_one("#sample-shape", Input)
        with shape.prevent(Input.Changed):
            shape.value = ",".join(str(d) for d in session.sample_shape)
        # the dims are read in the spec's order: say so where the shape is typed
        order = session.spec.dim_order
        self.query_one("#sample-shape-lbl", Label).update(
            "Sample shape " if order == "NCHW" else f"Sample shape ({','.join(order)}) ")
        shape.tooltip = f"the input's dims in the spec's order: {','.join(order)}"
        dtype = self.query_one("#sample-dtype", Select)
        dtypes = sorted(session.profile.tile_bytes) or ["bfloat16"]
        with dtype.prevent(Select.Changed):
            dtype.set_options([(d, d) for d in dtypes])
            dtype.value = session.sample_dtype if session.sample_dtype in dtypes else dtypes[0]
        await self._render_rows(session.cb_draft() or session.cb_rows())

    async def _render_rows(self, rows: list[dict[str, str]], focus: tuple[int, str] | None = None) -> None:
        assert self.session is not None
        container = self.query_one("#cb-rows", VerticalScroll)
        self._rebuilding = True  # cells announce their initial values while mounting: not edits
        try:
            await container.query(CBRow).remove()
            formats = self.session.known_formats()
            widgets = [CBRow({**r, "_orig": r.get("_orig", r.get("name", ""))}, formats) for r in rows]
            await container.mount_all(widgets)
            self._rows = widgets
        finally:
            self._rebuilding = False
        self.update_live(save=False)
        if focus is not None:
            self._focus_cell(*focus)

    def rows(self) -> list[dict[str, str]]:
        return [r.values() for r in self._rows]

    def _row_widgets(self) -> list[CBRow]:
        return self._rows

    def _focused_row(self) -> int | None:
        focused = self.app.focused
        for i, row in enumerate(self._rows):
            if focused is not None and focused.parent is row:
                return i
        return None

    def _focus_cell(self, row: int, name: str) -> None:
        if not self._rows:
            return
        cell = self._rows[max(0, min(row, len(self._rows) - 1))].cells.get(name)
        if isinstance(cell, Widget) and cell.focusable:
            cell.focus()

    # ---- live updates ----------------------------------------------------------------------
    @on(Input.Changed, ".cell")
    @on(Select.Changed, ".cell")
    def _cell_changed(self, event: Message) -> None:
        if not self._rebuilding:
            self.update_live(save=True)

    @on(Input.Changed, "#sample-shape")
    def _shape_changed(self, event: Input.Changed) -> None:
        shape = _parse_shape(event.value)
        if shape is None or self.session is None:
            return
        self.session.set_sample(shape)
        self.update_live(save=False)
        self.post_message(self.Changed())

    @on(Select.Changed, "#sample-dtype")
    def _dtype_changed(self, event: Select.Changed) -> None:
        if self.session is None or event.value is Select.NULL:
            return
        self.session.set_sample(self.session.sample_shape, str(event.value))
        self.update_live(save=False)
        self.post_message(self.Changed())

    def update_live(self, *, save: bool) -> None:
        """Validate every cell, mark bad ones, redraw the gauge and bytes; save when all is valid."""
        if self.session is None or self._rebuilding:
            return
        t0 = time.perf_counter()
        rows = self.rows()
        errors = validate_cb_rows(rows, self.session.known_formats())
        bad: dict[int, set[str]] = {}
        for e in errors:
            bad.setdefault(e.row, set()).add(e.field)
        budget = self.session.budget(rows)
        # Cells that parse but cannot size their CB (pages -3, 0, 1/0; an unknown format) are marked too.
        # The budget's message for a row whose cell is already invalid would only repeat it: dropped.
        row_of: dict[int, int] = {}
        for i, row in enumerate(rows):
            idx = row.get("index", "").strip()
            if idx.isdigit():
                row_of.setdefault(int(idx), i)
        sizing: dict[int, dict[str, str]] = {}
        repeated: set[str] = set()
        for b in budget.rows:
            i = row_of.get(b.index)
            if not b.error or i is None:
                continue
            if i in bad:
                repeated.add(b.error)
                continue
            name = "pages" if "pages '" in b.error else "data_format"
            sizing.setdefault(i, {})[name] = b.error
            bad.setdefault(i, set()).add(name)
        for e in errors:  # the form already says "index N is already used by row M"
            if e.field == "index":
                repeated.add(f"CB index c_{rows[e.row].get('index', '').strip()} is used by both ")
        for i, widget in enumerate(self._row_widgets()):
            widget.sizing_errors = sizing.get(i, {})
            widget.mark(bad.get(i, set()))
        width = self.size.width or (self.app.size.width - 30)
        bar = max(8, min(40, width - 50))  # the numbers stay readable at 80 columns
        self._gauge.update(gauge_text(budget, bar), layout=False)  # one fixed line
        by_index = {r.index: r for r in budget.rows}
        for widget, row in zip(self._row_widgets(), rows):
            idx = row.get("index", "").strip()
            b = by_index.get(int(idx)) if idx.isdigit() else None
            widget.set_bytes(human_bytes(b.total) if b is not None and b.total is not None else ("?" if b is None else "error"))
        messages = [f"row {e.row + 1} {HEADERS.get(e.field, e.field)}: {e.message}" for e in errors]
        messages += [m for m in budget.errors if m not in messages and m not in repeated
                     and not any(m.startswith(r) for r in repeated if r.endswith("both "))]
        if messages != self.errors:  # its height changes with the count: relayout only then
            err = self._errors_view
            if messages:
                err.update(Text("Generation blocked:\n" + "\n".join(f"  • {m}" for m in messages), style="red"))
            else:
                err.update("")
        self.errors = messages
        if save:
            # With a bad cell the table is kept as a draft (a dropped connection loses nothing typed);
            # only a valid table replaces the saved one and regenerates.
            if not self.session.set_cb_rows(rows):
                self._settle_names()
                self.post_message(self.Changed())
        if messages != self._posted:
            self._posted = list(messages)
            self.post_message(self.Status(messages))
        self.last_update_ms = (time.perf_counter() - t0) * 1000
        self.last_update_at = time.perf_counter()

    # ---- row operations --------------------------------------------------------------------
    async def action_add_cb(self) -> None:
        rows = self.rows()
        used = {r.get("index", "").strip() for r in rows}
        idx = next((i for i in range(32) if str(i) not in used), None)
        if idx is None:
            self.app.notify("all 32 CB indices are in use", severity="warning")
            return
        rows.append(
            {"index": str(idx), "name": f"cb_new_{idx}", "page_kind": "tile", "pages": "2", "data_format": "input",
             "producer": "", "consumer": "", "lifetime": "block", "_orig": f"cb_new_{idx}"}
        )
        await self._render_rows(rows, focus=(len(rows) - 1, "name"))
        self._save_structure(rows)

    async def action_remove_cb(self) -> None:
        i = self._focused_row()
        rows = self.rows()
        if i is None or not rows:
            self.app.notify("put the cursor in a CB row to remove it", severity="warning")
            return
        removed = rows.pop(i)
        await self._render_rows(rows, focus=(i, "name"))
        self._save_structure(rows)
        self.app.notify(f"removed CB {removed.get('index')} {removed.get('name')}")

    async def action_move(self, delta: int) -> None:
        i = self._focused_row()
        rows = self.rows()
        if i is None or not (0 <= i + delta < len(rows)):
            return
        focused = self.app.focused
        name = focused.name if focused is not None and focused.name else "name"
        rows[i], rows[i + delta] = rows[i + delta], rows[i]
        await self._render_rows(rows, focus=(i + delta, name))
        self._save_structure(rows)

    def _save_structure(self, rows: list[dict[str, str]]) -> None:
        assert self.session is not None
        if not self.session.set_cb_rows(rows):
            self._settle_names()
            self.post_message(self.Changed())

    def _settle_names(self) -> None:
        """After a save the session's CBs carry the rows' current names: the next edit must find each CB by
        that name (a rename typed key by key would otherwise lose the CB's spec fields after the first key)."""
        for row in self._rows:
            name = row.cells.get("name")
            if isinstance(name, Input):
                row.row["_orig"] = name.value.strip()


class _ShapeValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        return self.success() if _parse_shape(value) else self.failure("shape: positive integers like 1,1,32,64")


def _parse_shape(text: str) -> tuple[int, ...] | None:
    try:
        dims = tuple(int(x) for x in text.replace("x", ",").split(",") if x.strip())
    except ValueError:
        return None
    if not dims or len(dims) > 8 or any(d <= 0 or d > 1 << 24 for d in dims):
        return None
    return dims
