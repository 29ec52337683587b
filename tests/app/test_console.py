"""The console pane under Pilot: batched streaming with bounded memory, search, a real run with results and
jump-to-file, and Stop."""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from screens.console import ConsolePane

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


class Host(App[None]):
    def __init__(self, max_lines: int = 20_000) -> None:
        super().__init__()
        self.max_lines = max_lines
        self.jumps: list[tuple[Path, int]] = []
        self.finished: list[Any] = []

    def compose(self) -> ComposeResult:
        yield ConsolePane(id="pane", max_lines=self.max_lines)

    def on_console_pane_jump_to(self, message: ConsolePane.JumpTo) -> None:
        self.jumps.append((message.path, message.line))

    def on_console_pane_finished(self, message: ConsolePane.Finished) -> None:
        self.finished.append(message.result)


async def _until(pilot: Any, cond: Any, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def _checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Path]:
    from wizard.profiles import load_profile
    from wizard.runner import Runner

    root = tmp_path / "tt-metal"
    op_dir = root / "ttnn/cpp/ttnn/operations/demo/runner_op"
    shutil.copytree(FIXTURES / "runner_op", op_dir, ignore=shutil.ignore_patterns("conftest.py", "__pycache__"))
    (root / "tt_metal").mkdir()
    smi = str(FIXTURES / "bin" / "tt-smi")
    monkeypatch.setenv("FAKE_TT_SMI_LOG", str(tmp_path / "smi.log"))
    profile = dataclasses.replace(load_profile("wormhole_n150"), list_cmd=[smi, "-ls"],
                                  reset_cmd=[smi, "-r", "{device_id}"], stage_timeout=120.0,
                                  test_env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    (tmp_path / "locks").mkdir()
    return Runner(op_dir, profile, lock_dir=str(tmp_path / "locks"), grace=2.0), op_dir


async def test_streaming_is_batched_and_bounded() -> None:
    app = Host(max_lines=1000)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(ConsolePane)

        def produce() -> None:
            for i in range(5000):
                pane.write_line(f"line {i} PASSED" if i % 7 == 0 else f"line {i}")

        threading.Thread(target=produce).start()
        await _until(pilot, lambda: pane.lines_written == 5000)
        log = pane.log_widget
        assert len(log.lines) == 1000  # max_lines: older lines dropped from the widget
        assert log.lines[-1] == "line 4999"


async def test_search_jumps_between_matches() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ConsolePane)
        pane.write_lines([f"needle {i}" if i in (40, 120, 250) else f"hay {i}" for i in range(300)])
        await _until(pilot, lambda: pane.lines_written == 300)
        await pilot.press("ctrl+f")
        await pilot.press(*"needle")
        assert pane.match_lines == [40, 120, 250]
        status = app.query_one("#console-status", Static)
        assert "match 1/3" in str(status.render())
        await pilot.press("enter")
        assert "match 2/3 at line 121" in str(status.render())
        log = pane.log_widget
        assert log.scroll_y <= 120 < log.scroll_y + log.size.height  # the match is on screen


async def test_run_shows_results_and_jumps_to_the_kernel_line(tmp_path: Path, monkeypatch) -> None:
    runner, op_dir = _checkout(tmp_path, monkeypatch)
    app = Host()
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.query_one(ConsolePane)
        pane.start(runner, 5, build=False)
        await _until(pilot, lambda: app.finished)
        result = app.finished[0]
        assert result.status.value == "failed"
        table = app.query_one("#console-results", DataTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[1] == "compile error"
        assert any("FAILED" in ln for ln in pane.log_widget.lines)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.jumps == [(op_dir / "device/kernels/dataflow/reader_runner_op.cpp", 17)]


async def test_stop_from_the_pane(tmp_path: Path, monkeypatch) -> None:
    runner, _ = _checkout(tmp_path, monkeypatch)
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(ConsolePane)
        pane.start(runner, 6, build=False)
        await _until(pilot, lambda: any("cb_wait_front" in ln for ln in pane.log_widget.lines))
        assert pane.running
        pane.log_widget.focus()
        await pilot.press("ctrl+x")
        await _until(pilot, lambda: app.finished, timeout=30)
        assert app.finished[0].status.value == "stopped"
        assert not pane.running
