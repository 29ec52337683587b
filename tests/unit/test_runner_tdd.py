"""Build-needed detection and RED/GREEN recording in the session state."""

from __future__ import annotations

from pathlib import Path

from wizard.runner import build
from wizard.runner.classify import Failure, FailureKind
from wizard.runner.results import Outcome, RunResult, RunStatus, TestResult
from wizard.runner.tdd import judge, record
from wizard.state import SessionState, StageStatus


def _op(tmp_path: Path) -> Path:
    op = tmp_path / "my_op"
    (op / "device" / "kernels" / "dataflow").mkdir(parents=True)
    (op / "device" / "my_op_device_operation.cpp").write_text("// host\n")
    (op / "device" / "kernels" / "dataflow" / "reader.cpp").write_text("// kernel\n")
    (op / "CMakeLists.txt").write_text("# cmake\n")
    (op / "test_dev").mkdir()
    (op / "test_dev" / "test_stage4_x.py").write_text("def test(): pass\n")
    return op


def test_host_side_files_and_hash(tmp_path: Path) -> None:
    op = _op(tmp_path)
    names = [p.relative_to(op).as_posix() for p in build.host_side_files(op)]
    assert names == ["CMakeLists.txt", "device/my_op_device_operation.cpp"]
    section: dict = {}
    assert build.build_needed(section, op, None)
    build.mark_built(section, op, None)
    assert not build.build_needed(section, op, None)
    assert build.build_needed(section, op, "me@box")  # per host
    (op / "device" / "kernels" / "dataflow" / "reader.cpp").write_text("// changed kernel\n")
    (op / "test_dev" / "test_stage4_x.py").write_text("def test(): assert 1\n")
    assert not build.build_needed(section, op, None)
    (op / "CMakeLists.txt").write_text("# changed\n")
    assert build.build_needed(section, op, None)


def _result(status: RunStatus, *kinds: FailureKind) -> RunResult:
    tests = [TestResult(f"t{i}", "c", Outcome.FAILED, 0.1, failure=Failure(k, "why", "next"))
             for i, k in enumerate(kinds)]
    if status == RunStatus.PASSED:
        tests = [TestResult("t", "c", Outcome.PASSED, 0.1)]
    return RunResult(4, status, 0 if status == RunStatus.PASSED else 1, tests=tests)


def test_judge() -> None:
    assert judge(_result(RunStatus.PASSED)).green
    assert judge(_result(RunStatus.FAILED, FailureKind.ASSERTION)).red
    assert judge(_result(RunStatus.FAILED, FailureKind.PROGRAM_ERROR)).red
    assert not judge(_result(RunStatus.FAILED, FailureKind.COLLECTION_ERROR)).red  # a broken test proves nothing
    assert not judge(_result(RunStatus.FAILED, FailureKind.ASSERTION, FailureKind.COLLECTION_ERROR)).red
    hang = _result(RunStatus.HANG)
    assert not judge(hang).red and not judge(hang).green
    assert not judge(_result(RunStatus.SKIPPED)).green


def test_record_red_then_green(tmp_path: Path) -> None:
    op = _op(tmp_path)
    state = SessionState.load(op)
    red = _result(RunStatus.FAILED, FailureKind.ASSERTION)
    record(state, 4, red, expect="red")
    assert red.tdd == "red" and red.expectation_met
    assert state.stage_status(4) == StageStatus.RED
    green = _result(RunStatus.PASSED)
    record(state, 4, green, expect="green")
    assert state.stage_status(4) == StageStatus.GREEN and green.expectation_met
    state.save()
    table = SessionState.load(op).section("runner")["stages"]["4"]
    assert table["red_at"] and table["green_at"] and table["last_status"] == "passed"


def test_generated_stage_failing_is_not_marked_red_without_expect(tmp_path: Path) -> None:
    state = SessionState.load(_op(tmp_path))
    state.set_stage(5, StageStatus.GENERATED)
    res = _result(RunStatus.FAILED, FailureKind.NUMERICAL_MISMATCH)
    res.stage = 5
    record(state, 5, res)
    assert state.stage_status(5) == StageStatus.GENERATED and res.tdd is None
    assert res.expectation_met is False  # no --expect: failing tests fail the command
    assert state.section("runner")["stages"]["5"]["last_failure_kind"] == "numerical mismatch"
