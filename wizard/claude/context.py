"""Per-task context: only what each delegated task needs, split into a stable (cached) prefix and the request.

Stable prefix (identical across calls for the same op and task, so the prompt cache hits): the system
instructions, the reference patterns, the relevant spec sections with their line numbers, and the profile's
hardware facts. Request: the current files involved, the last classified failure and its log tail, the
check findings, and the task's instruction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from wizard.claude.patterns import REFERENCE_PATTERNS, SYSTEM
from wizard.errors import WizardError

CHARS_PER_TOKEN = 3.5  # conservative for code + markdown (a real tokenizer gives fewer tokens)
MAX_FILE_CHARS = 60_000
LOG_TAIL_LINES = 120
LOG_TAIL_CHARS = 16_000
STATE_DIR = ".ttnn-wizard"


class TaskKind(str, Enum):
    VALIDATIONS = "validations"
    CBS = "cbs"
    FIX = "fix"
    EXPLAIN = "explain"
    COMPUTE = "compute"


TASK_LABELS: dict[TaskKind, str] = {
    TaskKind.VALIDATIONS: "Fill the validations from the spec's requirement tables",
    TaskKind.CBS: "Propose a CB table where the spec is vague",
    TaskKind.FIX: "Fix the failing stage from its classified failure and log",
    TaskKind.EXPLAIN: "Explain a hang from the console output (text only)",
    TaskKind.COMPUTE: "Draft the Stage 7 compute kernel",
}

# Spec sections each task needs, matched case-insensitively against heading text (subsections included).
_SECTIONS: dict[TaskKind, tuple[str, ...]] = {
    TaskKind.VALIDATIONS: ("overview", "parameters", "tensor requirements", "output tensor", "validation behavior",
                           "edge cases", "api + validation"),
    TaskKind.CBS: ("overview", "circular buffer", "cb sizing", "cb lifetime", "work distribution", "work unit",
                   "data flow", "kernel data movement", "cb id resolution", "input tensor requirements"),
    TaskKind.COMPUTE: ("overview", "mathematical definition", "circular buffer", "data flow", "compute access",
                       "compute stage", "compile-time arguments", "runtime arguments", "compute helper", "kernel arguments"),
    TaskKind.EXPLAIN: ("overview", "circular buffer", "data flow", "kernel data movement", "memory access",
                       "compile-time arguments", "runtime arguments"),
}
_FIX_SECTIONS: dict[int, tuple[str, ...]] = {
    1: ("overview", "parameters", "api specification", "api + validation"),
    2: ("overview", "parameters", "tensor requirements", "validation behavior"),
    3: ("overview", "parameters", "output tensor"),
    4: ("overview", "parameters", "tensor requirements", "output tensor", "validation behavior"),
    5: ("overview", "circular buffer", "work distribution", "work unit", "cb sizing", "input tensor requirements"),
    6: ("overview", "circular buffer", "data flow", "kernel data movement", "memory access", "compile-time arguments",
        "runtime arguments", "work distribution", "kernel arguments"),
    7: ("overview", "mathematical definition", "circular buffer", "data flow", "compute access", "test criteria"),
}

_INSTRUCTIONS: dict[TaskKind, str] = {
    TaskKind.VALIDATIONS: (
        "Fill the device operation's validations from the spec's input-tensor requirement tables and parameters "
        "(TT_FATAL per requirement, messages from the 'Error Message Hint' column, expected vs given values). "
        "Propose the complete new device-operation source with propose_file_change."),
    TaskKind.CBS: (
        "The spec's CB table is vague or incomplete. Propose a complete CB table (index, name, page kind tile/stick, "
        "page count as an expression, data format, producer, consumer, lifetime) that fits the profile's L1 budget, "
        "then propose the program factory's create_cb calls for it with propose_file_change. Explain every choice "
        "the spec does not state, citing spec lines."),
    TaskKind.FIX: (
        "The stage's tests fail. From the classified failure, the log tail, the check findings and the files, find "
        "the cause and propose the smallest fix with propose_file_change (complete new text per changed file). "
        "If the cause is outside these files or the environment, say so and propose nothing."),
    TaskKind.EXPLAIN: (
        "The stage's test hung or timed out. Explain from the console output, the kernels and the CB table what is "
        "most likely waiting on what (which kernel, which CB, push/pop counts) and what to check next. "
        "Text only: do not propose file changes."),
    TaskKind.COMPUTE: (
        "Draft the Stage 7 compute kernel: the real math per the spec's mathematical definition and data flow, "
        "consuming and producing exactly the CB pages the reader and writer move (keep every CB balanced). Use the "
        "kernel_lib helpers where they fit. Propose the complete compute kernel source with propose_file_change."),
}


@dataclass
class DelegateTask:
    kind: TaskKind
    stage: int
    op_dir: Path
    spec_path: Path | None = None


@dataclass
class ContextPart:
    title: str
    text: str
    source: str = ""  # "spec:12-40", "device/foo.cpp", "logs/stage6-....log"

    def render(self) -> str:
        head = f"## {self.title}" + (f"  ({self.source})" if self.source else "")
        return f"{head}\n{self.text.rstrip()}\n"


@dataclass
class DelegateContext:
    task: DelegateTask
    system: str
    patterns: str
    stable: list[ContextPart]  # spec sections, hardware facts (cached prefix)
    request: list[ContextPart]  # files, failure, log tail, findings, instruction
    writes_files: bool
    file_paths: list[str] = field(default_factory=list)  # op-relative files included
    notes: list[str] = field(default_factory=list)  # what could not be included, and why

    def stable_text(self) -> str:
        return "\n".join(p.render() for p in self.stable)

    def request_text(self) -> str:
        return "\n".join(p.render() for p in self.request)

    @property
    def chars(self) -> int:
        return len(self.system) + len(self.patterns) + len(self.stable_text()) + len(self.request_text())

    def estimate_tokens(self) -> int:
        """Local estimate (no network), labelled as such wherever shown."""
        return int(self.chars / CHARS_PER_TOKEN) + 1

    def summary(self) -> list[tuple[str, int]]:
        """(part title, characters) for the dry run and the screen."""
        rows = [("system instructions", len(self.system)), ("reference patterns", len(self.patterns))]
        rows += [(p.title + (f" ({p.source})" if p.source and p.source not in p.title else ""), len(p.text))
                 for p in self.stable + self.request]
        return rows


# -- spec sections ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Heading:
    title: str
    level: int
    line: int  # 1-based
    end: int  # last line of the section


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def spec_headings(text: str) -> list[_Heading]:
    """ATX headings outside fenced code, each with the last line of its section."""
    lines = text.splitlines()
    found: list[tuple[str, int, int]] = []
    in_fence = False
    for i, line in enumerate(lines, 1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        m = None if in_fence else _HEADING.match(line)
        if m:
            found.append((m.group(2).strip(), len(m.group(1)), i))
    out = []
    for k, (title, level, line) in enumerate(found):
        end = len(lines)
        for t2, l2, ln2 in found[k + 1:]:
            if l2 <= level:
                end = ln2 - 1
                break
        out.append(_Heading(title, level, line, end))
    return out


def spec_excerpt(text: str, keywords: Iterable[str]) -> list[ContextPart]:
    """The sections whose heading matches a keyword, with line numbers; nested matches merged into their parent."""
    lines = text.splitlines()
    keys = [k.lower() for k in keywords]
    chosen: list[_Heading] = []
    for h in spec_headings(text):
        title = h.title.lower()
        if h.level == 1 or not any(k in title for k in keys):
            continue
        if chosen and chosen[-1].line <= h.line <= chosen[-1].end:
            continue  # inside a section we already take
        chosen.append(h)
    width = len(str(len(lines)))
    parts = []
    for h in chosen:
        body = "\n".join(f"{n:>{width}}| {lines[n - 1]}" for n in range(h.line, h.end + 1))
        parts.append(ContextPart(f"Spec: {h.title}", body, f"spec:{h.line}-{h.end}"))
    return parts


# -- op files -----------------------------------------------------------------------------------------
def _globs_for(kind: TaskKind, stage: int) -> tuple[str, ...]:
    device_op = ("device/*_device_operation.hpp", "device/*_device_operation.cpp")
    factory = ("device/*_program_factory.hpp", "device/*_program_factory.cpp")
    kernels = ("device/kernels/dataflow/*.cpp", "device/kernels/compute/*.cpp", "device/kernels/*.cpp")
    if kind is TaskKind.VALIDATIONS:
        return device_op + ("test_dev/test_stage2_*.py", "test_dev/test_stage4_*.py")
    if kind is TaskKind.CBS:
        return factory
    if kind is TaskKind.COMPUTE:
        return ("device/kernels/compute/*.cpp", "device/kernels/dataflow/*.cpp", "stage7_handoff.md",
                "test_dev/test_stage7_*.py")
    if kind is TaskKind.EXPLAIN:
        return kernels + ("device/*_program_factory.cpp",)
    by_stage: dict[int, tuple[str, ...]] = {
        1: ("*.hpp", "*.cpp", "*_nanobind.*"), 2: device_op, 3: ("*.hpp", "*.cpp") + device_op,
        4: device_op, 5: factory, 6: factory + kernels, 7: ("device/kernels/compute/*.cpp", "device/kernels/dataflow/*.cpp"),
    }
    return by_stage.get(stage, device_op + factory) + (f"test_dev/test_stage{stage}_*.py",)


def stage_files(op_dir: Path, kind: TaskKind, stage: int) -> list[str]:
    """Existing op-relative files a task works on, in a stable order; symlinks leaving the op are skipped."""
    root = op_dir.resolve()
    seen: dict[str, None] = {}
    for pattern in _globs_for(kind, stage):
        for p in sorted(op_dir.glob(pattern)):
            try:
                if p.is_file() and p.resolve().is_relative_to(root):
                    seen.setdefault(p.relative_to(op_dir).as_posix(), None)
            except OSError:
                continue
    return list(seen)


def _read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data[:4096]:
        return None
    return data.decode("utf-8", errors="replace")


def _numbered(text: str) -> str:
    lines = text.splitlines()
    width = len(str(max(1, len(lines))))
    return "\n".join(f"{n:>{width}}| {line}" for n, line in enumerate(lines, 1))


# -- failure, findings, hardware ------------------------------------------------------------------------
@dataclass
class FailureInfo:
    summary: str  # the classified failure (kind, message, file:line, suggested next step)
    log_path: Path | None
    tail: str


def tail_lines(text: str, n: int = LOG_TAIL_LINES, max_chars: int = LOG_TAIL_CHARS) -> str:
    tail = "\n".join(text.splitlines()[-n:])
    return tail[-max_chars:]


_RUNNER_KEYS = ("last_status", "last_run_at", "last_host", "last_failure_kind", "last_failure_summary",
                "last_failure_path", "last_failure_line", "red_reason")


def last_failure(op_dir: Path, stage: int, runner_section: dict[str, Any] | None = None) -> FailureInfo | None:
    """The last run of ``stage``: its classified failure from the runner's session-state section
    (``[runner.stages.<N>]``, helper E's layout) and the tail of its log (that run's ``last_log``, else the
    newest ``.ttnn-wizard/logs/stage<N>-*.log``). None when the stage never ran."""
    stages = (runner_section or {}).get("stages")
    entry = stages.get(str(stage)) if isinstance(stages, Mapping) else None
    summary: list[str] = []
    log_path: Path | None = None
    if isinstance(entry, Mapping):
        for key in _RUNNER_KEYS:
            val = entry.get(key)
            if val not in (None, "", 0):
                summary.append(f"{key.removeprefix('last_')}: {val}")
        kind = entry.get("last_failure_kind")
        step = _next_step(kind) if kind else None
        if step:
            summary.append(f"suggested next step: {step}")
        raw = entry.get("last_log")
        if isinstance(raw, str) and raw:
            cand = Path(raw) if Path(raw).is_absolute() else op_dir / raw
            log_path = cand if cand.is_file() else None
    if log_path is None:
        logs_dir = op_dir / STATE_DIR / "logs"
        logs = sorted(logs_dir.glob(f"stage{stage}-*.log"), key=lambda p: p.stat().st_mtime, reverse=True) \
            if logs_dir.is_dir() else []
        log_path = logs[0] if logs else None
    if log_path is None and not summary:
        return None
    text = _read_text(log_path) if log_path else None
    tail = tail_lines(text) if text else ""
    if text and not any(s.startswith("failure_kind") for s in summary):
        summary.extend(_classify(text))
    return FailureInfo("\n".join(summary) or "(no classification recorded)", log_path, tail)


def _next_step(kind: str) -> str | None:
    try:
        from wizard.runner.classify import NEXT_STEP, FailureKind  # noqa: PLC0415
        return NEXT_STEP.get(FailureKind(kind))
    except Exception:  # noqa: BLE001 - runner absent or an unknown kind: no hint
        return None


def _classify(log_text: str) -> list[str]:
    """No recorded classification: run the runner's classifier over the log (when it is installed)."""
    try:
        from wizard.runner.classify import classify_failure  # noqa: PLC0415
        failure = classify_failure("", "", log=log_text)
    except Exception:  # noqa: BLE001 - absent or broken: the log tail still goes in
        return []
    out = [f"failure_kind (from the log): {failure.kind.value}", f"failure_summary: {failure.summary}"]
    if failure.location():
        out.append(f"failure_at: {failure.location()}")
    out.append(f"suggested next step: {failure.next_step}")
    return out


def check_findings(op_dir: Path, paths: Iterable[str]) -> tuple[list[str], str | None]:
    """Findings of the wizard's checks on the op, limited to the given files; (lines, why unavailable)."""
    try:
        from wizard.checks import check_op_dir  # noqa: PLC0415
    except Exception as exc:  # noqa: BLE001
        return [], f"checks unavailable ({exc.__class__.__name__})"
    try:
        findings = check_op_dir(op_dir)
    except WizardError as exc:
        return [], f"checks could not run: {exc}"
    except Exception as exc:  # noqa: BLE001 - a broken checker must not block delegation
        return [], f"checks failed: {exc.__class__.__name__}: {exc}"
    wanted = set(paths)
    return [f.render() for f in findings if not wanted or f.path in wanted], None


def hardware_facts(profile: Any) -> str:
    fields_ = ("name", "description", "arch", "board", "grid_x", "grid_y", "l1_size", "l1_budget", "dram_banks",
               "l1_alignment", "dram_alignment", "tile_bytes", "stage_timeout")
    return "\n".join(f"- {k}: {getattr(profile, k)}" for k in fields_ if getattr(profile, k, None) not in (None, ""))


# -- the builder ----------------------------------------------------------------------------------------
def build_context(
    task: DelegateTask,
    *,
    spec_text: str | None,
    profile: Any | None = None,
    runner_section: dict[str, Any] | None = None,
    console_text: str | None = None,
    include_findings: bool = True,
) -> DelegateContext:
    """Assemble what ``task`` needs. ``console_text`` (explain) is the console output the user sees."""
    op_dir = task.op_dir
    kind = task.kind
    notes: list[str] = []
    stable: list[ContextPart] = []
    if spec_text:
        keys = _FIX_SECTIONS.get(task.stage, _FIX_SECTIONS[6]) if kind is TaskKind.FIX else _SECTIONS[kind]
        parts = spec_excerpt(spec_text, keys)
        if not parts:
            notes.append("no spec section matched this task; the spec was sent whole")
            parts = [ContextPart("Spec (whole)", _numbered(spec_text), "spec")]
        stable.extend(parts)
    else:
        notes.append("no spec: the context has no spec sections")
    if profile is not None:
        stable.append(ContextPart("Hardware profile", hardware_facts(profile), f"profile {getattr(profile, 'name', '')}"))
    else:
        notes.append("no hardware profile loaded")

    request: list[ContextPart] = []
    paths = stage_files(op_dir, kind, task.stage)
    included: list[str] = []
    for rel in paths:
        text = _read_text(op_dir / rel)
        if text is None:
            notes.append(f"{rel}: not readable as text; left out")
            continue
        if len(text) > MAX_FILE_CHARS:
            notes.append(f"{rel}: {len(text):,} characters, cut to the first {MAX_FILE_CHARS:,}")
            text = text[:MAX_FILE_CHARS]
        request.append(ContextPart(f"File {rel}", _numbered(text), rel))
        included.append(rel)
    if not paths:
        notes.append(f"no files of stage {task.stage} found in the op directory")

    if kind in (TaskKind.FIX, TaskKind.EXPLAIN):
        failure = last_failure(op_dir, task.stage, runner_section)
        if failure is not None:
            request.append(ContextPart("Last classified failure", failure.summary,
                                       _rel(failure.log_path, op_dir) if failure.log_path else "session state"))
            if failure.tail:
                request.append(ContextPart(f"Log tail (last {LOG_TAIL_LINES} lines)", failure.tail,
                                           _rel(failure.log_path, op_dir) if failure.log_path else ""))
        else:
            notes.append(f"stage {task.stage} has no recorded run or log")
        if console_text:
            request.append(ContextPart("Console output (tail)", tail_lines(console_text), "console"))

    if include_findings and kind is not TaskKind.VALIDATIONS:
        lines, why = check_findings(op_dir, included)
        if why:
            notes.append(why)
        request.append(ContextPart("Check findings", "\n".join(lines) if lines else "(none)", "ttnn-wizard check"))

    request.append(ContextPart("Task", f"Stage {task.stage}. {_INSTRUCTIONS[kind]}"))
    return DelegateContext(task=task, system=SYSTEM, patterns=REFERENCE_PATTERNS, stable=stable, request=request,
                           writes_files=kind is not TaskKind.EXPLAIN, file_paths=included, notes=notes)


def _rel(path: Path | None, op_dir: Path) -> str:
    if path is None:
        return ""
    try:
        return path.relative_to(op_dir).as_posix()
    except ValueError:
        return str(path)
