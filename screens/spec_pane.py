"""The Spec step: the spec's markdown beside the extracted fields.

Moving through the field tree selects the field's source line in the markdown; enter on a
field edits it (saved as a manual override in the session state), delete resets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea, Tree
from textual.widgets.text_area import Selection
from textual.widgets.tree import TreeNode

from screens.messages import SpecChanged
from screens.ordered_input import OrderedInput
from wizard.model import Confidence, Severity

if TYPE_CHECKING:
    from screens.session import Session


@dataclass(frozen=True)
class FieldRef:
    """What a tree node stands for: a value, its source line and (if editable) its override key."""

    label: str
    value: str
    line: int | None
    confidence: str = ""
    key: str | None = None  # override key ("work.total_units"); None = not editable here
    goto: str | None = None  # a step to open instead of editing ("stage5" for CBs)


class EditValueScreen(ModalScreen[str | None]):
    """Ask for a new value of one field."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    EditValueScreen { align: center middle; }
    EditValueScreen > Vertical { width: 70; height: auto; border: round $accent; background: $panel; padding: 0 1; }
    EditValueScreen Label { margin-top: 1; }
    """

    def __init__(self, ref: FieldRef, spec_value: str | None = None) -> None:
        self.ref = ref
        self.spec_value = ref.value if spec_value is None else spec_value  # the value may be an override
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text.assemble(("Override ", "bold"), (self.ref.key or self.ref.label, "bold cyan")))
            yield Label(Text(f"from the spec: {self.spec_value or '(empty)'}", style="dim"))
            yield OrderedInput(self.ref.value, id="value")
            yield Label(Text("enter saves (marked manual) · esc cancels", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SpecPane(Horizontal):
    BINDINGS = [
        Binding("enter", "edit_field", "Edit field", show=False),
        Binding("e", "edit_field", "Edit field"),
        Binding("delete,backspace", "reset_field", "Reset field"),
    ]

    Changed = SpecChanged

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session: Session | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="spec-left"):
            yield Static("", id="spec-title", classes="pane-title")
            yield TextArea("", read_only=True, show_line_numbers=True, soft_wrap=False, id="spec-text")
        with Vertical(id="spec-right"):
            yield Static("Extracted fields · enter edits · del resets", classes="pane-title")
            tree: Tree[FieldRef] = Tree("spec", id="spec-tree")
            tree.show_root = False
            yield tree

    def load(self, session: Session) -> None:
        self.session = session
        text = session.spec_path.read_text(encoding="utf-8", errors="replace") if session.spec_path else ""
        ta = self.query_one("#spec-text", TextArea)
        ta.load_text(text)
        self.query_one("#spec-title", Static).update(
            Text.assemble(("Spec ", "bold"), (session.rel(session.spec_path) if session.spec_path else "", "dim"))
        )
        self.refresh_fields()

    def refresh_fields(self) -> None:
        if self.session is None:
            return
        tree = self.query_one("#spec-tree", Tree)
        expanded = {n.label.plain for n in _walk(tree.root) if n.is_expanded and n.children} if tree.root.children else None
        cursor = tree.cursor_line
        tree.clear()
        build_tree(tree.root, self.session)
        for node in _walk(tree.root):
            if node.children and (expanded is None and node.parent is tree.root or expanded and node.label.plain in expanded):
                node.expand()
        if cursor >= 0:
            tree.cursor_line = cursor

    @on(Tree.NodeHighlighted, "#spec-tree")
    def _highlight_source(self, event: Tree.NodeHighlighted) -> None:
        ref = event.node.data
        if ref is None or not ref.line:
            return
        ta = self.query_one("#spec-text", TextArea)
        row = min(ref.line - 1, max(ta.document.line_count - 1, 0))
        # Select from the line's end back to its start: the cursor (the selection's end) sits at column 0,
        # so the TextArea keeps the line's start and its number in view instead of scrolling to a long line's end.
        ta.selection = Selection((row, len(ta.document.get_line(row))), (row, 0))
        ta.scroll_to(x=0, y=max(row - 3, 0), animate=False)

    @on(Tree.NodeSelected, "#spec-tree")
    def _selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is not None and not event.node.children:
            self.action_edit_field()

    def _current(self) -> FieldRef | None:
        tree = self.query_one("#spec-tree", Tree)
        node = tree.cursor_node
        return node.data if node is not None else None

    def action_edit_field(self) -> None:
        ref = self._current()
        if ref is None:
            return
        if ref.goto:
            self.app.action_goto(ref.goto)  # type: ignore[attr-defined]
            return
        if not ref.key:
            self.app.notify(f"{ref.label} is not editable here", severity="warning")
            return

        def done(value: str | None) -> None:
            if value is None or self.session is None or ref.key is None:
                return
            self.session.set_override(ref.key, _coerce(value))
            self.refresh_fields()
            self.post_message(self.Changed())
            self.app.notify(f"{ref.key} = {value} (manual)")

        self.app.push_screen(EditValueScreen(ref, spec_value(self.session.raw_spec, ref.key) if self.session else None), done)

    def action_reset_field(self) -> None:
        ref = self._current()
        if ref is None or not ref.key or self.session is None:
            return
        if ref.key in self.session.state.overrides:
            self.session.clear_override(ref.key)
            self.refresh_fields()
            self.post_message(self.Changed())
            self.app.notify(f"{ref.key}: back to the spec's value")


def spec_value(raw: Any, key: str) -> str | None:
    """What the parsed spec (before overrides) holds at an override key ("parameters.eps.default"); None if unknown."""
    obj: Any = raw
    for part in key.split("."):
        if isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, (list, tuple)):
            if part.isdigit():
                obj = obj[int(part)] if int(part) < len(obj) else None
            else:
                obj = next((o for o in obj if getattr(o, "name", None) == part), None)
        else:
            obj = getattr(obj, part, None)
        if obj is None:
            return None
    shown = obj.value if hasattr(obj, "value") else obj
    return "" if shown is None else str(shown)


def _coerce(value: str) -> str | int | bool:
    v = value.strip()
    if v.lower() in ("true", "false"):
        return v.lower() == "true"
    return v


def _walk(node: TreeNode[Any]) -> list[TreeNode[Any]]:
    out: list[TreeNode[Any]] = []
    for child in node.children:
        out.append(child)
        out.extend(_walk(child))
    return out


def _prov(obj: Any, name: str) -> tuple[int | None, str]:
    p = obj.source(name) if hasattr(obj, "source") else None
    return (p.line, p.confidence.value) if p is not None else (None, "")


def _leaf(parent: TreeNode[FieldRef], label: str, value: Any, line: int | None, conf: str, key: str | None = None, goto: str | None = None) -> None:
    text = Text()
    text.append(f"{label}: ", style="bold")
    shown = value.value if hasattr(value, "value") else value
    text.append(str(shown) if shown not in (None, "") else "—")
    if conf == Confidence.MANUAL.value:
        text.append("  manual", style="bold magenta")
    elif conf:
        text.append(f"  {conf}", style="dim" if conf == "explicit" else "yellow")
    if line:
        text.append(f"  L{line}", style="dim cyan")
    parent.add_leaf(text, data=FieldRef(label, str(shown) if shown is not None else "", line, conf, key, goto))


def _field(parent: TreeNode[FieldRef], obj: Any, attr: str, key: str | None, label: str | None = None) -> None:
    line, conf = _prov(obj, attr)
    _leaf(parent, label or attr, getattr(obj, attr), line, conf, key)


def build_tree(root: TreeNode[FieldRef], session: Session) -> None:
    """Fill ``root`` with the spec's extracted fields (override keys per wizard.overrides' dotted names)."""
    spec = session.spec
    overview = root.add("Overview", data=FieldRef("Overview", "", None))
    _field(overview, spec, "name", "name")
    _field(overview, spec, "category", "category")
    _field(overview, spec, "planning_mode", "planning_mode", "planning mode")
    _field(overview, spec, "dim_order", "dim_order", "input dims")

    params = root.add(f"Parameters ({len(spec.parameters)})", data=FieldRef("Parameters", "", None))
    for p in spec.parameters:
        node = params.add(Text.assemble((p.name, "bold"), (f"  {p.type}", "dim")), data=FieldRef(p.name, p.name, p.line))
        for attr in ("type", "required", "valid_range", "default", "description"):
            _field(node, p, attr, f"parameters.{p.name}.{attr}")

    reqs = root.add("Requirements", data=FieldRef("Requirements", "", None))
    for tensor, rows in spec.input_requirements.items():
        tnode = reqs.add(f"{tensor} ({len(rows)})", data=FieldRef(tensor, "", rows[0].line if rows else None))
        for i, r in enumerate(rows):
            line, conf = _prov(r, "requirement")
            _leaf(tnode, r.property, r.requirement, line or r.line, conf, f"input_requirements.{tensor}.{i}.requirement")
            if r.hint:
                line, conf = _prov(r, "hint")
                _leaf(tnode, f"{r.property} message", r.hint, line or r.line, conf, f"input_requirements.{tensor}.{i}.hint")

    out = root.add("Output", data=FieldRef("Output", "", None))
    for attr in ("shape", "padded_shape", "dtype", "layout", "memory_layout", "buffer_type"):
        _field(out, spec.output, attr, f"output.{attr}")

    cbs = root.add(f"Circular buffers ({len(spec.cbs)})", data=FieldRef("CBs", "", None))
    for cb in spec.cbs:
        manual = any(p.confidence is Confidence.MANUAL for p in cb.prov.values())
        label = Text.assemble((f"c_{cb.index} ", "bold"), cb.name, (f"  {cb.pages} {cb.page_kind.value}", "dim"))
        if manual:
            label.append("  manual", style="bold magenta")
        if cb.line:
            label.append(f"  L{cb.line}", style="dim cyan")
        cb_node = cbs.add(label, data=FieldRef(cb.name, cb.name, cb.line, goto="stage5"))
        for attr in ("pages", "page_kind", "data_format", "producer", "consumer", "lifetime", "purpose"):
            line, conf = _prov(cb, attr)
            _leaf(cb_node, attr, getattr(cb, attr), line or cb.line, conf, goto="stage5")

    work = root.add("Work distribution", data=FieldRef("Work", "", None))
    for attr in ("unit", "unit_size", "total_units", "strategy", "row_wise", "per_core", "remainder"):
        _field(work, spec.work, attr, f"work.{attr}")

    kernels = root.add(f"Kernels ({len(spec.kernels)})", data=FieldRef("Kernels", "", None))
    for k in spec.kernels:
        knode = kernels.add(Text.assemble((k.name, "bold"), (f"  {k.role.value}", "dim")), data=FieldRef(k.name, k.name, k.line))
        for attr in ("core", "inputs", "outputs", "function"):
            line, conf = _prov(k, attr)
            _leaf(knode, attr, getattr(k, attr), line or k.line, conf)

    warns = root.add(
        Text.assemble(("Warnings ", "bold"), (f"({len(spec.warnings)})", "yellow" if spec.warnings else "dim")),
        data=FieldRef("Warnings", "", None),
    )
    for w in spec.warnings:
        style = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "dim"}[w.severity]
        text = Text.assemble((f"L{w.line} " if w.line else "", "dim cyan"), (f"{w.severity.value}: ", style), w.message)
        warns.add_leaf(text, data=FieldRef("warning", w.message, w.line))
