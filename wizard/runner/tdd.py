"""Test-first tracking: a stage goes RED (its test fails, for the expected reason, before its code is applied)
then GREEN (the test passes after). Recorded with timestamps in the session state.

"Expected reason": the stage's tests ran and failed on their pass condition (an assertion, the wrong or
missing RuntimeError, a program/kernel error, a missing kernel). A test that cannot be collected (import or
syntax error, missing fixture), a hang, a build failure, or a run where everything was skipped (no device)
proves nothing about the stage, so it is not a RED.

State layout (section "runner", read by the delegate context builder too):
    [runner.stages.<N>]  last_status, last_run_at, last_log, last_junit, last_host, last_failure_kind,
                         last_failure_summary, last_failure_path, last_failure_line, red_at, red_reason, green_at
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from wizard.runner.classify import FailureKind
from wizard.runner.results import RunResult, RunStatus

NOT_A_RED = {FailureKind.COLLECTION_ERROR, FailureKind.BUILD_ERROR, FailureKind.HANG, FailureKind.CB_DEADLOCK,
             FailureKind.TIMEOUT}


@dataclass
class TddVerdict:
    red: bool  # a RED for the expected reason
    green: bool
    reason: str  # why (not) a RED / GREEN, one line

    def met(self, expect: str | None, result: RunResult) -> bool:
        if expect == "red":
            return self.red
        if expect == "green":
            return self.green
        return result.status in (RunStatus.PASSED, RunStatus.SKIPPED)


def judge(result: RunResult) -> TddVerdict:
    if result.status == RunStatus.PASSED:
        return TddVerdict(False, True, f"{result.count_passed()} passed")
    if result.status != RunStatus.FAILED:
        why = result.failure.summary if result.failure else result.message
        return TddVerdict(False, False, f"{result.status.value}{': ' + why if why else ''}")
    kinds = [t.failure.kind for t in result.failures if t.failure is not None]
    bad = [k for k in kinds if k in NOT_A_RED]
    first = next((t for t in result.failures if t.failure is not None), None)
    detail = f"{first.name}: {first.failure.kind.value}: {first.failure.summary}" if first and first.failure else ""
    if not kinds or bad:
        what = ", ".join(sorted({k.value for k in bad})) or "no classified failure"
        return TddVerdict(False, False, f"failed, but not on the stage's pass condition ({what}); {detail}".rstrip("; "))
    return TddVerdict(True, False, detail or "failed")


def _stage_table(section: MutableMapping[str, Any], stage: int) -> MutableMapping[str, Any]:
    stages = section.get("stages")
    if not isinstance(stages, MutableMapping):
        section["stages"] = {}
        stages = section["stages"]
    key = str(stage)
    if key not in stages or not isinstance(stages[key], MutableMapping):
        stages[key] = {}
    return stages[key]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def record(state: Any, stage: int, result: RunResult, expect: str | None = None) -> TddVerdict:
    """Record the run in ``state`` (a wizard.state.SessionState); set RED/GREEN per the rules above.

    RED is set when the run is a RED for the expected reason and either the user said ``--expect red`` or the
    stage has no code yet (status not started / already red). GREEN is set whenever all tests passed.
    """
    from wizard.state import StageStatus

    verdict = judge(result)
    table = _stage_table(state.section("runner"), stage)
    table["last_status"] = result.status.value
    table["last_run_at"] = _now()
    table["last_host"] = result.host or "local"
    table["last_log"] = str(result.log_path) if result.log_path else ""
    table["last_junit"] = str(result.junit_path) if result.junit_path else ""
    failure = result.failure or next((t.failure for t in result.failures if t.failure is not None), None)
    table["last_failure_kind"] = failure.kind.value if failure else ""
    table["last_failure_summary"] = failure.summary if failure else ""
    table["last_failure_path"] = failure.path or "" if failure else ""
    table["last_failure_line"] = failure.line or 0 if failure else 0
    current = state.stage_status(stage)
    if verdict.green:
        state.set_stage(stage, StageStatus.GREEN, note=f"green {_now()}")
        table["green_at"] = _now()
        result.tdd = "green"
    elif verdict.red and (expect == "red" or current in (StageStatus.NOT_STARTED, StageStatus.RED)):
        state.set_stage(stage, StageStatus.RED, note=verdict.reason[:200])
        table["red_at"] = _now()
        table["red_reason"] = verdict.reason[:500]
        result.tdd = "red"
    result.expectation_met = verdict.met(expect, result)
    return verdict
