"""Benchmark: 200,000 lines from a real process into the console pane, in a headless app.

Prints: time until every line is in the Log (and a refresh followed), peak RSS and RSS growth, key-press-to-
handler latency while streaming (p50/p95/max), and the worst lag of a 20 ms timer.

Key latency: Pilot cannot measure it during streaming (its coroutine shares the app's loop and only sends a key
when the loop is already free, tooling.md 5). So a separate thread injects key events the way Textual's input
driver does (``loop.call_soon_threadsafe(app.post_message, Key)``) every 20 ms, stamped with the send time;
the key's binding handler records now - sent. The timer-lag figure is a second, independent view.

    python benchmarks/console.py [--lines N] [--max-lines M]
Targets (issue 5): all lines in < 5 s, p95 key latency < 50 ms, RSS growth < 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding  # noqa: E402

from screens.console import ConsolePane  # noqa: E402
from wizard.runner.process import start_local  # noqa: E402


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Bench(App[None]):
    BINDINGS = [Binding("k", "key_probe", "probe")]

    def __init__(self, max_lines: int) -> None:
        super().__init__()
        self.max_lines = max_lines
        self.sent: dict[int, float] = {}
        self.latencies: list[float] = []
        self.timer_lags: list[float] = []
        self._next_tick = 0.0
        self._probe_seq = 0

    def compose(self) -> ComposeResult:
        yield ConsolePane(max_lines=self.max_lines)

    def on_mount(self) -> None:
        self._next_tick = time.perf_counter() + 0.02
        self.set_interval(0.02, self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.timer_lags.append(max(0.0, now - self._next_tick))
        self._next_tick = now + 0.02

    def action_key_probe(self) -> None:
        # keys are handled in order: the oldest outstanding send belongs to this press
        if self.sent:
            seq = min(self.sent)
            self.latencies.append(time.perf_counter() - self.sent.pop(seq))


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def run(n: int, max_lines: int) -> None:
    app = Bench(max_lines)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(ConsolePane)
        pane.log_widget.focus()  # the user watches the log (the search box would take printable keys)
        await pilot.pause()
        rss0 = rss_mb()
        loop = asyncio.get_running_loop()
        done = threading.Event()

        def keys() -> None:
            seq = 0
            while not done.is_set():
                seq += 1
                app.sent[seq] = time.perf_counter()
                loop.call_soon_threadsafe(app.post_message, events.Key("k", "k"))
                time.sleep(0.02)

        # baseline: the same key probe for 1 s with nothing streaming (shows what the machine's load alone costs)
        keyer0 = threading.Thread(target=keys, daemon=True)
        keyer0.start()
        await asyncio.sleep(1.0)
        done.set()
        keyer0.join()
        await pilot.pause(0.1)
        idle = [x * 1000 for x in app.latencies]
        app.latencies.clear()
        app.sent.clear()
        done.clear()

        code = f"for i in range({n}): print('test_stage6.py::test_case[', i, '] PASSED')"
        t0 = time.perf_counter()
        # a bulk Python producer: PYTHONUNBUFFERED unset, else it writes each line separately (tooling.md 0)
        proc = start_local([sys.executable, "-c", code], unset=("PYTHONUNBUFFERED",))
        reader = threading.Thread(target=proc.stream, args=(pane.write_line,), kwargs={"on_lines": pane.write_lines},
                                  daemon=True)
        keyer = threading.Thread(target=keys, daemon=True)
        app.timer_lags.clear()
        reader.start()
        keyer.start()
        while pane.lines_written < n:
            await asyncio.sleep(0.01)
            if time.perf_counter() - t0 > 120:
                break
        await pilot.pause()  # a refresh after the last write
        elapsed = time.perf_counter() - t0
        done.set()
        keyer.join()
        reader.join(10)
        await pilot.pause(0.2)
        peak = rss_mb("VmHWM")
        rss1 = rss_mb()
        lat = [x * 1000 for x in app.latencies]
        lags = [x * 1000 for x in app.timer_lags]
        shown = len(pane.log_widget.lines)
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(f"lines: {pane.lines_written:,} written, {shown:,} kept in the Log (max_lines={max_lines:,})")
        print(f"time until all lines written + refreshed: {elapsed:.2f} s   (target < 5 s)")
        print(f"RSS: start {rss0:.0f} MB, end {rss1:.0f} MB, peak {peak:.0f} MB; growth {rss1 - rss0:.0f} MB "
              f"(peak - start {peak - rss0:.0f} MB; target < 100 MB)")
        print(f"key latency idle, no streaming (n={len(idle)}): p50 {pct(idle, 50):.1f} ms, "
              f"p95 {pct(idle, 95):.1f} ms, max {max(idle) if idle else float('nan'):.1f} ms")
        print(f"key latency while streaming (n={len(lat)}): p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms, "
              f"max {max(lat) if lat else float('nan'):.1f} ms   (target p95 < 50 ms)")
        fl = list(pane.flush_ms)
        print(f"UI-side cost per 50 ms flush (n={len(fl)}): p50 {pct(fl, 50):.1f} ms, p95 {pct(fl, 95):.1f} ms, "
              f"max {max(fl) if fl else float('nan'):.1f} ms")
        print(f"20 ms timer lag while streaming (n={len(lags)}): p95 {pct(lags, 95):.1f} ms, "
              f"max {max(lags) if lags else float('nan'):.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--max-lines", type=int, default=20_000)
    args = ap.parse_args()
    asyncio.run(run(args.lines, args.max_lines))


if __name__ == "__main__":
    main()
