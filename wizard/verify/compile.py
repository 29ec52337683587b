"""``check --compile``: compile an op's dataflow kernels the way tt-metal's JIT does, offline.

Each reader/writer kernel is compiled with the JIT command line captured at setup (same
defines, include paths and flags as tt-metal's own build of the ttnn wheel), its generated
files (kernel_includes.hpp, chlkc_descriptors.h), and the compile-time args the op's program
factory gives it; SFPI-only flags are swapped for zig clang's riscv32 front end
(``-fsyntax-only``). Compute kernels need SFPI's own headers, which no registry ships: they
get a tree-sitter syntax check and an explicit INFO that they compile only on the device run.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import WizardError
from wizard.model import Finding, Severity
from wizard.verify.cmdline import (
    MappedError,
    chlkc_descriptors_text,
    kernel_includes_text,
    map_diagnostics,
    render,
    syntax_command,
)
from wizard.verify.design_args import DesignArgs, design_ct_args
from wizard.verify.factory_args import PLACEHOLDER, KernelCall, cb_indices, parse_factory
from wizard.verify.toolchain import ARCHES, Toolchain, VerifyNotReady, load_toolchain

OnLine = Callable[[str], None]
COMPILE_TIMEOUT = 180.0
SFPI_NOTE = "needs the SFPI toolchain: compiled on the device run (offline: syntax checked only)"
_PROC_LABEL = {"ncrisc": "NCRISC", "brisc": "BRISC"}


@dataclass
class KernelJob:
    path: Path  # the kernel file (absolute)
    rel: str  # as reported: relative to the op dir
    processor: str  # "ncrisc" (reader) | "brisc" (writer)
    ct_args: list[int]
    cb_formats: dict[int, str] = field(default_factory=dict)
    noc: int | None = None  # None: the NOC in the captured line for this processor
    ct_source: str = "the program factory"
    extra_includes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    defines: dict[str, str] = field(default_factory=dict)  # the factory's -D NAME=VALUE for this kernel


@dataclass
class KernelResult:
    job: KernelJob
    ok: bool
    errors: list[MappedError]
    seconds: float
    output: str  # the compiler's own output, unchanged

    def summary(self) -> str:
        if self.ok:
            return "OK"
        return "; ".join(f"line {e.line}: {e.message}" if e.line else e.message for e in self.errors[:3]) or self.output[-300:]


def compile_kernel(tc: Toolchain, arch: str, job: KernelJob) -> KernelResult:
    """Compile one dataflow kernel with tt-metal's JIT flags for ``arch`` (syntax and semantics, no codegen)."""
    flags = tc.flags(arch)
    template = flags.templates[job.processor]
    name = re.sub(r"[^\w.-]", "_", job.path.stem)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ttnn-wizard-kc-") as tmp:
        # Laid out like the JIT's kernel dir: <name>/<hash>/{kernel_includes.hpp,chlkc_descriptors.h}, cwd <proc>/
        hashdir = Path(tmp) / name / "0"
        cwd = hashdir / job.processor
        cwd.mkdir(parents=True)
        (hashdir / "kernel_includes.hpp").write_text(kernel_includes_text(job.path.resolve()), encoding="utf-8")
        (hashdir / "chlkc_descriptors.h").write_text(chlkc_descriptors_text(flags.chlkc, job.cb_formats), encoding="utf-8")
        gcc_args = render(
            template,
            ttnn_root=tc.ttnn_root,
            kernel_dir=str(job.path.resolve().parent),
            ct_args=job.ct_args,
            kernel_name=f"{name}/0/",
            extra_includes=job.extra_includes,
        )
        if job.noc is not None:
            gcc_args = [f"-DNOC_INDEX={job.noc}" if a.startswith("-DNOC_INDEX=") else a for a in gcc_args]
        if job.defines:
            # The JIT puts the kernel's own defines among its -D flags; before the entry file is equivalent.
            gcc_args[-1:-1] = [f"-D{k}={v}" for k, v in job.defines.items()]
        cmd = syntax_command(tc.zig, gcc_args)
        try:
            r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=COMPILE_TIMEOUT, check=False, errors="replace")
            output, rc = (r.stderr + r.stdout), r.returncode
        except subprocess.TimeoutExpired:
            output, rc = f"the compiler did not finish in {COMPILE_TIMEOUT:.0f} s", -1
        except OSError as exc:
            output, rc = f"cannot run zig clang ({tc.zig}): {exc}", -1
    errors = map_diagnostics(output, job.path)
    if rc != 0 and not errors:
        last = [ln for ln in output.strip().splitlines() if ln.strip()][-3:]
        errors = [MappedError(None, None, " / ".join(last) or f"the compiler failed (exit {rc})", "")]
    return KernelResult(job, rc == 0 and not errors, errors, time.monotonic() - t0, output)


# ---------------------------------------------------------------- finding the op's kernels and their args


def _is_compute(path: Path, text: str) -> bool:
    if "compute" in path.parts:
        return True
    if "dataflow" in path.parts:
        return False
    return bool(re.search(r'#include\s+["<](?:api/)?compute|compute_kernel_api|namespace\s+NAMESPACE', text))


def _kernel_files(op_dir: Path) -> list[Path]:
    out = []
    for p in sorted(op_dir.rglob("*.cpp")):
        rel = p.relative_to(op_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if "kernels" in rel.parts:
            out.append(p)
    return out


def _factory_calls(op_dir: Path, ta: Sequence[int]) -> tuple[list[tuple[Path, KernelCall]], list[int]]:
    calls: list[tuple[Path, KernelCall]] = []
    cbs: set[int] = set()
    for p in sorted(op_dir.rglob("*.cpp")):
        rel = p.relative_to(op_dir)
        if "kernels" in rel.parts or any(part.startswith(".") for part in rel.parts):
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "CreateKernel" not in text:
            continue
        calls += [(p, c) for c in parse_factory(text, ta)]
        cbs.update(cb_indices(text))
    return calls, sorted(cbs)


def _match_call(kernel_rel: str, calls: Sequence[tuple[Path, KernelCall]]) -> list[tuple[Path, KernelCall]]:
    """Calls whose kernel path names this file: the longest common path suffix wins."""
    parts = Path(kernel_rel).parts

    def common(src: str) -> int:
        sp = Path(src).parts
        n = 0
        while n < min(len(sp), len(parts)) and sp[-1 - n] == parts[-1 - n]:
            n += 1
        return n

    scored = [(common(c.source), f, c) for f, c in calls]
    best = max((s for s, _, _ in scored), default=0)
    return [(f, c) for s, f, c in scored if s == best and s > 0]


def _op_rel_dir(kernel_rel: str, source: str) -> str | None:
    """``ttnn/cpp/ttnn/operations/x/op`` from a factory path ending in the kernel's op-relative path."""
    if source.endswith("/" + kernel_rel):
        return source[: -len(kernel_rel) - 1]
    return None


def _extra_includes(op_dir: Path, rel_dirs: set[str], tmp_overlay: Path) -> list[str]:
    """Let kernels include their op's own headers by repo path, as in a tt-metal checkout.

    The wheel has no copy of a new op, so an overlay maps its repo-relative dir onto the op dir;
    an op dir inside a real checkout also gets that checkout (after the wheel's own paths).
    """
    extra: list[str] = []
    # Factory text decides these names: only plain relative paths, so links stay inside the overlay.
    rel_dirs = {r for r in rel_dirs if r and not r.startswith("/") and ".." not in r.split("/")}
    for rel in sorted(rel_dirs):
        link = tmp_overlay / rel
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(op_dir.resolve(), target_is_directory=True)
    if rel_dirs:
        extra += [str(tmp_overlay), str(tmp_overlay / "ttnn"), str(tmp_overlay / "ttnn" / "cpp")]
    parts = op_dir.resolve().parts
    if len(parts) > 6 and parts[-6:-2] == ("ttnn", "cpp", "ttnn", "operations"):
        root = Path(*parts[:-6])
        extra += [str(root), str(root / "ttnn"), str(root / "ttnn" / "cpp")]
    return extra


def _guess_ct_args(text: str, ta: Sequence[int]) -> list[int]:
    """Enough compile-time args for what the kernel reads (used only when no factory names it)."""
    need = 0
    for m in re.finditer(r"get_compile_time_arg_val\s*\(\s*(\d+)\s*\)", text):
        need = max(need, int(m.group(1)) + 1)
    for m in re.finditer(r"TensorAccessorArgs\s*<\s*(\d+)\s*>", text):
        need = max(need, int(m.group(1)) + len(ta))
    return [PLACEHOLDER] * need


def _processor_from_name(path: Path) -> str:
    return "brisc" if "writer" in path.stem.lower() else "ncrisc"


def plan_jobs(op_dir: Path, tc: Toolchain, arch: str, overlay: Path) -> tuple[list[KernelJob], list[Path], list[Finding]]:
    """The dataflow kernels to compile (with their CT args), the compute kernels, and notes."""
    flags = tc.flags(arch)
    ta = flags.ta_ct_args_tile
    calls, cbs = _factory_calls(op_dir, ta)
    formats = {i: "bfloat16" for i in cbs}
    findings: list[Finding] = []
    jobs: list[KernelJob] = []
    compute: list[Path] = []
    design: dict[str, DesignArgs] | None = None  # built lazily: only kernels no factory names need it
    rel_dirs: set[str] = set()
    kernels = _kernel_files(op_dir)
    for k in kernels:
        rel = k.relative_to(op_dir).as_posix()
        for _, c in _match_call(rel, calls):
            d = _op_rel_dir(rel, c.source)
            if d:
                rel_dirs.add(d)
    extra = _extra_includes(op_dir, rel_dirs, overlay)
    for k in kernels:
        rel = k.relative_to(op_dir).as_posix()
        try:
            text = k.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            findings.append(Finding("compile", rel, None, f"cannot read the kernel: {exc}"))
            continue
        matched = _match_call(rel, calls)
        if any(c.kind == "compute" for _, c in matched) or (not matched and _is_compute(k, text)):
            compute.append(k)
            continue
        if not matched:
            if design is None:
                design, why = design_ct_args(op_dir, ta)
                if why:
                    findings.append(Finding("compile", rel, None, f"compile-time args not from the design: {why}", Severity.INFO))
            d = design.get(rel)
            jobs.append(
                KernelJob(
                    path=k,
                    rel=rel,
                    processor=d.processor if d else _processor_from_name(k),
                    ct_args=list(d.ct_args) if d else _guess_ct_args(text, ta),
                    cb_formats=formats,
                    ct_source=d.source if d else "the kernel itself (no CreateKernel in the factory names it)",
                    extra_includes=extra,
                )
            )
            continue
        seen: set[tuple[str, tuple[int, ...], int | None, tuple[tuple[str, str], ...]]] = set()
        for factory, c in matched:
            key = (c.processor, tuple(c.ct_args), c.noc, tuple(sorted(c.defines.items())))
            if key in seen:
                continue
            seen.add(key)
            where = f"{factory.relative_to(op_dir).as_posix()}:{c.line}"
            notes = []
            if c.placeholders:
                notes.append("placeholder 1 for " + ", ".join(c.placeholders[:6]) + ("..." if len(c.placeholders) > 6 else ""))
            jobs.append(
                KernelJob(
                    path=k,
                    rel=rel,
                    processor=c.processor if c.processor in ("ncrisc", "brisc") else _processor_from_name(k),
                    ct_args=list(c.ct_args),
                    cb_formats=formats,
                    noc=c.noc,
                    ct_source=f"the factory ({where})",
                    extra_includes=extra,
                    notes=notes,
                    defines=dict(c.defines),
                )
            )
    return jobs, compute, findings


# ---------------------------------------------------------------- compute kernels: syntax only


_ATTR_MACROS = re.compile(r"\b(tt_l1_ptr|tt_reg_ptr|FORCE_INLINE|ALWI|ALWAYS_INLINE)\b")


def syntax_errors(text: str) -> list[tuple[int, str]]:
    """(line, message) for tree-sitter ERROR/MISSING nodes; attribute macros blanked first (they confuse it)."""
    import tree_sitter_cpp
    from tree_sitter import Language, Parser

    src = _ATTR_MACROS.sub(lambda m: " " * len(m.group(0)), text).encode("utf-8")
    tree = Parser(Language(tree_sitter_cpp.language())).parse(src)
    out: list[tuple[int, str]] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if not node.has_error:
            continue
        if node.is_missing:
            out.append((node.start_point[0] + 1, f"syntax error: missing '{node.type}'"))
            continue
        if node.is_error:
            snippet = src[node.start_byte : min(node.end_byte, node.start_byte + 40)].decode("utf-8", "replace").split("\n")[0]
            out.append((node.start_point[0] + 1, f"syntax error near '{snippet.strip()}'"))
            continue
        stack.extend(reversed(node.children))
    return sorted(set(out))


# ---------------------------------------------------------------- the check


def _noop(_: str) -> None:
    pass


_CT_RANGE = re.compile(r"requirement '(\d+)U? < kernel_compile_time_args\.size\(\)'")


def _error_findings(res: KernelResult, arch: str, label: str, ttnn_root: str) -> list[Finding]:
    """One finding per kernel line: a header error's follow-on errors at the same line are counted, not listed."""
    job = res.job
    by_line: dict[int | None, list[MappedError]] = {}
    for e in res.errors:
        by_line.setdefault(e.line, []).append(e)
    out: list[Finding] = []
    for line, errs in by_line.items():
        kernel_own = [e for e in errs if not e.origin]
        shown = kernel_own or errs[:1]
        hidden = len(errs) - len(shown)
        for e in shown:
            msg = f"{arch} {label}: {e.message}"
            m = _CT_RANGE.search(e.message)
            if m:
                msg = (
                    f"{arch} {label}: the kernel reads compile-time arg {m.group(1)} but {job.ct_source} passes "
                    f"only {len(job.ct_args)} ({e.message})"
                )
            if e.origin:
                msg += f" [in {e.origin.replace(ttnn_root.rstrip('/') + '/', 'ttnn wheel: ')}]"
            if hidden and e is shown[-1]:
                msg += f" (+{hidden} follow-on error{'s' if hidden > 1 else ''})"
            out.append(Finding("compile", job.rel, line, msg))
    return out


def check_compile(
    op_dir: Path,
    arch: str = "wormhole_b0",
    *,
    on_line: OnLine | None = None,
    toolchain: Toolchain | None = None,
    workers: int = 2,
) -> list[Finding]:
    """Compile every dataflow kernel of the op for ``arch``; findings per kernel (INFO when it compiles).

    ``on_line`` receives one progress line per kernel as it finishes (for the app's console).
    Raises VerifyNotReady (exit 2) when ``ttnn-wizard setup-verify`` has not been run.
    """
    say = on_line or _noop
    op_dir = Path(op_dir)
    if arch not in ARCHES:
        raise WizardError(f"unknown arch {arch!r}; choose one of {', '.join(ARCHES)}")
    if not op_dir.is_dir():
        raise WizardError("not a directory", path=str(op_dir))
    tc = toolchain or load_toolchain()
    if tc is None:
        raise VerifyNotReady(
            "the offline compile toolchain is not set up: run `ttnn-wizard setup-verify` first "
            "(needs Python 3.12 or 3.10 and access to PyPI; about 1.1 GB in the user cache dir)"
        )
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="ttnn-wizard-overlay-") as overlay:
        jobs, compute, notes = plan_jobs(op_dir, tc, arch, Path(overlay))
        findings += notes
        if not jobs and not compute:
            findings.append(Finding("compile", ".", None, "no kernels found under the op's kernels/ directories", Severity.WARNING))
            return findings
        say(f"compiling {len(jobs)} dataflow kernel(s) for {arch} with tt-metal's JIT flags (zig clang, riscv32)")
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(compile_kernel, tc, arch, job) for job in jobs]
            results = []
            for fut in futures:
                res = fut.result()
                results.append(res)
                label = _PROC_LABEL.get(res.job.processor, res.job.processor)
                status = "OK" if res.ok else f"{len(res.errors)} error(s)"
                say(f"  {res.job.rel} ({label}, {arch}): {status} in {res.seconds:.1f} s")
                for e in res.errors:
                    say(f"    {res.job.rel}:{e.line or '?'}: {e.message}")
    for res in results:
        job = res.job
        label = _PROC_LABEL.get(job.processor, job.processor)
        if res.ok:
            extra = f"; {'; '.join(job.notes)}" if job.notes else ""
            if job.defines:
                extra += "; defines " + ", ".join(f"{k}={v}" for k, v in job.defines.items())
            findings.append(
                Finding(
                    "compile",
                    job.rel,
                    None,
                    f"compiles for {arch} ({label}, tt-metal JIT flags, zig clang riscv32) with "
                    f"{len(job.ct_args)} compile-time args from {job.ct_source}{extra}",
                    Severity.INFO,
                )
            )
            continue
        findings += _error_findings(res, arch, label, tc.ttnn_root)
    for k in compute:
        rel = k.relative_to(op_dir).as_posix()
        try:
            errs = syntax_errors(k.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            errs = [(0, f"cannot read: {exc}")]
        for line, msg in errs:
            findings.append(Finding("compile", rel, line or None, msg))
        findings.append(Finding("compile", rel, None, SFPI_NOTE, Severity.INFO))
        say(f"  {rel} (compute): {'syntax OK' if not errs else f'{len(errs)} syntax error(s)'}; {SFPI_NOTE}")
    return findings


def compile_ok(findings: Sequence[Finding]) -> bool:
    return not any(f.severity is Severity.ERROR for f in findings)
