"""Startup and edit-latency figures for the app (prints them; never asserts).

1. Median time from process start to the first painted screen, and peak RSS, for
   ``ttnn-wizard SPEC`` (the real CLI entry, headless, exiting on first paint via
   TTNN_WIZARD_EXIT_AFTER_PAINT) and for a bare Textual app with one Static measured the
   same way in the same run; the ratio (target <= 1.15).
2. Editing a CB cell (pages) until the L1 gauge and the Stage 5 preview are updated
   (in-process, run_test; target < 50 ms).

Usage: python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
import os, sys, time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        open(os.environ["PAINT_FILE"], "w").write(repr(time.time()))
        self.exit(0)
Bare().run(headless=True)
"""

WIZARD = """
import sys
from wizard.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _one(code: str, args: list[str], env_extra: dict[str, str]) -> tuple[float, float]:
    """(seconds from spawn to first paint, peak RSS MiB) of one child."""
    with tempfile.TemporaryDirectory() as tmp:
        paint = Path(tmp) / "paint"
        env = {**os.environ, "PAINT_FILE": str(paint), "TTNN_WIZARD_EXIT_AFTER_PAINT": str(paint), **env_extra}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        start = time.time()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0 or not paint.exists():
            raise SystemExit(f"child failed ({proc.returncode}): {err[-2000:]}")
        return float(paint.read_text()) - start, usage.ru_maxrss / 1024


def startup(runs: int) -> None:
    from wizard.workspace import create_demo_workspace

    ws = create_demo_workspace()
    spec = str(ws.spec_path)
    _one(BARE, [], {})  # warm the page cache / bytecode for both
    _one(WIZARD, [spec], {})
    bare, wiz = [], []
    for _ in range(runs):  # interleaved so machine noise hits both alike
        bare.append(_one(BARE, [], {}))
        wiz.append(_one(WIZARD, [spec], {}))
    b_t = statistics.median(t for t, _ in bare)
    w_t = statistics.median(t for t, _ in wiz)
    print(f"first paint, median of {runs}:")
    print(f"  bare Textual app (one Static): {b_t * 1000:7.1f} ms   peak RSS {max(r for _, r in bare):6.1f} MiB")
    print(f"  ttnn-wizard SPEC             : {w_t * 1000:7.1f} ms   peak RSS {max(r for _, r in wiz):6.1f} MiB")
    print(f"  ratio wizard / bare          : {w_t / b_t:7.2f}   (target <= 1.15)")
    heavy = [m for m in ("anthropic", "plumbum", "jinja2", "tree_sitter") if m in _modules_at_paint(spec)]
    print(f"  heavy modules loaded before first paint: {', '.join(heavy) or 'none'}")


def _modules_at_paint(spec: str) -> set[str]:
    code = WIZARD.replace("sys.exit(main(sys.argv[1:]))", "main(sys.argv[1:]); print(' '.join(sorted(sys.modules)))")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TTNN_WIZARD_EXIT_AFTER_PAINT": str(Path(tmp) / "p")}
        out = subprocess.run([sys.executable, "-c", code, spec], env=env, cwd=ROOT, capture_output=True, text=True).stdout
    return {m.split(".")[0] for m in out.split()}


async def edit_latency(samples: int) -> None:
    from textual.widgets import Input, TabbedContent

    from screens.app import WizardApp
    from screens.cb_form import CBForm
    from wizard.workspace import create_demo_workspace

    ws = create_demo_workspace()
    app = WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root)
    async with app.run_test(size=(160, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.goto("stage5")
        await pilot.pause()
        form = app.query_one(CBForm)
        cell = [w for w in form.query(Input) if w.name == "pages"][0]
        times, gauge_ms = [], []
        for i in range(samples):
            value = str(2 + (i % 5))
            t0 = time.perf_counter()
            cell.value = value  # Input.Changed -> validate, gauge, save, regenerate the preview
            await pilot.pause()
            times.append((time.perf_counter() - t0) * 1000)
            gauge_ms.append(form.last_update_ms)
        preview_files = app.query_one("#preview-5").paths
        print(f"CB cell edit -> gauge + Stage 5 preview updated ({samples} edits, {len(preview_files)} preview files):")
        print(f"  median {statistics.median(times):6.1f} ms   p95 {sorted(times)[int(0.95 * (len(times) - 1))]:6.1f} ms   (target < 50 ms)")
        print(f"  of which validate + gauge + save: median {statistics.median(gauge_ms):6.1f} ms")
        app.exit()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--edits", type=int, default=20)
    a = ap.parse_args()
    startup(a.runs)
    asyncio.run(edit_latency(a.edits))


if __name__ == "__main__":
    main()
