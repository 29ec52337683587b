"""Spec extraction figures (prints them; never asserts).

1. In-process: median time of ``parse_spec`` (read + markdown-it parse + extraction) per bundled spec over many
   repetitions, plus the whole ``extract`` report (parse + split + L1 budget + rendering); wall and CPU time
   (CPU time is steadier on a shared machine). Peak memory of one parse (tracemalloc).
2. End to end: wall time of ``ttnn-wizard extract SPEC`` as a subprocess (interpreter start, imports, report).

Targets (issue 2): < 30 ms in-process for the largest sample, < 0.5 s end to end.

Usage: python benchmarks/extract.py [--reps N] [--e2e-reps N] [SPEC ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wizard.commands.extract import hardware_summary, render_human  # noqa: E402
from wizard.spec import parse_spec, sample_shape  # noqa: E402


def timed(fn, reps: int) -> tuple[float, float, float]:
    """(median wall ms, min wall ms, median CPU ms) over ``reps`` calls after one warm-up call."""
    fn()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall) * 1e3, min(wall) * 1e3, statistics.median(cpu) * 1e3


def full_report(path: Path) -> str:
    spec = parse_spec(path)
    shape, why = sample_shape(spec)
    summary = hardware_summary(spec, None, shape, "bfloat16")
    summary["sample"] = {"shape": list(shape), "dtype": "bfloat16", "source": why}
    return render_human(spec, summary)


def peak_memory_kib(path: Path) -> float:
    tracemalloc.start()
    parse_spec(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def e2e(path: Path, reps: int) -> tuple[float, float, float] | None:
    """(median wall ms, min wall ms, median CPU ms of the child) for ``ttnn-wizard extract``."""
    import resource

    exe = shutil.which("ttnn-wizard") or str(Path(sys.executable).parent / "ttnn-wizard")
    if not Path(exe).exists():
        return None
    times, cpu = [], []
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([exe, "extract", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times) * 1e3, min(times) * 1e3, statistics.median(cpu) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("specs", nargs="*", type=Path)
    ap.add_argument("--reps", type=int, default=50, help="in-process repetitions per spec (default 50)")
    ap.add_argument("--e2e-reps", type=int, default=7, help="subprocess runs for the end-to-end figure (default 7)")
    a = ap.parse_args()
    specs = a.specs or sorted((ROOT / "tests" / "fixtures" / "specs").glob("*_spec.md"))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"python {sys.version.split()[0]}, {a.reps} repetitions per spec, {os.cpu_count()} CPUs, load average {load}"
          " (wall times stretch under load; the CPU column does much less)")
    print(f"{'spec':<36} {'bytes':>7} {'parse med':>10} {'min':>7} {'cpu':>7} {'report med':>11} {'peak mem':>10}")
    for p in specs:
        parse_med, parse_min, parse_cpu = timed(lambda p=p: parse_spec(p), a.reps)
        rep_med, _, _ = timed(lambda p=p: full_report(p), max(5, a.reps // 5))
        print(f"{p.name:<36} {p.stat().st_size:>7} {parse_med:>8.1f}ms {parse_min:>5.1f}ms {parse_cpu:>5.1f}ms "
              f"{rep_med:>9.1f}ms {peak_memory_kib(p):>7.0f}KiB")

    largest = max(specs, key=lambda p: p.stat().st_size)
    med, mn, cpu = timed(lambda: parse_spec(largest), a.reps)
    print(f"\nlargest ({largest.name}): in-process parse median {med:.1f} ms (min {mn:.1f} ms, CPU {cpu:.1f} ms); "
          "target < 30 ms")
    figures = e2e(largest, a.e2e_reps)
    if figures is None:
        print("end to end: ttnn-wizard not installed in this environment; skipped")
    else:
        print(f"end to end: `ttnn-wizard extract {largest.name}` median {figures[0]:.0f} ms "
              f"(min {figures[1]:.0f} ms, CPU {figures[2]:.0f} ms) over {a.e2e_reps} runs; target < 500 ms")


if __name__ == "__main__":
    main()
