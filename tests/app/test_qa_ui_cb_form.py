"""QA (helper L): the CB form under garbage input, as a demanding engineer types it.

Pages that parse but cannot size a CB (``-3``, ``0``, ``1/0``) are marked in place, not only listed;
a bad cell is reported once, not twice; and nothing typed is lost when the connection drops while
one cell is still invalid (the draft table is saved and comes back, marked).
"""

from __future__ import annotations


import pytest

from screens.cb_form import CBForm
from wizard.workspace import DemoWorkspace
from pilot_helpers import cell, loaded, make_app, open_step

SIZE = (120, 40)


async def settle(pilot: object) -> None:
    """Let the app's debounced preview (0.12 s) run before the test leaves: see the strict xfail below."""
    await pilot.pause(0.3)  # type: ignore[attr-defined]


@pytest.mark.parametrize("pages", ["-3", "0", "1/0"])
async def test_pages_that_cannot_size_a_cb_are_marked_in_place(ws: DemoWorkspace, pages: str) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        c = cell(app, 0, "pages")
        c.value = pages
        await pilot.pause()
        await pilot.pause()
        form = app.query_one(CBForm)
        assert form.errors, "generation must be blocked"
        assert app.blockers(5)
        assert c.has_class("-invalid"), f"pages {pages!r} blocks generation but the cell is not marked"
        assert not cell(app, 1, "pages").has_class("-invalid")
        c.value = "4"
        await pilot.pause()
        await pilot.pause()
        assert not c.has_class("-invalid") and not form.errors
        await settle(pilot)


async def test_a_bad_cell_is_reported_once(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        cell(app, 0, "pages").value = "lots"
        await pilot.pause()
        await pilot.pause()
        errors = app.query_one(CBForm).errors
        assert len([e for e in errors if "lots" in e]) == 1, errors
        await settle(pilot)


async def test_edits_made_while_a_cell_is_invalid_survive_a_dropped_connection(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        cell(app, 0, "pages").value = "lots"  # half-typed, invalid
        await pilot.pause()
        cell(app, 1, "pages").value = "7"  # a good edit in another row
        await pilot.pause()
        await pilot.pause()
        app.session.save()  # what the save-after-frame hook has done by the time the SSH link drops
        await settle(pilot)
    # A new process: only what is on disk counts.
    app2 = make_app(ws)
    async with app2.run_test(size=SIZE) as pilot:
        await loaded(app2, pilot)
        app2.goto("stage5")
        await pilot.pause()
        assert cell(app2, 1, "pages").value == "7", "a valid edit made while another cell was invalid was lost"
        bad = cell(app2, 0, "pages")
        assert bad.value == "lots" and bad.has_class("-invalid")
        assert app2.blockers(5), "the restored draft still blocks generation"
        bad.value = "2"
        await pilot.pause()
        await pilot.pause()
        assert [cb.pages for cb in app2.session.spec.cbs][:2] == ["2", "7"]
        assert "cb_draft" not in app2.session.ui, "a table that is valid again is saved, not kept as a draft"
        await settle(pilot)


async def test_renaming_a_cb_key_by_key_keeps_its_spec_fields(ws: DemoWorkspace) -> None:
    """Typing a new name saves after every key; the CB must stay the spec's CB (purpose, line), only its name manual."""
    from wizard.model import Confidence

    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        original = app.session.spec.cbs[0]
        assert original.line and original.purpose
        name = cell(app, 0, "name")
        for typed in ("a", "ab", "abc"):
            name.value = typed
            await pilot.pause()
            await pilot.pause()
        cb = app.session.spec.cbs[0]
        assert cb.name == "abc"
        assert cb.purpose == original.purpose and cb.line == original.line, "the renamed CB lost the spec's fields"
        manual = {k for k, p in cb.prov.items() if p.confidence is Confidence.MANUAL}
        assert manual == {"name"}, manual
        await settle(pilot)


async def test_stage5_banner_does_not_repeat_the_cb_forms_list(ws: DemoWorkspace) -> None:
    """At 80x24 every line counts: the CB problems are listed under the table once; the banner above summarises."""
    from textual.widgets import Static

    app = make_app(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(app, pilot, "stage5")
        cell(app, 0, "pages").value = "lots"
        await pilot.pause()
        await pilot.pause()
        banner = str(app.stage_panes[5].query_one(".banner", Static).render())
        listed = str(app.query_one("#cb-errors", Static).render())
        assert "lots" in listed
        assert "lots" not in banner, banner
        assert "CB table" in banner and "1 problem" in banner, banner
        await settle(pilot)


async def test_a_duplicate_index_is_reported_once_and_marked(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        await open_step(app, pilot, "stage5")
        idx = cell(app, 1, "index")
        idx.value = "0"
        await pilot.pause()
        await pilot.pause()
        errors = app.query_one(CBForm).errors
        assert len(errors) == 1 and "already used by row 1" in errors[0], errors
        assert idx.has_class("-invalid")
        await settle(pilot)
