"""The test console pane: a live log of a stage run (with search) beside the per-test results table.

API for the app (helper G):

    pane = ConsolePane(max_lines=20_000)          # mount it anywhere
    pane.start(runner, stage, expect=None, build=True, timeout=None)   # runner: wizard.runner.Runner
    pane.stop()                                   # SIGTERM/SIGKILL the run's process groups (ours only)
    pane.running                                  # bool
    pane.write_line(text) / pane.write_lines(seq) # thread-safe; e.g. the offline compile check's output
    pane.show_result(result)                      # fill the table from a RunResult (done by start())
    pane.clear()

Messages (bubble to the app):
    ConsolePane.Started(stage)                    # a run began
    ConsolePane.Finished(result)                  # a run ended: wizard.runner.RunResult
    ConsolePane.JumpTo(path, line)                # the user picked a failure; open path (local) at line

Streaming follows the measurements in tooling.md 5: lines from the runner thread go into a deque; a 50 ms
timer writes them to a ``Log`` in one ``write_lines`` call (one call per line would starve the UI), and
``max_lines`` bounds memory (every line is in the run's log file anyway). PASS/FAIL/error lines are coloured
by a highlighter at render time, so only visible lines cost anything.
"""

from __future__ import annotations

import collections
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Log, Static

from screens.ordered_input import OrderedInput

FLUSH_SECONDS = 0.05
FLUSH_MAX_LINES = 4000  # per tick: ~5 ms of Log work here; 80k lines/s of display throughput
DEFAULT_MAX_LINES = 20_000

_RULES: list[tuple[str, Style]] = [
    (r"\b(PASSED|passed|XPASS)\b", Style(color="green", bold=True)),
    (r"\b(FAILED|failed|ERROR|Error|error:|TT_FATAL|TT_THROW)\b", Style(color="red", bold=True)),
    (r"\b(SKIPPED|skipped|XFAIL|xfail)\b", Style(color="yellow")),
    (r"^ttnn-wizard: .*", Style(color="cyan")),
    (r"[\w./+-]+\.(?:cpp|hpp|h|py):\d+", Style(underline=True)),
]


class ConsoleHighlighter(Highlighter):
    def highlight(self, text: Text) -> None:
        for pattern, style in _RULES:
            text.highlight_regex(pattern, style)


class ConsoleLog(Log):
    """A Log whose width bookkeeping is cheap for floods of plain text.

    Log measures every new line's cell width in a thread worker per write; that worker holds the GIL while
    it loops, so the UI stalls anyway, and one thread per 50 ms flush adds up. Plain ASCII lines without tabs
    are as wide as they are long, so measure those with len() here and only the rest with cell_len.
    (Overrides Log._update_size of Textual 8.x; pinned in pyproject.)
    """

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        if not lines:
            return
        width = 0
        slow = []
        for line in lines:
            if line.isascii() and "\t" not in line and line.isprintable():
                if len(line) > width:
                    width = len(line)
            else:
                slow.append(line)
        if slow:
            width = max(width, max(cell_len(self._process_line(line)) for line in slow))
        self._update_maximum_width(updates, width)


class ConsolePane(Widget):
    """Live stage-run console: log + search on the left, results on the right."""

    DEFAULT_CSS = """
    ConsolePane { height: 1fr; }
    ConsolePane > Horizontal { height: 1fr; }
    ConsolePane #console-left { width: 3fr; }
    ConsolePane #console-search { height: 3; }
    ConsolePane #console-status { height: 1; color: $text-muted; }
    ConsolePane #console-log { height: 1fr; }
    ConsolePane #console-results { width: 2fr; min-width: 30; height: 1fr; }
    """

    BINDINGS = [
        Binding("ctrl+f,slash", "focus_search", "Search", tooltip="search the console output"),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "prev_match", "Prev match", show=False),
        Binding("ctrl+x", "stop", "Stop run", tooltip="stop the running tests (only the processes we started)"),
    ]

    class Started(Message):
        def __init__(self, stage: int) -> None:
            super().__init__()
            self.stage = stage

    class Finished(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result  # wizard.runner.RunResult

    class JumpTo(Message):
        def __init__(self, path: Path, line: int) -> None:
            super().__init__()
            self.path = path
            self.line = line

    def __init__(self, *, max_lines: int = DEFAULT_MAX_LINES, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_lines = max_lines
        self._pending: collections.deque[str] = collections.deque()
        self._runner: Any = None
        self._result: Any = None
        self._matches: list[int] = []
        self._match_i = -1
        self._rows: list[Any] = []  # TestResult (or run-level Failure) per table row
        self.lines_written = 0  # lines handed to the Log (benchmarks, tests)
        self.flush_ms: collections.deque[float] = collections.deque(maxlen=2000)  # UI-side cost per flush

    # ---- layout ---------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="console-left"):
                yield OrderedInput(placeholder="search the output (Enter: next match, n / N)", id="console-search")
                yield Static("", id="console-status")
                log = ConsoleLog(id="console-log", highlight=True, max_lines=self.max_lines)
                log.highlighter = ConsoleHighlighter()
                yield log
            table: DataTable[Any] = DataTable(id="console-results", cursor_type="row", zebra_stripes=True)
            yield table

    def on_mount(self) -> None:
        table = self.query_one("#console-results", DataTable)
        # name last: a narrow pane cuts the long parametrised test names, not the outcome and the class
        table.add_columns("outcome", "class", "time", "test")
        self.set_interval(FLUSH_SECONDS, self._flush)

    @property
    def log_widget(self) -> Log:
        return self.query_one("#console-log", Log)

    # ---- feeding --------------------------------------------------------------------------------------
    def write_line(self, line: str) -> None:
        """Queue one line; safe from any thread (deque.append is atomic)."""
        self._pending.append(line)

    def write_lines(self, lines: Iterable[str]) -> None:
        self._pending.extend(lines)

    def _flush(self) -> None:
        """Move queued lines into the Log: at most FLUSH_MAX_LINES per tick, so one tick stays a few ms.

        In a flood, lines older than the newest ``max_lines`` are skipped (the Log would prune them at once;
        every line is in the run's log file), so the view catches up with the end of the output quickly.
        """
        pending = self._pending
        if not pending:
            return
        t0 = time.perf_counter()
        excess = len(pending) - self.max_lines
        pop = pending.popleft
        for _ in range(max(0, excess)):
            pop()
        n = min(len(pending), FLUSH_MAX_LINES)
        batch = [pop() for _ in range(n)]
        self.lines_written += n + max(0, excess)
        self.log_widget.write_lines(batch)
        self.flush_ms.append((time.perf_counter() - t0) * 1000)

    def clear(self) -> None:
        self._pending.clear()
        self.log_widget.clear()
        self.query_one("#console-results", DataTable).clear()
        self._rows = []
        self._matches, self._match_i = [], -1
        self._status("")

    # ---- running --------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def result(self) -> Any:
        return self._result

    def start(self, runner: Any, stage: int, *, expect: str | None = None, build: bool = True,
              timeout: float | None = None) -> None:
        """Run ``runner.run_stage(stage, ...)`` in a thread; output streams in; Finished is posted at the end."""
        if self._runner is not None:
            self.notify("a run is already in progress (ctrl+x stops it)", severity="warning")
            return
        self.clear()
        self._runner = runner
        self._result = None
        where = f" on {runner.host}" if getattr(runner, "host", None) else ""
        self._status(f"stage {stage}{where}: running…")
        self.post_message(self.Started(stage))
        self._run_worker(runner, stage, expect, build, timeout)

    @work(thread=True, exclusive=True, group="console-run")
    def _run_worker(self, runner: Any, stage: int, expect: str | None, build: bool, timeout: float | None) -> None:
        from wizard.errors import WizardError

        try:
            result = runner.run_stage(stage, on_line=self.write_line, on_lines=self.write_lines, expect=expect,
                                      build=build, timeout=timeout)
        except WizardError as exc:  # bad input: say it in the console, keep the app running
            self.write_line(f"ttnn-wizard: {exc}")
            result = None
        except Exception as exc:  # noqa: BLE001 - never let a run take the app down
            self.write_line(f"ttnn-wizard: the run failed: {exc.__class__.__name__}: {exc}")
            result = None
        self.app.call_from_thread(self._done, result)

    def _done(self, result: Any) -> None:
        self._flush()
        self._runner = None
        self._result = result
        if result is not None:
            self.show_result(result)
            self._status(result.summary() + (f"  [{result.tdd.upper()} recorded]" if result.tdd else ""))
        else:
            self._status("the run did not start (see the output)")
        self.post_message(self.Finished(result))

    def stop(self) -> None:
        if self._runner is not None:
            self._status("stopping…")
            self._runner.stop()

    def action_stop(self) -> None:
        self.stop()

    # ---- results --------------------------------------------------------------------------------------
    def show_result(self, result: Any) -> None:
        table = self.query_one("#console-results", DataTable)
        table.clear()
        self._rows = []
        colour = {"passed": "green", "failed": "red", "error": "red", "skipped": "yellow"}
        for t in result.tests:
            kind = t.failure.kind.value if t.failure is not None else ""
            table.add_row(Text(t.outcome.value, style=colour.get(t.outcome.value, "")), kind, f"{t.duration:.2f}s",
                          t.name)
            self._rows.append(t)
        if result.failure is not None:
            table.add_row(Text(result.status.value, style="bold red"), result.failure.kind.value,
                          f"{result.duration:.1f}s", "(the run)")
            self._rows.append(result.failure)
        if not result.tests and result.failure is None and result.message:
            table.add_row(Text(result.status.value, style="yellow"), "", f"{result.duration:.1f}s", "(the run)")
            self._rows.append(None)

    @on(DataTable.RowSelected, "#console-results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        i = event.cursor_row
        if not 0 <= i < len(self._rows) or self._rows[i] is None:
            return
        row = self._rows[i]
        failure = getattr(row, "failure", row)
        if failure is None or not hasattr(failure, "kind"):
            # a passed/skipped test: jump to the test itself when junit said where it is
            self._jump(getattr(row, "file", None), getattr(row, "line", None))
            return
        self._status(f"{failure.kind.value}: {failure.summary} — next: {failure.next_step}")
        self._jump(failure.path, failure.line)

    def _jump(self, path: str | None, line: int | None) -> None:
        if not path:
            return
        local = self._local_path(path)
        if local is None:
            self.notify(f"not found on this machine: {path}", severity="warning")
            return
        self.post_message(self.JumpTo(local, int(line or 1)))

    def _local_path(self, path: str) -> Path | None:
        result = self._result
        mapper = getattr(result, "local_path", None)
        if callable(mapper):
            return mapper(path)
        p = Path(path)
        return p if p.is_file() else None

    # ---- search ---------------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#console-search", Input).focus()

    @on(Input.Changed, "#console-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._find(event.value, first=True)

    @on(Input.Submitted, "#console-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if not self._matches or event.value != getattr(self, "_query", None):
            self._find(event.value, first=True)
        else:
            self._step(1)

    def _find(self, query: str, *, first: bool) -> None:
        self._query = query
        if not query:
            self._matches, self._match_i = [], -1
            self._status("")
            return
        try:
            rx = re.compile(query, re.IGNORECASE)
        except re.error:
            rx = re.compile(re.escape(query), re.IGNORECASE)
        lines = self.log_widget.lines
        self._matches = [i for i, ln in enumerate(lines) if rx.search(ln)]
        self._match_i = -1
        if not self._matches:
            self._status(f"no match for {query!r}")
            return
        self._step(1)

    def _step(self, delta: int) -> None:
        if not self._matches:
            return
        self._match_i = (self._match_i + delta) % len(self._matches)
        y = self._matches[self._match_i]
        log = self.log_widget
        log.auto_scroll = False  # stay on the match while output keeps coming
        log.scroll_to(y=max(0, y - log.size.height // 2), animate=False)
        self._status(f"match {self._match_i + 1}/{len(self._matches)} at line {y + 1}")

    def action_next_match(self) -> None:
        self._step(1)

    def action_prev_match(self) -> None:
        self._step(-1)

    def follow(self) -> None:
        """Back to following the output (auto-scroll to the end)."""
        log = self.log_widget
        log.auto_scroll = True
        log.scroll_end(animate=False)

    def _status(self, text: str) -> None:
        try:
            self.query_one("#console-status", Static).update(text)
        except Exception:  # noqa: BLE001 - not mounted yet / being removed
            pass

    @property
    def match_lines(self) -> list[int]:
        return list(self._matches)
