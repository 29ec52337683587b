"""A stage run's results: pytest's junit xml as a per-test table, each failure classified."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from wizard.runner.classify import Failure, FailureKind, classify_failure


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


class RunStatus(str, Enum):
    PASSED = "passed"  # every test passed
    FAILED = "failed"  # tests ran, some failed
    SKIPPED = "skipped"  # every test skipped (no device: the device fixture skips)
    HANG = "hang"  # device hang (reset follows)
    TIMEOUT = "timeout"
    BUILD_FAILED = "build failed"
    STOPPED = "stopped"
    CONNECTION_LOST = "connection lost"
    NO_TESTS = "no tests"
    ERROR = "error"  # pytest itself failed (usage, internal error)


@dataclass
class TestResult:
    __test__ = False  # not a pytest class

    name: str
    classname: str
    outcome: Outcome
    duration: float
    message: str = ""
    text: str = ""
    file: str | None = None
    line: int | None = None
    failure: Failure | None = None


@dataclass
class RunResult:
    stage: int
    status: RunStatus
    exit_code: int | None
    tests: list[TestResult] = field(default_factory=list)
    failure: Failure | None = None  # run-level: hang, timeout, build error, connection loss
    log_path: Path | None = None
    junit_path: Path | None = None
    duration: float = 0.0
    host: str | None = None
    resets: list[str] = field(default_factory=list)  # "why -> exit code"
    driver_available: bool | None = None
    driver_reason: str = ""
    built: bool = False
    message: str = ""
    tdd: str | None = None  # "red" / "green" when recorded
    expectation_met: bool | None = None
    op_dir: Path | None = None  # for local_path(): where printed paths map to on this machine
    checkout_root: Path | None = None
    remote_root: str | None = None

    def local_path(self, printed: str) -> Path | None:
        """Map a path from the output (checkout-relative, absolute here, or absolute on the remote box) to an
        existing file on this machine; None when it is not one of ours (e.g. a tt-metal header)."""
        if not printed:
            return None
        p = Path(printed)
        candidates: list[Path] = []
        if p.is_absolute():
            ours = [b for b in (self.checkout_root, self.op_dir) if b is not None]
            if any(p.is_relative_to(b) for b in ours):
                candidates.append(p)
            if self.remote_root and printed.startswith(self.remote_root.rstrip("/") + "/") and self.checkout_root:
                candidates.append(self.checkout_root / printed[len(self.remote_root.rstrip("/")) + 1:])
        else:
            if self.checkout_root is not None:
                candidates.append(self.checkout_root / p)
            if self.op_dir is not None:
                candidates.append(self.op_dir / p)
        if self.op_dir is not None:
            # any path that runs through a directory named like the op (a build box's absolute path)
            parts = p.parts
            name = self.op_dir.name
            for i in range(len(parts) - 1, -1, -1):
                if parts[i] == name and i + 1 < len(parts):
                    candidates.append(self.op_dir.joinpath(*parts[i + 1:]))
                    break
        for c in candidates:
            if c.is_file():
                return c
        return None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for t in self.tests if t.outcome == outcome)

    def count_passed(self) -> int:
        return self.count(Outcome.PASSED)

    @property
    def failures(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome in (Outcome.FAILED, Outcome.ERROR)]

    @property
    def ok(self) -> bool:
        return self.status == RunStatus.PASSED

    def summary(self) -> str:
        where = f" on {self.host}" if self.host else ""
        counts = ", ".join(
            f"{self.count(o)} {o.value}" for o in Outcome if self.count(o)
        ) or "no tests reported"
        return f"stage {self.stage}{where}: {self.status.value} ({counts}) in {self.duration:.1f} s"


def parse_junit(text: str, *, log: str = "") -> list[TestResult]:
    """Per-test rows from pytest's junit xml (xunit1 or xunit2); failures classified. Bad xml -> []."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return []
    out: list[TestResult] = []
    for case in root.iter("testcase"):
        name = case.get("name", "?")
        classname = case.get("classname", "")
        try:
            duration = float(case.get("time", "0") or 0)
        except ValueError:
            duration = 0.0
        file = case.get("file")
        try:
            line = int(case.get("line", "")) + 1 if case.get("line") else None  # xunit1 line is 0-based
        except ValueError:
            line = None
        outcome, message, body = Outcome.PASSED, "", ""
        for child in case:
            tag = child.tag
            if tag in ("failure", "error"):
                outcome = Outcome.FAILED if tag == "failure" else Outcome.ERROR
                message = child.get("message", "") or ""
                body = child.text or ""
                break
            if tag == "skipped":
                outcome = Outcome.SKIPPED
                message = child.get("message", "") or (child.text or "")
                if message == "collection skipped":  # a module-level skip: the reason is in the text
                    message = _collection_skip_reason(child.text or "") or message
        result = TestResult(name, classname, outcome, duration, message.strip(), body, file, line)
        if outcome in (Outcome.FAILED, Outcome.ERROR):
            result.failure = classify_failure(message, body, log=log)
        out.append(result)
    return out


def _collection_skip_reason(text: str) -> str:
    """pytest writes a module-level skip as ``('path', line, 'Skipped: reason')``: the reason."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    reason = value[-1] if isinstance(value, tuple) and value and isinstance(value[-1], str) else text.strip()
    return reason.removeprefix("Skipped: ").strip()


def read_junit(path: Path, *, log: str = "") -> list[TestResult]:
    try:
        return parse_junit(path.read_text(encoding="utf-8", errors="replace"), log=log)
    except OSError:
        return []


def format_table(result: RunResult, *, width: int = 100) -> str:
    """The per-test table and the classification of each failure, for the CLI."""
    lines = [result.summary()]
    if result.message:
        lines.append(result.message)
    if result.tests:
        name_w = min(max(len(t.name) for t in result.tests), max(20, width - 40))
        lines.append(f"{'test':<{name_w}}  {'outcome':<8}  {'time':>7}  detail")
        for t in result.tests:
            detail = ""
            if t.failure is not None:
                detail = t.failure.kind.value
            elif t.outcome == Outcome.SKIPPED:
                detail = t.message[:60]
            name = t.name if len(t.name) <= name_w else t.name[: name_w - 1] + "…"
            lines.append(f"{name:<{name_w}}  {t.outcome.value:<8}  {t.duration:6.2f}s  {detail}")
    for t in result.failures:
        f = t.failure
        if f is None:
            continue
        lines.append("")
        lines.append(f"{t.name}: {f.kind.value}: {f.summary}")
        if f.location():
            lines.append(f"  at {f.location()}")
        lines.append(f"  next: {f.next_step}")
    if result.failure is not None:
        f = result.failure
        lines.append("")
        lines.append(f"run: {f.kind.value}: {f.summary}")
        if f.location():
            lines.append(f"  at {f.location()}")
        lines.append(f"  next: {f.next_step}")
    if result.resets:
        lines.append("device resets: " + "; ".join(result.resets))
    if result.log_path:
        lines.append(f"log: {result.log_path}")
    return "\n".join(lines)


def status_from(tests: list[TestResult], exit_code: int | None) -> RunStatus:
    """pytest's exit codes: 0 ok, 1 tests failed, 2 interrupted, 3 internal error, 4 usage, 5 no tests.

    Every test module skipped at import (``pytest.importorskip``) collects nothing, so pytest exits 5; the junit
    report still lists each skipped module: that is SKIPPED, not "no tests"."""
    if tests and exit_code in (0, 5, None) and all(t.outcome == Outcome.SKIPPED for t in tests):
        return RunStatus.SKIPPED
    if exit_code == 5 or (not tests and exit_code == 0):
        return RunStatus.NO_TESTS
    if any(t.outcome in (Outcome.FAILED, Outcome.ERROR) for t in tests):
        return RunStatus.FAILED
    if exit_code not in (0, None):
        return RunStatus.ERROR if exit_code in (2, 3, 4) or not tests else RunStatus.FAILED
    if tests and all(t.outcome == Outcome.SKIPPED for t in tests):
        return RunStatus.SKIPPED
    return RunStatus.PASSED


__all__ = [
    "Failure", "FailureKind", "Outcome", "RunResult", "RunStatus", "TestResult",
    "format_table", "parse_junit", "read_junit", "status_from",
]
