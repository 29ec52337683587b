"""Time the checks (syntax, contract, balance, unused) and diff_plan on generated ops; prints figures.

Usage: python benchmarks/checks.py [--repeat N]
Median in-process time per sample spec for check_plan (model cache cleared each run, so every
file is parsed again), per check for the largest spec, diff_plan + a 3-way merge of the whole
plan against an edited tree, and `ttnn-wizard check` end to end (a new process).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wizard.apply import apply_changes, diff_plan  # noqa: E402
from wizard.checks import CHECKS, Context, check_plan, cpp_scan, opmodel  # noqa: E402
from wizard.generate import plan_stages  # noqa: E402
from wizard.spec import parse_spec  # noqa: E402


def clear_caches() -> None:
    """Every run parses from scratch (the checks cache per text within one run)."""
    opmodel._CACHE.clear()
    cpp_scan._mask.cache_clear()
    cpp_scan._declarations.cache_clear()
    cpp_scan.bracket_pairs.cache_clear()


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        clear_caches()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    specs = sorted((ROOT / "tests/fixtures/specs").glob("*_spec.md"))
    plans = {s.stem: plan_stages(parse_spec(s), (4, 6)) for s in specs}
    check_plan(next(iter(plans.values())))  # warm-up: tree-sitter load, regex compile
    print("check_plan (stages 4-6), median of", args.repeat)
    for name, plan in plans.items():
        size = sum(len(f.text) for f in plan.files)
        cpu = []
        for _ in range(args.repeat):
            clear_caches()
            t = time.process_time()
            check_plan(plan)
            cpu.append((time.process_time() - t) * 1000)
        wall = median_ms(lambda p=plan: check_plan(p), args.repeat)
        print(f"  {name:40s} {wall:7.1f} ms wall  {statistics.median(cpu):7.1f} ms CPU  ({size / 1024:.0f} KiB of text)")
    largest = max(plans, key=lambda n: sum(len(f.text) for f in plans[n].files))
    plan = plans[largest]
    files = {f.path: f.text for f in plan.files if f.path.endswith((".cpp", ".hpp"))}
    ctx = Context(None, opmodel.exists_in(files))
    print(f"per check on {largest} (model parse included in the first check that needs it)")
    for name, fn in CHECKS:
        print(f"  {name:10s} {median_ms(lambda fn=fn: fn(files, ctx), args.repeat):7.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        op_dir = Path(tmp) / plan.op_rel_dir
        op_dir.mkdir(parents=True)
        changes = diff_plan(plan, op_dir)
        apply_changes(changes, op_dir, {c.path for c in changes})
        for f in plan.files:  # a hand edit in every file, so every file goes through a real 3-way merge
            p = op_dir / f.path
            p.write_text("// hand edit\n" + p.read_text())
        edited = type(plan)(plan.op_name, plan.op_rel_dir, [type(f)(f.path, f.text.replace("2026", "2027"), f.stage, f.kind, f.root) for f in plan.files])
        print(f"diff_plan + 3-way merge of {len(plan.files)} edited files: {median_ms(lambda: diff_plan(edited, op_dir), args.repeat):.1f} ms")
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "wizard.cli", "check", "--op-dir", str(op_dir)], capture_output=True, check=False, cwd=ROOT)
            runs.append((time.perf_counter() - t) * 1000)
        print(f"`ttnn-wizard check` end to end (new process), median of 5: {statistics.median(runs):.0f} ms")


if __name__ == "__main__":
    main()
