"""Checks on an op's C++: syntax, CB balance, factory <-> kernel contract, -Werror unused risk.

Each check is ``check_x(files, ctx) -> list[Finding]`` over ``{op-relative path: text}``, so the
same code runs on an op directory on disk (``check_op_dir``) and on a generation plan in memory
(``check_plan``). Adding a check is one line in ``CHECKS``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import WizardError
from wizard.model import Finding, Plan, Severity

SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".cc")
MAX_FILE_BYTES = 2_000_000
MAX_WALK_FILES = 5_000  # an op dir holds tens of files; a checkout holds hundreds of thousands
STATE_DIR = ".ttnn-wizard"
_SKIP_DIRS = frozenset({STATE_DIR, ".git", "__pycache__", "node_modules", ".cache", ".pytest_cache"})


@dataclass
class Context:
    op_dir: Path | None  # None for an in-memory plan
    exists: Callable[[str], bool]  # does a repo-relative kernel path exist?
    notes: list[Finding] = field(default_factory=list)


def _syntax(files: Mapping[str, str], ctx: Context) -> list[Finding]:
    from wizard.checks.syntax import check_syntax

    return check_syntax(files)


def _contract(files: Mapping[str, str], ctx: Context) -> list[Finding]:
    from wizard.checks.contract import check_contract

    return check_contract(files, exists=ctx.exists)


def _balance(files: Mapping[str, str], ctx: Context) -> list[Finding]:
    from wizard.checks.balance import check_balance

    return check_balance(files)


def _unused(files: Mapping[str, str], ctx: Context) -> list[Finding]:
    from wizard.checks.unused import check_unused

    return check_unused(files)


def _scaffold(files: Mapping[str, str], ctx: Context) -> list[Finding]:
    from wizard.checks.scaffold import check_scaffold  # helper I: Stage 1-3 scaffold (verify_scaffolding.sh)

    return check_scaffold(files, ctx.op_dir)


CheckFn = Callable[[Mapping[str, str], Context], list[Finding]]
CHECKS: list[tuple[str, CheckFn]] = [
    ("syntax", _syntax),
    ("contract", _contract),
    ("balance", _balance),
    ("unused", _unused),
    ("scaffold", _scaffold),
]


def run_checks(files: Mapping[str, str], ctx: Context) -> list[Finding]:
    out: list[Finding] = list(ctx.notes)
    for name, fn in CHECKS:
        try:
            out += fn(files, ctx)
        except RecursionError:
            out.append(Finding(name, "", None, f"the {name} check gave up on deeply nested code", Severity.WARNING))
    return sort_findings(out)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: (f.path, f.line or 0, rank[f.severity], f.check, f.message))


def factory_paths(files: Mapping[str, str]) -> list[str]:
    from wizard.checks.opmodel import is_factory

    return [p for p in files if is_factory(p)]


def _walk_sources(op_dir: Path) -> list[Path]:
    """C++ sources below ``op_dir``: no symlinked dirs, no state/VCS/build folders, and at most MAX_WALK_FILES
    files looked at, so a checkout root, a home dir or ``/`` given by mistake is refused fast, not read whole."""
    out: list[Path] = []
    seen = 0
    for root, dirs, names in os.walk(op_dir, onerror=lambda e: None):  # vanished/unreadable entries: skip
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not (d == "build" or d.startswith(("build_", "build-"))))
        seen += len(names)
        if seen > MAX_WALK_FILES:
            raise WizardError(
                f"more than {MAX_WALK_FILES} files below this directory: it is not an op directory; give the op's own "
                "directory (ttnn/cpp/ttnn/operations/<category>/<op>)",
                path=str(op_dir),
            )
        out += (Path(root) / n for n in names if n.endswith(SOURCE_SUFFIXES))
    return sorted(out)


def read_op_files(op_dir: Path) -> tuple[dict[str, str], list[Finding]]:
    """Every C++ source under the op dir (not the wizard's state folder), keyed by op-relative path."""
    files: dict[str, str] = {}
    notes: list[Finding] = []
    for p in _walk_sources(op_dir):
        rel = p.relative_to(op_dir).as_posix()
        try:
            if not p.is_file():
                continue
            size = p.stat().st_size
        except OSError:
            continue
        if size > MAX_FILE_BYTES:
            notes.append(Finding("syntax", rel, None, f"skipped: larger than {MAX_FILE_BYTES} bytes", Severity.WARNING))
            continue
        try:
            data = p.read_bytes()
        except OSError as exc:
            notes.append(Finding("syntax", rel, None, f"not read: {exc.strerror or exc}", Severity.WARNING))
            continue
        try:
            files[rel] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            notes.append(Finding("syntax", rel, line, "not UTF-8 text; read with replacement characters", Severity.WARNING))
            files[rel] = data.decode("utf-8", "replace")
    return files, notes


_CREATE_KERNEL_PATH = re.compile(r'CreateKernel\s*\(\s*[\w.>-]+\s*,\s*"([^"\n]+)"')


def borrowed_kernels(op_dir: Path, files: Mapping[str, str]) -> dict[str, str]:
    """Kernels the factory builds from other ops' directories (e.g. eltwise/unary's reader), read from the
    checkout so their CB and argument contract is checked too; keyed by their path relative to the op dir."""
    from wizard.checks.cpp_scan import mask

    out: dict[str, str] = {}
    roots = [op_dir.resolve(), *op_dir.resolve().parents]
    for rel in factory_paths(files):
        for m in _CREATE_KERNEL_PATH.finditer(mask(files[rel], strings=False)):
            path = m.group(1)
            if path.startswith("/") or ".." in path.split("/") or any(path == p or path.endswith("/" + p) for p in files):
                continue
            for root in roots[1:]:
                f = root / path
                if f.is_file() and f.suffix in SOURCE_SUFFIXES and f.stat().st_size <= MAX_FILE_BYTES:
                    out[os.path.relpath(f, op_dir.resolve())] = f.read_text(encoding="utf-8", errors="replace")
                    break
    return out


def _disk_exists(op_dir: Path, files: Mapping[str, str]) -> Callable[[str], bool]:
    """A CreateKernel path is repo-relative: look for it above the op dir, else match the op's own files."""
    roots = [op_dir.resolve(), *op_dir.resolve().parents]

    def exists(repo_path: str) -> bool:
        if repo_path.startswith("/") or ".." in repo_path.split("/"):
            return False
        if any((r / repo_path).is_file() for r in roots):
            return True
        # a tree written by `generate --out` is not inside a checkout: accept the op's own file
        return any(repo_path.endswith("/" + p) for p in files)

    return exists


def check_op_dir(
    op_dir: Path,
    *,
    compile: bool = False,
    arch: str = "wormhole_b0",
    format: bool = False,
    mock_run: bool = False,
    on_line: Callable[[str], None] | None = None,
) -> list[Finding]:
    """All checks on an op directory. WizardError (exit 2) for a missing dir or no program factory.

    ``format`` adds clang-format drift as INFO; ``compile`` adds the offline kernel compile;
    ``mock_run`` runs the program on a mock device (``on_line`` gets their progress lines).
    """
    op_dir = Path(op_dir)
    if not op_dir.exists():
        raise WizardError("op directory does not exist", path=str(op_dir))
    if not op_dir.is_dir():
        raise WizardError("not a directory (expected an op directory)", path=str(op_dir))
    files, notes = read_op_files(op_dir)
    if not factory_paths(files):
        raise WizardError(
            "no program factory found: looked for device/*program_factory*.cpp (any *program_factory*.cpp outside kernels/) "
            f"among {len(files)} C++ files",
            path=str(op_dir),
        )
    _one_op(op_dir, factory_paths(files))
    files.update(borrowed_kernels(op_dir, files))
    findings = run_checks(files, Context(op_dir, _disk_exists(op_dir, files), notes))
    if format:
        from wizard.checks.syntax import check_format

        findings += check_format(op_dir, sorted(p for p in files if not p.startswith("../")))
    if compile:
        findings += _compile(op_dir, arch, on_line)
    if mock_run:
        from wizard.verify import run_program_check  # optional; needs setup-verify

        findings += list(run_program_check(op_dir, arch, on_line=on_line))
    return sort_findings(findings)


def _op_root(factory: str) -> str:
    """The op directory (relative) a program factory belongs to: the folder holding its ``device/``."""
    parts = factory.split("/")[:-1]
    if "device" in parts:
        parts = parts[: parts.index("device")]
    return "/".join(parts)


def _one_op(op_dir: Path, factories: list[str]) -> None:
    """The checks read one op: refuse a checkout root or a category folder instead of mixing ops up."""
    roots = sorted({_op_root(f) for f in factories})
    if len(roots) > 1:
        shown = ", ".join(roots[:5]) + (f" and {len(roots) - 5} more" if len(roots) > 5 else "")
        raise WizardError(f"this directory holds {len(roots)} ops ({shown}): give one op's directory as --op-dir", path=str(op_dir))
    if roots and roots[0]:
        raise WizardError(f"the op is in {roots[0]}/ below this directory: give --op-dir {op_dir / roots[0]}", path=str(op_dir))


def _compile(op_dir: Path, arch: str, on_line: Callable[[str], None] | None) -> list[Finding]:
    try:
        from wizard.verify import check_compile  # the offline compile (optional; needs setup-verify)
    except ImportError:
        raise WizardError("the offline compile check is not available in this build: run ttnn-wizard setup-verify first") from None
    if on_line is not None:
        return list(check_compile(op_dir, arch, on_line=on_line))
    return list(check_compile(op_dir, arch))


def check_plan(plan: Plan) -> list[Finding]:
    """The same checks on a plan's text before anything is written."""
    files = {f.path: f.text for f in plan.files if f.root == "op" and f.path.endswith(SOURCE_SUFFIXES)}
    from wizard.checks.opmodel import exists_in

    return run_checks(files, Context(None, exists_in(files)))


def counts(findings: list[Finding]) -> dict[str, int]:
    out = {s.value: 0 for s in Severity}
    for f in findings:
        out[f.severity.value] += 1
    return out
