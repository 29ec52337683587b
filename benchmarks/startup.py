"""Startup and edit-latency figures for the app (prints them; never asserts).

1. Median time from process start to the first painted screen, and peak RSS, for
   ``ttnn-wizard SPEC`` (the real CLI entry, headless, exiting on first paint via
   TTNN_WIZARD_EXIT_AFTER_PAINT) and for a bare Textual app with one Static measured the
   same way in the same run; the ratio (target <= 1.15).
2. Editing a CB cell (pages) until the L1 gauge and the Stage 5 preview are updated
   (in-process, run_test; target < 50 ms).

Usage: python benchmarks/startup.py [--runs 9] [--edits 20]
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


LAST_FRAME: dict[str, list[str]] = {}  # what the wizard's first frame showed (its exit hook says)


def _one(code: str, args: list[str], env_extra: dict[str, str]) -> tuple[float, float, float]:
    """(seconds from spawn to first paint, peak RSS MiB, CPU seconds of the whole run) of one child.

    The CPU time (user + system, to exit right after the first paint) is much less sensitive to
    other processes on a shared machine than the wall time."""
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
        lines = paint.read_text().splitlines()
        LAST_FRAME[code] = lines[1:]
        return float(lines[0]) - start, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def startup(runs: int) -> None:
    from wizard.workspace import create_demo_workspace

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    ws = create_demo_workspace()
    spec = str(ws.spec_path)
    _one(BARE, [], {})  # warm the page cache / bytecode for both
    _one(WIZARD, [spec], {})
    bare, wiz = [], []
    for _ in range(runs):  # interleaved so machine noise hits both alike
        bare.append(_one(BARE, [], {}))
        wiz.append(_one(WIZARD, [spec], {}))
    b_t, w_t = (statistics.median(t for t, _, _ in xs) for xs in (bare, wiz))
    b_c, w_c = (statistics.median(c for _, _, c in xs) for xs in (bare, wiz))
    print(f"first paint, median of {runs} (wall time from spawn; CPU time of the process to its exit after that paint):")
    for name, xs, t, c in (("bare Textual app (one Static)", bare, b_t, b_c), ("ttnn-wizard SPEC             ", wiz, w_t, w_c)):
        print(f"  {name}: {t * 1000:7.1f} ms   cpu {c * 1000:7.1f} ms   peak RSS {max(r for _, r, _ in xs):6.1f} MiB")
    print(f"  ratio wizard / bare          : {w_t / b_t:7.2f}   cpu {w_c / b_c:5.2f}   (target <= 1.15)")
    print("  the wizard's first frame, as its exit hook saw it:")
    for line in LAST_FRAME.get(WIZARD, []):
        print(f"    {line}")
    heavy = [m for m in ("anthropic", "plumbum", "jinja2", "tree_sitter") if m in _modules_at_paint(spec)]
    print(f"  heavy modules loaded before first paint: {', '.join(heavy) or 'none'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _modules_at_paint(spec: str) -> set[str]:
    code = WIZARD.replace("sys.exit(main(sys.argv[1:]))", "main(sys.argv[1:]); print(' '.join(sorted(sys.modules)))")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TTNN_WIZARD_EXIT_AFTER_PAINT": str(Path(tmp) / "p")}
        out = subprocess.run([sys.executable, "-c", code, spec], env=env, cwd=ROOT, capture_output=True, text=True).stdout
    return {m.split(".")[0] for m in out.split()}


async def edit_latency(samples: int) -> None:
    from textual.widgets import Input

    from screens.app import PREVIEW_DEBOUNCE, WizardApp
    from screens.cb_form import CBForm
    from wizard.workspace import create_demo_workspace

    ws = create_demo_workspace()
    app = WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root)
    async with app.run_test(size=(160, 48)) as pilot:
        assert await app.wait_ready(), app.load_error
        await pilot.pause()
        app.goto("stage5")
        await pilot.pause()
        form = app.query_one(CBForm)
        tabs = app._tabs5()
        preview = app.query_one("#preview-5")
        cell = next(w for w in form.query(Input) if w.name == "pages")
        edit_ms, show_ms, gauge_ms, edit_cpu, show_cpu, live_ms = [], [], [], [], [], []
        live = app.query_one("#preview-5-live")
        for i in range(samples):
            tabs.active = "tab-cbs"
            await pilot.pause()
            assert await app.wait_idle()
            value = f"{2 + (i % 5)}*Wt"
            t0, c0 = time.perf_counter(), time.process_time()
            cell.value = value  # Input.Changed -> validate, gauge, bytes, stepper status
            while form.last_update_at < t0:  # the change handler ran ...
                await asyncio.sleep(0)
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)  # ... and the screen was refreshed with the new gauge
            await painted.wait()
            edit_ms.append((time.perf_counter() - t0) * 1000)
            edit_cpu.append((time.process_time() - c0) * 1000)
            gauge_ms.append(form.last_update_ms)
            factory = next(f for f in app.session.plan((5, 5), formatted=False).files if f.path.endswith("_factory.cpp"))
            for _ in range(400):  # the live preview under the table (tall terminals), after the debounce
                views = [v for v in live.query("FileView") if v.path.endswith("_program_factory.cpp")]
                shown = views[0].query_one("TextArea").text if views else ""
                formatted = app.session._plan_cache.get(((5, 5), True))
                done = {factory.text} | ({f.text for f in formatted.files if f.path == factory.path} if formatted else set())
                if shown in done:
                    break
                await asyncio.sleep(0.002)
            live_ms.append((time.perf_counter() - t0) * 1000)
            assert await app.wait_idle()
            await pilot.pause()
            t1, c1 = time.perf_counter(), time.process_time()
            tabs.active = "tab-files"  # the Stage 5 preview regenerates for the edited table
            await pilot.pause()
            show_ms.append((time.perf_counter() - t1) * 1000)
            show_cpu.append((time.process_time() - c1) * 1000)
            factory = next(v for v in preview.query("FileView") if v.path.endswith("_program_factory.cpp"))
            assert f"{2 + (i % 5)}" in factory.text, "the preview did not follow the edit"
        assert await app.wait_idle()

        def fmt(xs: list[float]) -> str:
            return f"median {statistics.median(xs):6.1f} ms   p95 {sorted(xs)[int(0.95 * (len(xs) - 1))]:6.1f} ms"

        print(f"CB cell edit ({samples} edits, 160x48, target < 50 ms; wall time, then CPU time of this process):")
        print(f"  edit -> gauge, bytes and stepper updated and painted: {fmt(edit_ms)}   cpu {fmt(edit_cpu)}")
        print(f"     of which validate + budget + gauge (CBForm.update_live): median {statistics.median(gauge_ms):5.1f} ms")
        print(f"  edit -> live Stage 5 preview under the table updated (incl. {PREVIEW_DEBOUNCE * 1000:.0f} ms debounce): {fmt(live_ms)}")
        print(f"  then Files tab -> Stage 5 preview regenerated and shown: {fmt(show_ms)}   cpu {fmt(show_cpu)}")
        print(f"  (load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        app.exit()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--edits", type=int, default=20, help="0 skips the CB edit latency part")
    a = ap.parse_args()
    startup(a.runs)
    if a.edits:
        asyncio.run(edit_latency(a.edits))


if __name__ == "__main__":
    main()
