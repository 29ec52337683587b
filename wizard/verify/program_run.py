"""Run an op's Stage 5/6 program on a mock device (``ttnn.generic_op``) to catch host-side errors.

The C++ factory cannot be built against the ttnn wheel (no host API headers), so the program
is rebuilt in Python from the same inputs the generated factory uses: the CB table sized at a
sample shape (``wizard.budget``), the profile's grid split over the op's work units, and each
kernel with the compile-time args its factory passes. tt-metal then applies its own host
checks: CBs beyond L1, kernels outside the usable grid, bad CB page sizes, and the JIT build
of every kernel. A mock device reads back zeros, so no value is checked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from wizard.errors import WizardError
from wizard.model import Finding, Severity
from wizard.verify.compile import plan_jobs
from wizard.verify.factory_args import PLACEHOLDER
from wizard.verify.toolchain import Toolchain, VerifyNotReady, load_toolchain

OnLine = Callable[[str], None]
CHECK = "program"
RUN_TIMEOUT = 600.0


def tt_error_summary(text: str) -> str:
    """The 'info:' part of a TT_THROW/TT_FATAL message (no backtrace), else its first lines."""
    m = re.search(r"info:\n(.*?)(?:\nbacktrace:|\Z)", text, re.S)
    body = m.group(1) if m else text
    lines = [ln.strip() for ln in body.strip().splitlines() if ln.strip()]
    return " / ".join(lines[:4])[:600] or "tt-metal failed without a message"


def _noop(_: str) -> None:
    pass


def run_program_check(
    op_dir: Path,
    arch: str | None = None,
    *,
    shape: Sequence[int] | None = None,
    on_line: OnLine | None = None,
    toolchain: Toolchain | None = None,
) -> list[Finding]:
    """Findings from running the op's program on a mock device ("program" check).

    Needs the op's session state to name its spec (the CB table and work split come from it)
    and the verify toolchain. ``arch`` defaults to the state's profile's.
    """
    say = on_line or _noop
    op_dir = Path(op_dir)
    tc = toolchain or load_toolchain()
    if tc is None:
        raise VerifyNotReady("the mock-device run needs the verify toolchain: run `ttnn-wizard setup-verify` first")
    from wizard.budget import l1_budget, total_units
    from wizard.design import build_design
    from wizard.overrides import apply_overrides
    from wizard.profiles import list_profiles, load_profile
    from wizard.spec import parse_spec
    from wizard.state import SessionState

    state = SessionState.load(op_dir)
    if not state.spec_path:
        return [Finding(CHECK, ".", None, "no spec recorded in the op's session state: the mock-device run needs it", Severity.WARNING)]
    spec_path = Path(state.spec_path)
    spec_path = spec_path if spec_path.is_absolute() else op_dir / spec_path
    spec = apply_overrides(parse_spec(spec_path), state)
    profile = load_profile(state.profile) if state.profile else load_profile()
    if arch and profile.arch != arch:
        match = next((n for n in list_profiles() if load_profile(n).arch == arch), None)
        if match is None:
            raise WizardError(f"no hardware profile for {arch}")
        profile = load_profile(match)
    arch = profile.arch
    flags = tc.flags(arch)
    design = build_design(spec, profile)
    shape = tuple(shape or state.sample_shape)
    dtype = state.sample_dtype or "bfloat16"
    budget = l1_budget(spec.cbs, profile, shape, dtype, symbols=spec.symbols, dim_order=spec.dim_order)
    bad = [r for r in budget.rows if r.total is None or r.page_size is None]
    findings: list[Finding] = []
    factory = next(iter(sorted((op_dir / "device").glob("*program_factory.cpp"))), None)
    where = factory.relative_to(op_dir).as_posix() if factory else "."
    if bad:
        for r in bad:
            findings.append(Finding(CHECK, where, None, f"c_{r.index} ({r.name}) has no size at shape {list(shape)}: {r.error}", Severity.WARNING))
        return findings
    units = total_units(spec.work, shape, dtype, dim_order=spec.dim_order)
    with tempfile.TemporaryDirectory(prefix="ttnn-wizard-mockrun-") as tmp:
        jobs, _compute, notes = plan_jobs(op_dir, tc, arch, Path(tmp) / "overlay")
        findings += notes
        by_path = {j.rel: j for j in jobs}
        cb_index = {cb.var: cb.index for cb in design.cbs} | {cb.enum: cb.index for cb in design.cbs}
        kernels = []
        for k in design.kernels:
            role = getattr(k.role, "value", str(k.role))
            path = op_dir / k.path
            if not path.exists():
                findings.append(Finding(CHECK, k.path, None, "kernel file missing: the program cannot be built", Severity.ERROR))
                continue
            job = by_path.get(k.path)
            if job is not None:
                ct, includes, defines = job.ct_args, job.extra_includes, job.defines
            else:
                ct = [cb_index.get(a.host.strip(), PLACEHOLDER) for a in k.ct_args]
                ct += [int(x) for x in flags.ta_ct_args_tile] * len(k.accessors)
                includes, defines = [], {}
            kernels.append(
                {
                    "kind": role,
                    "path": str(path.resolve()),
                    "ct_args": ct,
                    "num_rt_args": len(k.rt_args),
                    "include_paths": includes,
                    "defines": defines,
                }
            )
        if any(f.severity is Severity.ERROR for f in findings):
            return findings
        desc = {
            "grid": [profile.grid_x, profile.grid_y],
            "units": units,
            "row_wise": design.work.row_wise,
            "cbs": [{"index": r.index, "total": r.total, "page_size": r.page_size, "dtype": r.data_format or dtype} for r in budget.rows],
            "kernels": kernels,
        }
        (Path(tmp) / "program.json").write_text(json.dumps(desc), encoding="utf-8")
        say(f"running the program on a mock {arch} device: {len(desc['cbs'])} CBs, {units} units over the {profile.grid_x}x{profile.grid_y} grid, shape {list(shape)}")
        env = {
            **os.environ,
            "TT_METAL_MOCK_CLUSTER_DESC_PATH": str(tc.home / "mock" / f"{arch}.yaml"),
            # Per run: kernel hashes include the temp overlay paths, so a shared cache would only grow.
            "TT_METAL_CACHE": str(Path(tmp) / "jit-cache") + "/",
            "TMPDIR": tmp,
            "TT_LOGGER_LEVEL": "error",
        }
        try:
            r = subprocess.run(
                [tc.venv_python, str(Path(__file__).resolve().parent / "mock_program.py"), str(Path(tmp) / "program.json")],
                capture_output=True, text=True, env=env, cwd=tmp, timeout=RUN_TIMEOUT, check=False, errors="replace",
            )
        except subprocess.TimeoutExpired:
            return [*findings, Finding(CHECK, where, None, f"the mock-device run did not finish in {RUN_TIMEOUT:.0f} s")]
    line = next((ln for ln in reversed(r.stdout.splitlines()) if ln.startswith("PROGRAM-RESULT ")), None)
    if line is None:
        tail = " / ".join((r.stderr or r.stdout).strip().splitlines()[-3:])
        return [*findings, Finding(CHECK, where, None, f"the mock-device run crashed (rc {r.returncode}): {tail[:400]}")]
    result = json.loads(line.removeprefix("PROGRAM-RESULT "))
    if result.get("ok"):
        msg = (
            f"runs on a mock {arch} device at shape {list(shape)}: {len(desc['cbs'])} CBs ({budget.total} B per core) on "
            f"{result.get('cores')} cores; tt-metal's host checks and kernel builds passed (values are not checked: "
            "a mock device reads back zeros)"
        )
        say("  " + msg)
        return [*findings, Finding(CHECK, where, None, msg, Severity.INFO)]
    summary = tt_error_summary(result.get("error", ""))
    say(f"  tt-metal on the mock {arch} device: {summary}")
    return [*findings, Finding(CHECK, where, None, f"tt-metal on a mock {arch} device at shape {list(shape)}: {summary}")]
