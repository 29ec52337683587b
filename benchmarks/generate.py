"""Median time to plan (and check) every Stage 4-6 file of a sample spec, in process.

    python benchmarks/generate.py [--repeat N] [--spec STEM]

Prints, per spec: design, render (templates, no formatting), plan (design + render + clang-format, warm cache),
the first plan of a process (one clang-format subprocess for all C++ files), and wizard.checks.check_plan.
Target: plan + check < 150 ms for the largest sample spec.
"""

from __future__ import annotations

import argparse
import statistics
import sys
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
    ap.add_argument("--spec", help="one sample spec stem (default: all, largest marked)")
    args = ap.parse_args()

    from wizard import cppformat
    from wizard.design import build_design
    from wizard.generate import plan_stages, render_design
    from wizard.spec import parse_spec

    try:
        from wizard.checks import check_plan
    except ImportError:  # the checks land separately; time what exists
        check_plan = None

    specs = sorted((ROOT / "tests" / "fixtures" / "specs").glob("*_spec.md"))
    if args.spec:
        specs = [p for p in specs if p.name == f"{args.spec}_spec.md"]
    parsed = {p: parse_spec(p) for p in specs}
    largest = max(specs, key=lambda p: (len(parsed[p].cbs), p.stat().st_size))  # most CBs = most generated code
    print(f"clang-format: {cppformat.clang_format_binary() or 'missing (unformatted)'}")
    print(f"{'spec':32} {'CBs':>4} {'files':>5} {'design':>8} {'render':>8} {'plan':>8} {'1st plan':>9} {'check':>8} {'plan+check':>11}")
    for path in specs:
        spec = parsed[path]
        cppformat._CACHE.clear()
        t0 = time.perf_counter()
        plan = plan_stages(spec, (4, 6))
        first = (time.perf_counter() - t0) * 1000
        design_ms = median_ms(lambda: build_design(spec), args.repeat)
        design = build_design(spec)
        render_ms = median_ms(lambda: render_design(design, (4, 6), format_cpp=False), args.repeat)
        plan_ms = median_ms(lambda: plan_stages(spec, (4, 6)), args.repeat)
        check_ms = median_ms(lambda: check_plan(plan), args.repeat) if check_plan else float("nan")
        mark = "  <- largest" if path == largest else ""
        print(
            f"{spec.name:32} {len(spec.cbs):>4} {len(plan.files):>5} {design_ms:>7.1f}ms {render_ms:>7.1f}ms "
            f"{plan_ms:>7.1f}ms {first:>8.1f}ms {check_ms:>7.1f}ms {plan_ms + check_ms:>10.1f}ms{mark}"
        )
    print("target: plan + check < 150 ms for the largest spec (warm: clang-format results cached by content)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
