"""The Tests step's "run on" row: --host/--remote-root reach the runner, a bad host is marked in place and never
starts a run, the choice is remembered in the session and survives a reopen (the SSH run itself is in
tests/system/test_app_remote.py, against a real sshd)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Label

from screens.app import WizardApp
from wizard.workspace import DemoWorkspace
from pilot_helpers import make_app

SIZE = (80, 24)


async def open_tests(app: WizardApp, pilot: Any) -> Any:
    assert await app.wait_ready(), app.load_error
    app.goto("tests")
    await pilot.pause()
    await pilot.pause()
    return app.query_one("#tests")


async def test_host_from_cli_is_shown_used_and_remembered(ws: DemoWorkspace) -> None:
    app = make_app(ws, host="me@box:2222", remote_root="/srv/tt-metal")
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_tests(app, pilot)
        assert pane.query_one("#tests-host", Input).value == "me@box:2222"
        assert pane.query_one("#tests-root", Input).value == "/srv/tt-metal"
        assert pane.query_one("#tests-root", Input).display
        assert pane.where() == ("me@box:2222", "/srv/tt-metal")
        assert app.session.ui["run_host"] == "me@box:2222"
    # reopened without --host: the session remembers where the tests run
    app2 = make_app(ws)
    async with app2.run_test(size=SIZE) as pilot:
        pane = await open_tests(app2, pilot)
        assert pane.where() == ("me@box:2222", "/srv/tt-metal")


async def test_empty_host_means_this_machine_and_hides_the_checkout_field(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_tests(app, pilot)
        assert pane.where() == (None, None)
        assert not pane.query_one("#tests-root", Input).display
        assert not pane.query_one("#tests-root-lbl", Label).display
        # the run button is fully visible at 80 columns (it used to be cut off)
        run = pane.query_one("#tests-run")
        assert run.region.right <= app.size.width and run.region.width >= len("Run (r)")


async def test_bad_host_is_marked_not_remembered_and_does_not_run(ws: DemoWorkspace) -> None:
    app = make_app(ws)
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_tests(app, pilot)
        host = pane.query_one("#tests-host", Input)
        host.focus()
        await pilot.press(*"me@box;rm")
        await pilot.pause()
        assert host.has_class("-invalid")
        assert "user@box" in str(host.tooltip)
        assert app.session.ui.get("run_host", "") in ("", "me@box")  # never the bad text
        pane.action_run()
        await pilot.pause()
        assert not pane.console.running
        assert any("run on:" in n.message for n in app._notifications)
        # fixed: the mark goes and the host is remembered
        for _ in range(3):
            await pilot.press("backspace")
        await pilot.pause()
        assert not host.has_class("-invalid")
        assert app.session.ui["run_host"] == "me@box"


async def test_remote_host_without_checkout_asks_for_it(ws: DemoWorkspace) -> None:
    app = make_app(ws, host="me@box")
    async with app.run_test(size=SIZE) as pilot:
        pane = await open_tests(app, pilot)
        pane.action_run()
        await pilot.pause()
        assert not pane.console.running
        assert any("checkout" in n.message for n in app._notifications)
        assert app.focused is pane.query_one("#tests-root", Input)
