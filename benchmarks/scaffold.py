"""Median time to plan Stages 1-3 of each sample spec and to plan the build integration, in process.

    python benchmarks/scaffold.py [--repeat N]

Prints per spec: render of Stages 1-3 without formatting, the warm plan (design + render + clang-format cache),
the scaffold check on the plan, and plan_integration on each fixture checkout (reads the build files from disk).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    from wizard.checks.scaffold import check_scaffold
    from wizard.design import build_design
    from wizard.generate import plan_stages, render_design
    from wizard.integrate import OpRef, plan_integration
    from wizard.spec import parse_spec

    specs = sorted((ROOT / "tests" / "fixtures" / "specs").glob("*_spec.md"))
    print(f"{'spec':28} {'render 1-3':>11} {'plan 1-3':>9} {'check':>7}   (ms, median of {args.repeat})")
    for path in specs:
        spec = parse_spec(path)
        if not spec.cbs:
            continue
        design = build_design(spec)
        render = median_ms(lambda: render_design(design, (1, 3), format_cpp=False), args.repeat)
        plan_stages(spec, (1, 3))  # warm the clang-format cache
        plan = median_ms(lambda: plan_stages(spec, (1, 3)), args.repeat)
        files = {f.path: f.text for f in plan_stages(spec, (1, 3)).files}
        check = median_ms(lambda: check_scaffold(files), args.repeat)
        print(f"{path.stem[:-5]:28} {render:11.2f} {plan:9.2f} {check:7.2f}")
    print()
    with tempfile.TemporaryDirectory() as tmp:
        for fixture in sorted(p for p in (ROOT / "tests" / "fixtures" / "checkouts").iterdir() if p.is_dir()):
            root = Path(tmp) / fixture.name
            shutil.copytree(fixture, root)
            op = OpRef("reduce_avg_w_rm", "reduction", "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm")
            ms = median_ms(lambda: plan_integration(op, root), args.repeat)
            print(f"plan_integration {fixture.name:28} {ms:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
