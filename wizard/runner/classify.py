"""Classify a failing stage test from its message/traceback and the run's log, with a suggested next step.

Priority order after tt-metal's TDD ``failure_parser.py`` (domain.md 4.5): compile errors first (they explain
everything after them), then TT_FATAL validation, shape, numerical, program/kernel errors; hangs come from the
run (timeout, exit code, dispatch-timeout text) and are refined into a CB-deadlock hint when the triage or
watcher text shows a core stuck in ``cb_wait_front``/``cb_reserve_back``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from wizard.runner.agent import HANG_TEXT


class FailureKind(str, Enum):
    COMPILE_ERROR = "compile error"
    VALIDATION_ERROR = "validation error"
    PROGRAM_ERROR = "program/kernel error"
    SHAPE_MISMATCH = "shape mismatch"
    NUMERICAL_MISMATCH = "numerical mismatch"
    HANG = "hang"
    CB_DEADLOCK = "hang (CB deadlock)"
    TIMEOUT = "timeout"
    COLLECTION_ERROR = "collection error"
    BUILD_ERROR = "build error"
    ASSERTION = "assertion failed"
    OTHER = "error"


NEXT_STEP: dict[FailureKind, str] = {
    FailureKind.COMPILE_ERROR: "fix the kernel at the reported line; kernels compile at run time, so no rebuild "
    "is needed (check includes, CT-arg indices and API names against the current tt-metal)",
    FailureKind.VALIDATION_ERROR: "the device operation's validate rejected the input: compare the TT_FATAL "
    "condition with the spec's input requirements and with the shapes/layouts the test uses",
    FailureKind.PROGRAM_ERROR: "the program factory or kernel setup threw: check CB indices/sizes against L1, "
    "core ranges against the grid, and the CreateKernel paths",
    FailureKind.SHAPE_MISMATCH: "the output spec disagrees with the test: check compute_output_specs (shape "
    "formula, padding, layout) against the spec's output section",
    FailureKind.NUMERICAL_MISMATCH: "values differ from the reference: expected until Stage 7 for stub kernels; "
    "otherwise check the compute math, the scaler CB and the tolerance",
    FailureKind.HANG: "the device hung and was reset: check that every CB's pushes equal its pops and that "
    "producer and consumer agree on page sizes (ttnn-wizard check --op-dir DIR)",
    FailureKind.CB_DEADLOCK: "a core waits on a CB that never fills: compare the waiting kernel's cb_wait_front "
    "count with what its producer pushes (ttnn-wizard check reports the balance)",
    FailureKind.TIMEOUT: "the run exceeded its timeout without a device-hang signature: raise --timeout if it "
    "is just slow (first runs JIT-compile kernels), else look for a host-side loop",
    FailureKind.COLLECTION_ERROR: "pytest could not import or collect the test: fix the import/syntax error "
    "shown (is the op built and importable? run the build without --no-build)",
    FailureKind.BUILD_ERROR: "the host build failed: fix the C++ error at the reported file and line, then run "
    "again (the build reruns because host files changed)",
    FailureKind.ASSERTION: "the stage's pass condition does not hold yet: read the assertion; before the stage "
    "is implemented this is the expected RED",
    FailureKind.OTHER: "read the error and the traceback in the log",
}

# path:line[:col]: error: ...  (gcc/clang; the JIT build prints the kernel's absolute path)
_COMPILE_AT = re.compile(
    r"(?P<path>(?:/|\.{0,2}/)?[\w./+-]+\.(?:cpp|cc|cxx|c|hpp|h|hh|inl)):(?P<line>\d+)(?::\d+)?:\s*(?:fatal\s+)?error:\s*(?P<msg>.*)"
)
_COMPILE_HINT = re.compile(
    r"CompileError|kernel compilation failed|build failed|undefined reference to|fatal error:|"
    r"No such file or directory.*\.h",
    re.IGNORECASE,
)
_TT_FATAL = re.compile(r"TT_FATAL\s*@\s*(?P<path>[^\s:]+):(?P<line>\d+):?\s*(?P<cond>.*)")
_TT_THROW = re.compile(r"TT_THROW\s*@\s*(?P<path>[^\s:]+):(?P<line>\d+):?\s*(?P<cond>.*)")
_SHAPE = re.compile(
    r"shape mismatch|Shape:.*expected|expected[_ ]shape|\.shape\b.*==|assert .*shape|padded_shape.*==",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"Max diff:\s*[\d.eE+-]+|not close|assert_close|allclose|\bPCC\b|comp_pcc|mismatched elements",
    re.IGNORECASE,
)
_PROGRAM = re.compile(
    r"program factory|program_factory|CreateKernel|CreateCircularBuffer|create_cb|circular buffer|"
    r"Kernel creation|kernel|Statically allocated circular buffers|out of memory|L1",
    re.IGNORECASE,
)
_COLLECT = re.compile(
    r"collection failure|ImportError|ModuleNotFoundError|SyntaxError|fixture '[\w]+' not found|"
    r"ERROR collecting|IndentationError",
)
_WAIT_CB = re.compile(r"cb_wait_front|cb_reserve_back")
_RISC = re.compile(r"\b(BRISC|NCRISC|TRISC\d?|ERISC)\b")
_CB_ID = re.compile(r"(?:cb(?:_id)?|CB|CBIndex::c_)\s*[=:#]?\s*(\d{1,2})\b")
_PY_AT = re.compile(r"^(?P<path>[^\s:][^:\n]*\.py):(?P<line>\d+):", re.MULTILINE)


@dataclass
class Failure:
    kind: FailureKind
    summary: str  # one line for the table
    next_step: str
    path: str | None = None  # where to jump (as printed; results.py maps it into the op dir)
    line: int | None = None

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.path and self.line else (self.path or "")


def _first_line(text: str, limit: int = 160) -> str:
    for ln in text.splitlines():
        ln = ln.strip()
        if ln:
            return ln[:limit]
    return ""


def _prefer_kernel(matches: list[re.Match[str]]) -> re.Match[str]:
    for m in matches:
        if "/kernels/" in m.group("path"):
            return m
    return matches[0]


def classify_failure(message: str, text: str, *, log: str = "") -> Failure:
    """Classify one failing test from its junit ``message`` and traceback ``text`` (plus the run log)."""
    blob = f"{message}\n{text}"
    compile_hits = list(_COMPILE_AT.finditer(blob)) or list(_COMPILE_AT.finditer(log))
    if compile_hits:
        m = _prefer_kernel(compile_hits)
        name = m.group("path").rsplit("/", 1)[-1]
        return Failure(
            FailureKind.COMPILE_ERROR, f"{name}:{m.group('line')}: {m.group('msg').strip()}"[:200],
            NEXT_STEP[FailureKind.COMPILE_ERROR], m.group("path"), int(m.group("line")),
        )
    if _COMPILE_HINT.search(blob):
        return Failure(FailureKind.COMPILE_ERROR, _first_line(message or text), NEXT_STEP[FailureKind.COMPILE_ERROR],
                       *_py_location(text))
    if _COLLECT.search(blob) and not _TT_FATAL.search(blob) and "RuntimeError" not in blob:
        err = re.search(r"^E?\s*((?:\w+\.)*\w*Error: .+|fixture '\w+' not found)$", text, re.MULTILINE)
        return Failure(FailureKind.COLLECTION_ERROR, err.group(1).strip()[:200] if err else _first_line(message or text),
                       NEXT_STEP[FailureKind.COLLECTION_ERROR], *_py_location(text))
    # A failed assert is about the pass condition even when it quotes a TT_THROW/TT_FATAL text.
    is_assert = (message or "").lstrip().startswith(("AssertionError", "assert ", "Failed:")) or \
        "Regex pattern did not match" in blob or "DID NOT RAISE" in blob
    fatal = _TT_FATAL.search(blob)
    if fatal and not is_assert and ("validate" in blob or "device_operation" in fatal.group("path")):
        cond = _fatal_info(blob) or fatal.group("cond").strip()
        return Failure(FailureKind.VALIDATION_ERROR, f"TT_FATAL: {cond}"[:200], NEXT_STEP[FailureKind.VALIDATION_ERROR],
                       fatal.group("path"), int(fatal.group("line")))
    if _SHAPE.search(blob):
        return Failure(FailureKind.SHAPE_MISMATCH, _assert_line(blob), NEXT_STEP[FailureKind.SHAPE_MISMATCH],
                       *_py_location(text))
    if _NUMERIC.search(blob):
        return Failure(FailureKind.NUMERICAL_MISMATCH, _assert_line(blob), NEXT_STEP[FailureKind.NUMERICAL_MISMATCH],
                       *_py_location(text))
    throw = _TT_THROW.search(blob) or fatal
    if throw and not is_assert:
        cond = _fatal_info(blob) or throw.group("cond").strip()
        return Failure(FailureKind.PROGRAM_ERROR, cond[:200] or _first_line(message), NEXT_STEP[FailureKind.PROGRAM_ERROR],
                       throw.group("path"), int(throw.group("line")))
    if not is_assert and "RuntimeError" in blob and _PROGRAM.search(blob):
        return Failure(FailureKind.PROGRAM_ERROR, _first_line(message or text), NEXT_STEP[FailureKind.PROGRAM_ERROR],
                       *_py_location(text))
    if is_assert or "AssertionError" in blob:
        return Failure(FailureKind.ASSERTION, _assert_line(blob), NEXT_STEP[FailureKind.ASSERTION], *_py_location(text))
    return Failure(FailureKind.OTHER, _first_line(message or text), NEXT_STEP[FailureKind.OTHER], *_py_location(text))


def classify_hang(log: str, *, timed_out: bool, exit_code: int | None, timeout: float | None = None) -> Failure:
    """A run that did not end by itself: a device hang (reset follows), a CB deadlock hint, or a plain timeout."""
    tail = log[-200_000:]
    if _WAIT_CB.search(tail):
        risc = _RISC.search(tail)
        cb = _CB_ID.search(tail[_WAIT_CB.search(tail).start():])  # type: ignore[union-attr]
        bits = [b for b in (risc.group(1) if risc else "", f"CB {cb.group(1)}" if cb else "") if b]
        where = f" ({', '.join(bits)})" if bits else ""
        return Failure(FailureKind.CB_DEADLOCK, f"a core is stuck in cb_wait_front/cb_reserve_back{where}",
                       NEXT_STEP[FailureKind.CB_DEADLOCK])
    if HANG_TEXT.search(tail):
        line = next((ln.strip() for ln in tail.splitlines() if HANG_TEXT.search(ln)), "dispatch timeout")
        return Failure(FailureKind.HANG, line[:200], NEXT_STEP[FailureKind.HANG])
    if exit_code in (134, 137) and not timed_out:
        return Failure(FailureKind.HANG, f"the test process died with exit code {exit_code}", NEXT_STEP[FailureKind.HANG])
    secs = f" after {timeout:.0f} s" if timeout else ""
    return Failure(FailureKind.TIMEOUT, f"no result{secs}; the process group was stopped", NEXT_STEP[FailureKind.TIMEOUT])


def classify_build(log: str) -> Failure:
    hits = list(_COMPILE_AT.finditer(log))
    if hits:
        m = hits[0]
        return Failure(FailureKind.BUILD_ERROR, f"{m.group('path').rsplit('/', 1)[-1]}:{m.group('line')}: "
                       f"{m.group('msg').strip()}"[:200], NEXT_STEP[FailureKind.BUILD_ERROR], m.group("path"),
                       int(m.group("line")))
    last = next((ln.strip() for ln in reversed(log.splitlines()) if ln.strip()), "the build command failed")
    return Failure(FailureKind.BUILD_ERROR, last[:200], NEXT_STEP[FailureKind.BUILD_ERROR])


def _fatal_info(blob: str) -> str:
    """tt-metal prints the TT_FATAL message on the line after ``info:``."""
    m = re.search(r"^(?:E\s+)?\s*info:\s*\n(?:E\s+)?\s*(.+)$", blob, re.MULTILINE)
    return m.group(1).strip() if m else ""


def _assert_line(blob: str) -> str:
    for ln in blob.splitlines():
        s = ln.strip()
        if s.startswith("E ") and s[1:].strip():
            return s[1:].strip()[:200]
    return _first_line(blob, 200)


def _py_location(text: str) -> tuple[str | None, int | None]:
    """The last ``file.py:N:`` in a pytest traceback: the line that failed (the test's own, usually)."""
    hits = list(_PY_AT.finditer(text))
    if not hits:
        return None, None
    m = hits[-1]
    return m.group("path"), int(m.group("line"))
