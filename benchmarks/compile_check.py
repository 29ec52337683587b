"""Offline compile check figures (prints them; never asserts).

1. Setup time: a warm run (stamp present: should be instant) and, with ``--cold``, a full
   setup into a fresh temporary home (downloads ~200 MB from PyPI, about a minute).
2. Toolchain size on disk (venv with ttnn + ziglang, captured flags, JIT cache).
3. Per-kernel compile time: every dataflow kernel of every bundled sample spec's generated
   op (falls back to the wheel's own reader/writer when generation is unavailable), for
   wormhole_b0 and blackhole, one at a time (no parallelism) for clean per-kernel figures;
   then one whole ``check_compile`` per op with the default 2 workers.
4. The op's program through ``ttnn.generic_op`` on a mock device (``run_program_check``), for
   three sample ops per architecture.

Usage: python benchmarks/compile_check.py [--cold] [--arch wormhole_b0|blackhole|both]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wizard.verify import check_compile, setup_verify  # noqa: E402
from wizard.verify.compile import KernelJob, compile_kernel, plan_jobs  # noqa: E402
from wizard.verify.toolchain import PROBE_READER, PROBE_WRITER, Toolchain, _dir_size  # noqa: E402


def _ops(tmp: Path) -> list[tuple[str, Path]]:
    try:
        from wizard.generate import plan_stages
        from wizard.resources import sample_specs_dir
        from wizard.spec import parse_spec
    except ImportError as exc:
        print(f"  (generation unavailable: {exc}; timing the wheel's own kernels instead)")
        return []
    ops = []
    for spec in sorted(sample_specs_dir().glob("*_spec.md")):
        try:
            plan = plan_stages(parse_spec(spec), (4, 6))
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"  {spec.name}: generation failed ({exc.__class__.__name__}: {exc}); skipped")
            continue
        op = tmp / spec.stem
        for f in plan.files:
            if f.root == "op":
                (op / f.path).parent.mkdir(parents=True, exist_ok=True)
                (op / f.path).write_text(f.text, encoding="utf-8")
        ops.append((spec.stem, op))
    return ops


def _fmt(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.2f} s, min {min(xs):.2f} s, max {max(xs):.2f} s over {len(xs)}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold", action="store_true", help="also time a full setup into a fresh temp home")
    ap.add_argument("--arch", default="both", choices=("wormhole_b0", "blackhole", "both"))
    args = ap.parse_args()
    arches = ("wormhole_b0", "blackhole") if args.arch == "both" else (args.arch,)

    print("== setup")
    t0 = time.monotonic()
    tc: Toolchain = setup_verify()
    print(f"  warm setup-verify: {time.monotonic() - t0:.3f} s")
    print(f"  recorded time of the last real setup (cold, or with the venv reused): {tc.setup_seconds:.1f} s")
    if args.cold:
        with tempfile.TemporaryDirectory(prefix="ttnn-wizard-bench-home-") as home:
            t0 = time.monotonic()
            cold = setup_verify(home=Path(home), on_line=lambda ln: None)
            print(f"  cold setup-verify (fresh home): {time.monotonic() - t0:.1f} s, {cold.size_bytes / 1e6:.0f} MB")
    size = _dir_size(tc.home)
    venv = _dir_size(tc.home / "venv")
    print(f"  toolchain size: {size / 1e6:.0f} MB at {tc.home} (venv {venv / 1e6:.0f} MB)")

    print("== per-kernel compile (one at a time)")
    with tempfile.TemporaryDirectory(prefix="ttnn-wizard-bench-") as tmp:
        ops = _ops(Path(tmp))
        for arch in arches:
            times: list[float] = []
            failures = 0
            if ops:
                for name, op in ops:
                    with tempfile.TemporaryDirectory() as ov:
                        jobs, _compute, _notes = plan_jobs(op, tc, arch, Path(ov))
                        for job in jobs:
                            res = compile_kernel(tc, arch, job)
                            times.append(res.seconds)
                            failures += not res.ok
                            print(f"  {arch} {name}/{job.path.name} ({job.processor}): {res.seconds:.2f} s {'OK' if res.ok else 'FAILED'}")
            else:
                root = Path(tc.ttnn_root)
                ta = tc.flags(arch).ta_ct_args_tile
                for rel, proc, ct in ((PROBE_READER, "ncrisc", ta), (PROBE_WRITER, "brisc", [0, *ta])):
                    for _ in range(3):
                        res = compile_kernel(tc, arch, KernelJob(path=root / rel, rel=rel, processor=proc, ct_args=list(ct)))
                        times.append(res.seconds)
                        failures += not res.ok
            if times:
                print(f"  {arch}: {_fmt(times)}; {failures} failed")
        print("== whole op check_compile (2 workers)")
        for arch in arches:
            for name, op in ops:
                t0 = time.monotonic()
                findings = check_compile(op, arch, toolchain=tc)
                n_ok = sum(f.message.startswith("compiles for") for f in findings)
                print(f"  {arch} {name}: {time.monotonic() - t0:.2f} s ({n_ok} dataflow kernels OK)")
        print("== the program on a mock device (run_program_check)")
        from wizard.state import SessionState
        from wizard.verify import run_program_check

        for arch in arches:
            for name, op in ops[:3]:
                state = SessionState.load(op)
                state.spec_path = str(next(p for p in _spec_paths() if p.stem == name))
                state.save()
                t0 = time.monotonic()
                findings = run_program_check(op, arch, toolchain=tc)
                status = "OK" if findings and findings[-1].severity.value == "info" else findings[-1].message[:120]
                print(f"  {arch} {name}: {time.monotonic() - t0:.2f} s ({status})")
    return 0


def _spec_paths() -> list[Path]:
    from wizard.resources import sample_specs_dir

    return sorted(sample_specs_dir().glob("*_spec.md"))


if __name__ == "__main__":
    sys.exit(main())
