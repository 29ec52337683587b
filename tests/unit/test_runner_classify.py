"""Failure classification and junit parsing on realistic tt-metal / pytest texts."""

from __future__ import annotations

from pathlib import Path

from wizard.runner.classify import FailureKind, classify_build, classify_failure, classify_hang
from wizard.runner.results import Outcome, RunResult, RunStatus, parse_junit, status_from

JIT_ERROR = """RuntimeError: TT_THROW @ /home/u/tt-metal/tt_metal/jit_build/build.cpp:520: tt::exception
info:
trisc1 build failed. Log: /home/u/.cache/tt-metal-cache/abc/kernels/x/trisc1/build.log
In file included from /home/u/tt-metal/tt_metal/hw/inc/dataflow_api.h:10:
/home/u/tt-metal/ttnn/cpp/ttnn/operations/reduction/my_op/device/kernels/compute/my_op_compute.cpp:23:9: error: 'cb_wait_frnt' was not declared in this scope
"""


def test_compile_error_points_at_the_kernel() -> None:
    f = classify_failure("RuntimeError: TT_THROW @ ...", JIT_ERROR)
    assert f.kind == FailureKind.COMPILE_ERROR
    assert f.path is not None and f.path.endswith("device/kernels/compute/my_op_compute.cpp") and f.line == 23
    assert "cb_wait_frnt" in f.summary and "my_op_compute.cpp:23" in f.summary


def test_validation_error() -> None:
    text = ("E   RuntimeError: TT_FATAL @ /x/ttnn/cpp/ttnn/operations/r/my_op/device/my_op_device_operation.cpp:57: "
            "a.dtype() == DataType::BFLOAT16\nE   info:\nE   my_op: input must be bfloat16\n")
    f = classify_failure("RuntimeError: TT_FATAL @ ...", text)
    assert f.kind == FailureKind.VALIDATION_ERROR and f.line == 57
    assert "must be bfloat16" in f.summary


def test_program_error_shape_numeric_assertion() -> None:
    prog = classify_failure(
        "RuntimeError: TT_THROW @ /x/my_op_program_factory.cpp:88: my_op: Kernel creation not yet implemented", "")
    assert prog.kind == FailureKind.PROGRAM_ERROR and prog.line == 88
    shape = classify_failure("AssertionError: assert [1, 1, 32, 32] == [1, 1, 32, 1]",
                             "E       assert list(output.shape) == expected_shape\n")
    assert shape.kind == FailureKind.SHAPE_MISMATCH
    num = classify_failure("AssertionError: Max diff: 0.25", "t.py:9: AssertionError")
    assert num.kind == FailureKind.NUMERICAL_MISMATCH and num.path == "t.py" and num.line == 9
    # an assert quoting a TT_THROW is about the pass condition, not a program error
    a = classify_failure("AssertionError: TT_THROW @ x.cpp:1: select not implemented", "")
    assert a.kind == FailureKind.ASSERTION
    raised = classify_failure("Failed: DID NOT RAISE <class 'RuntimeError'>", "")
    assert raised.kind == FailureKind.ASSERTION


def test_collection_error() -> None:
    f = classify_failure("collection failure", "E   ModuleNotFoundError: No module named 'ttnn'\n")
    assert f.kind == FailureKind.COLLECTION_ERROR and "No module named 'ttnn'" in f.summary


def test_hangs() -> None:
    dl = classify_hang("triage:\n core (1,1) NCRISC: waiting in cb_wait_front cb_id=4\n", timed_out=False,
                       exit_code=1)
    assert dl.kind == FailureKind.CB_DEADLOCK and "NCRISC" in dl.summary and "CB 4" in dl.summary
    dispatch = classify_hang("RuntimeError: TT_THROW @ system_memory_manager.cpp:627: TIMEOUT: device timeout, "
                             "potential hang detected", timed_out=False, exit_code=1)
    assert dispatch.kind == FailureKind.HANG
    assert classify_hang("", timed_out=False, exit_code=134).kind == FailureKind.HANG
    plain = classify_hang("collecting ...", timed_out=True, exit_code=124, timeout=30)
    assert plain.kind == FailureKind.TIMEOUT and "30 s" in plain.summary


def test_build_error() -> None:
    f = classify_build("[ 50%] Building CXX\n/r/ttnn/x/my_op_program_factory.cpp:12:5: error: expected ';'\n")
    assert f.kind == FailureKind.BUILD_ERROR and f.line == 12
    assert classify_build("ninja: build stopped").summary == "ninja: build stopped"


JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1"
skipped="1" tests="3" time="1.2"><testcase classname="test_dev.test_stage6" name="test_ok" file="test_dev/test_stage6.py"
line="9" time="0.5"/><testcase classname="test_dev.test_stage6" name="test_shape[1x1x32x64]" time="0.25"><failure
message="AssertionError: Max diff: 1.5">test_dev/test_stage6.py:30: AssertionError</failure></testcase><testcase
classname="test_dev.test_stage6" name="test_dev" time="0.0"><skipped type="pytest.skip" message="no device">skip
</skipped></testcase></testsuite></testsuites>"""


def test_parse_junit() -> None:
    tests = parse_junit(JUNIT)
    assert [(t.name, t.outcome) for t in tests] == [
        ("test_ok", Outcome.PASSED), ("test_shape[1x1x32x64]", Outcome.FAILED), ("test_dev", Outcome.SKIPPED)]
    assert tests[0].file == "test_dev/test_stage6.py" and tests[0].line == 10  # xunit1 lines are 0-based
    assert tests[1].failure is not None and tests[1].failure.kind == FailureKind.NUMERICAL_MISMATCH
    assert tests[2].message == "no device"
    assert status_from(tests, 1) == RunStatus.FAILED
    assert parse_junit("<not xml") == []


def test_status_from() -> None:
    assert status_from([], 5) == RunStatus.NO_TESTS
    assert status_from([], 4) == RunStatus.ERROR
    skipped = parse_junit(JUNIT)[2:]
    assert status_from(skipped, 0) == RunStatus.SKIPPED
    assert status_from(parse_junit(JUNIT)[:1], 0) == RunStatus.PASSED


def test_local_path_mapping(tmp_path: Path) -> None:
    root = tmp_path / "tt-metal"
    op = root / "ttnn/cpp/ttnn/operations/r/my_op"
    (op / "device/kernels").mkdir(parents=True)
    k = op / "device/kernels/reader.cpp"
    k.write_text("x")
    r = RunResult(4, RunStatus.FAILED, 1, op_dir=op, checkout_root=root, remote_root="/box/tt-metal")
    assert r.local_path("ttnn/cpp/ttnn/operations/r/my_op/device/kernels/reader.cpp") == k
    assert r.local_path("/box/tt-metal/ttnn/cpp/ttnn/operations/r/my_op/device/kernels/reader.cpp") == k
    assert r.local_path("/elsewhere/build/my_op/device/kernels/reader.cpp") == k
    assert r.local_path("/usr/include/stdio.h") is None


def test_watcher_waypoints_name_the_cb_wait() -> None:
    from wizard.runner.classify import FailureKind, classify_hang

    log = ("watcher: Device 0 worker core(x= 0,y= 0) virtual(x=18,y=18): D,D,CWFW,D,D rmsg:D0G|BNT\n"
           "watcher: Device 0 worker core(x= 1,y= 0) virtual(x=19,y=18): D,D,CWFW,D,D rmsg:D0G|BNT\n")
    f = classify_hang(log, timed_out=False, exit_code=1)
    assert f.kind is FailureKind.CB_DEADLOCK
    assert "cb_wait_front" in f.summary and "2 cores" in f.summary and "producer does not push" in f.summary
    g = classify_hang("watcher: core(x= 3,y= 4): CRBW,D,W,W,W\n", timed_out=True, exit_code=124)
    assert g.kind is FailureKind.CB_DEADLOCK and "cb_reserve_back" in g.summary and "does not pop" in g.summary
