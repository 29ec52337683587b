"""The Stage 1-3 form: what the scaffold is generated from, editable, beside what the generator derives from it.

Stage 1 (API): the parameters (spec type, required, default, valid range) and the public signature they give
(C++ type and default, Python type and default, the value the tests pass). Stage 2 (validation): the input-tensor
requirement rows and their messages, and the ``TT_FATAL(condition, message)`` each becomes. Stage 3
(registration): the output spec (shape formula, dtype, layout) and the output shape the test expects.

Every edit is an override in the session state (the same dotted keys the Spec step uses, marked manual); the form
posts ``SpecChanged`` so the app regenerates the preview. The derived side comes from the core (build_design +
wizard.scaffold), never recomputed here.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Static

from screens.messages import SpecChanged
from screens.ordered_input import OrderedInput

TITLES = {
    1: "Parameters → the public signature and binding (C++ and Python defaults kept apart)",
    2: "Input requirements → validate_on_program_cache_miss TT_FATALs",
    3: "Output spec → compute_output_specs and the Stage 3 test",
}


class FieldRow(Horizontal):
    """One editable value: a label and an Input whose name is the override key."""

    def __init__(self, label: str, key: str, value: str, *, manual: bool = False) -> None:
        super().__init__(classes="sf-row")
        self.key = key
        self.label = label
        self.value = value
        self.manual = manual

    def compose(self) -> ComposeResult:
        text = Text(self.label, style="bold magenta" if self.manual else "")
        yield Label(text, classes="sf-label")
        yield OrderedInput(self.value, name=self.key, classes="sf-input", compact=True)


class ScaffoldForm(VerticalScroll):
    """The form of one scaffold stage (1, 2 or 3). Loads from the app's session when shown."""

    DEFAULT_CSS = """
    ScaffoldForm { height: auto; max-height: 45%; border-bottom: solid $primary-darken-2; padding: 0 1; }
    ScaffoldForm .sf-title { text-style: bold; }
    ScaffoldForm .sf-row { height: 1; }
    ScaffoldForm .sf-label { width: 30; }
    ScaffoldForm .sf-input { width: 1fr; }
    ScaffoldForm .sf-derived { margin-bottom: 1; }
    """

    def __init__(self, stage: int, *, id: str | None = None) -> None:
        super().__init__(id=id or f"scaffold-form-{stage}")
        self.stage = stage
        self.loaded_version: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(TITLES.get(self.stage, ""), classes="sf-title")
        yield Static("", classes="sf-derived", id=f"sf-derived-{self.stage}")

    @property
    def session(self) -> Any:
        return getattr(self.app, "session", None)

    def on_mount(self) -> None:
        # The app switches steps with a ContentSwitcher: (re)load when this stage becomes the current step and
        # the session changed since (an override made in the Spec step, a CB edit ...).
        from textual.widgets import ContentSwitcher

        switcher = next((a for a in self.ancestors if isinstance(a, ContentSwitcher)), None)
        if switcher is not None:
            self.watch(switcher, "current", self._step_changed)

    def _step_changed(self, current: str | None) -> None:
        s = self.session
        if current == f"stage{self.stage}" and s is not None and self.loaded_version != s.version:
            self.call_after_refresh(self.load)

    async def load(self) -> None:
        """(Re)build the rows from the session's spec and the derived design."""
        s = self.session
        if s is None:
            return
        self.loaded_version = s.version
        await self.query(FieldRow).remove()
        rows = list(field_rows(self.stage, s))
        derived = self.query_one(f"#sf-derived-{self.stage}", Static)
        await self.mount_all([FieldRow(*r[:3], manual=r[3]) for r in rows], after=derived)
        derived.update(derived_text(self.stage, s))

    @on(Input.Submitted, ".sf-input")
    async def _submitted(self, event: Input.Submitted) -> None:
        await self._commit(event.input)

    @on(Input.Blurred, ".sf-input")
    async def _blurred(self, event: Input.Blurred) -> None:
        await self._commit(event.input)

    async def _commit(self, widget: Input) -> None:
        s = self.session
        row = widget.parent
        if s is None or not isinstance(row, FieldRow) or widget.value.strip() == row.value.strip():
            return
        value: str | bool = widget.value.strip()
        if row.key.endswith(".required"):
            value = str(value).lower() in ("yes", "true", "1", "required", "y")
        s.set_override(row.key, value)
        row.value = widget.value.strip()
        self.post_message(SpecChanged())
        derived = self.query_one(f"#sf-derived-{self.stage}", Static)
        derived.update(derived_text(self.stage, s))
        self.loaded_version = s.version


def _manual(obj: Any, attr: str) -> bool:
    from wizard.model import Confidence

    prov = obj.source(attr) if hasattr(obj, "source") else None
    return prov is not None and prov.confidence is Confidence.MANUAL


def field_rows(stage: int, session: Any) -> list[tuple[str, str, str, bool]]:
    """(label, override key, current value, manual?) for the stage's editable values."""
    spec = session.spec
    rows: list[tuple[str, str, str, bool]] = []
    if stage == 1:
        for p in spec.parameters:
            for attr in ("type", "required", "default", "valid_range"):
                value = getattr(p, attr)
                text = ("yes" if value else "no") if attr == "required" else str(value or "")
                rows.append((f"{p.name} {attr.replace('_', ' ')}", f"parameters.{p.name}.{attr}", text, _manual(p, attr)))
    elif stage == 2:
        for tensor, reqs in spec.input_requirements.items():
            for i, r in enumerate(reqs):
                rows.append((f"{tensor}: {r.property}", f"input_requirements.{tensor}.{i}.requirement", r.requirement, _manual(r, "requirement")))
                rows.append((f"{tensor}: {r.property} message", f"input_requirements.{tensor}.{i}.hint", r.hint, _manual(r, "hint")))
    elif stage == 3:
        for attr in ("shape", "padded_shape", "dtype", "layout"):
            rows.append((f"output {attr.replace('_', ' ')}", f"output.{attr}", str(getattr(spec.output, attr) or ""), _manual(spec.output, attr)))
    return rows


def derived_text(stage: int, session: Any) -> Text:
    """What the generator makes of the values above (from the core), or why it cannot."""
    try:
        from wizard.design import build_design
        from wizard.scaffold import ScaffoldView

        d = build_design(session.spec, session.profile)
    except Exception as exc:  # noqa: BLE001 - a bad edit shows here; the app keeps running
        return Text(f"cannot derive the scaffold: {exc}", style="red")
    view = ScaffoldView(d)
    out = Text()
    if stage == 1:
        out.append(f"ttnn.{d.op_name}(", style="bold")
        out.append(", ".join(t.field for t in d.inputs))
        out.append(", *, ...)\n", style="bold")
        for a in view.api_params:
            p = a.p
            out.append(f"  {a.cpp_decl}", style="cyan")
            out.append("  |  ")
            out.append(f"{p.name}: {p.py_type}" + (f" = {p.py_default}" if p.py_default is not None else ""), style="green")
            out.append(f"  |  {a.nb_arg}  |  test value {p.test_value if p.required else '(default)'}\n", style="dim")
        if not view.api_params:
            out.append("  no scalar parameters (memory_config is always added)\n", style="dim")
    elif stage == 2:
        for v in d.validations:
            out.append(f"  TT_FATAL({v.condition}, \"{v.message}\")\n", style="cyan")
        for skipped in d.skipped_requirements:
            out.append(f"  no generated check: {skipped} (add it by hand)\n", style="yellow")
        if view.wrong_rank_shape:
            out.append(f"  test: rank -> {view.wrong_rank_shape} must raise; ", style="dim")
        if view.wrong_layout:
            out.append(f"layout -> {view.wrong_layout} must raise", style="dim")
    elif stage == 3:
        o = d.output
        kinds = {"same": "same as the input", "reduce_w": "last dim 1 (padded 32)", "width_32": "last dim 32"}
        out.append(f"  output shape: {kinds.get(o.shape_kind, o.shape_kind)}; dtype {o.dtype_cpp}; layout {o.layout}\n", style="cyan")
        out.append(f"  Stage 3 test: {view.valid_shape} -> {view.output_shape_expr.replace('shape', str(view.valid_shape))}", style="dim")
    for w in d.warnings:
        if w.code.startswith("design-param") and stage == 1 or w.code.startswith("design-output") and stage == 3:
            out.append(f"\n  {w.severity.value}: {w.message}", style="yellow")
    return out
