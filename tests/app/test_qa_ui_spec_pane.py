"""QA (helper L): the Spec step as an engineer uses it at 80x24 over SSH.

Selecting a field must show its source line from column 0 (not scrolled sideways to the line's
end), and the override dialog must say what the spec says, not the current override.
"""

from __future__ import annotations


from textual.widgets import Input, Label, Static, TextArea, Tree

from screens.app import WizardApp
from screens.spec_pane import EditValueScreen
from wizard.workspace import DemoWorkspace
from pilot_helpers import loaded, make_app, until


def _node(tree: Tree, label_start: str) -> int:
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.label.plain.startswith(label_start):
            return line
    raise AssertionError(f"no tree node {label_start!r}")


async def _edit_field(app: WizardApp, pilot: object, label: str) -> None:
    """Select the extracted field ``label`` in the tree and press e (its override dialog opens)."""
    tree = app.query_one("#spec-tree", Tree)
    tree.focus()
    tree.cursor_line = _node(tree, label)
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("e")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_selecting_a_field_shows_its_source_line_from_column_0(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        tree = app.query_one("#spec-tree", Tree)
        tree.focus()
        tree.cursor_line = _node(tree, "category:")
        for _ in range(4):
            await pilot.pause()
        ta = app.query_one("#spec-text", TextArea)
        ref = tree.cursor_node.data
        assert ref is not None and ref.line
        sel = ta.selection
        assert {sel.start[0], sel.end[0]} == {ref.line - 1}, "the field's source line is selected"
        assert ta.selected_text.strip().startswith("- **Category**")
        assert ta.scroll_offset.x == 0, "the markdown scrolled sideways: the line's start (and numbers) are hidden"


async def test_override_dialog_shows_the_spec_value_not_the_override(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        spec_value = app.session.raw_spec.planning_mode
        assert spec_value
        app.session.set_override("planning_mode", "Fused")
        app.spec_pane.refresh_fields()
        await _edit_field(app, pilot, "planning mode:")
        assert isinstance(app.screen, EditValueScreen)
        texts = " | ".join(str(lbl.render()) for lbl in app.screen.query(Label))
        assert f"from the spec: {spec_value}" in texts, texts
        assert app.screen.query_one(Input).value == "Fused", "the field starts from the current value"
        await pilot.press("escape")


def test_spec_value_follows_every_override_key_of_the_tree(ws: DemoWorkspace) -> None:
    from screens.spec_pane import spec_value
    from wizard.spec import parse_spec

    raw = parse_spec(ws.spec_path)
    p = raw.parameters[0]
    assert spec_value(raw, f"parameters.{p.name}.type") == str(p.type)
    tensor, rows = next(iter(raw.input_requirements.items()))
    assert spec_value(raw, f"input_requirements.{tensor}.0.requirement") == rows[0].requirement
    assert spec_value(raw, "output.layout") == str(getattr(raw.output.layout, "value", raw.output.layout))
    assert spec_value(raw, "work.total_units") == str(raw.work.total_units)
    assert spec_value(raw, "parameters.no_such_param.type") is None


async def test_input_dims_override_from_the_spec_pane_reaches_the_forms(ws: DemoWorkspace) -> None:
    """Reading the sample shape as NHWC is a spec-pane edit like any other: saved as manual, and the CB form's
    shape label and the work form's summary follow."""
    app = make_app(ws)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        await _edit_field(app, pilot, "input dims:")
        assert isinstance(app.screen, EditValueScreen)
        field = app.screen.query_one(Input)
        assert field.value == "NCHW"
        field.value = "nhwc"
        await pilot.press("enter")
        assert await until(pilot, lambda: app.session.spec.dim_order == "NHWC"), app.session.spec.dim_order
        assert app.session.state.overrides["dim_order"] in ("nhwc", "NHWC")
        app.goto("stage5")
        shape_label = lambda: " ".join(str(w.render()) for w in app.query("#sample-shape-lbl"))  # noqa: E731
        assert await until(pilot, lambda: "N,H,W,C" in shape_label()), shape_label()
        app._tabs5().active = "tab-work"  # a hidden tab redraws when shown
        summary = lambda: str(app.query_one("#work-summary", Static).render())  # noqa: E731
        assert await until(pilot, lambda: "1×32×32×64 (NHWC)" in summary()), summary()
