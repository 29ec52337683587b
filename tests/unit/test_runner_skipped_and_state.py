"""Runner fixes (helper M): a corrupt session state stops `run` before anything runs; a stage whose test modules
skip at import (no torch/ttnn, no device) is SKIPPED with the reason, not "no tests" or a collection error."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from wizard.cli import main
from wizard.errors import WizardError
from wizard.profiles import load_profile
from wizard.runner import Runner, RunStatus
from wizard.runner.results import Outcome, parse_junit, status_from

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
OP_REL = "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"

COLLECTION_SKIP = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0"
skipped="1" tests="1"><testcase classname="" name="test_dev.test_stage4_device_op"
file="test_dev/test_stage4_device_op.py" time="0.000"><skipped message="collection skipped">('/x/test_dev/test_stage4_device_op.py', 12, "Skipped: torch is not installed (run stage tests in tt-metal's Python env)")</skipped></testcase></testsuite></testsuites>"""


def test_module_level_skip_is_skipped_with_its_reason() -> None:
    tests = parse_junit(COLLECTION_SKIP)
    assert [t.outcome for t in tests] == [Outcome.SKIPPED]
    assert tests[0].message == "torch is not installed (run stage tests in tt-metal's Python env)"
    assert status_from(tests, 5) == RunStatus.SKIPPED  # pytest exits 5: nothing collected, every module skipped
    assert status_from([], 5) == RunStatus.NO_TESTS


@pytest.fixture
def demo_op(tmp_path: Path) -> Path:
    root = tmp_path / "tt"
    shutil.copytree(DEMO, root)
    op_dir = root / OP_REL
    assert main(["apply", str(op_dir / "reduce_avg_w_rm_spec.md"), "--op-dir", str(op_dir), "--yes"]) == 0
    return op_dir


def _no_driver_runner(op_dir: Path, tmp_path: Path) -> Runner:
    profile = dataclasses.replace(load_profile(None), list_cmd=[str(tmp_path / "no-such-tt-smi"), "-ls"])
    (tmp_path / "locks").mkdir(exist_ok=True)
    return Runner(op_dir, profile, lock_dir=str(tmp_path / "locks"), dev_dir=str(tmp_path / "no-dev"), grace=2.0)


@pytest.mark.parametrize("stage", [1, 4])
def test_demo_stage_without_torch_or_device_is_skipped_not_a_build_problem(
    demo_op: Path, tmp_path: Path, stage: int
) -> None:
    import importlib.util

    for name in ("torch", "ttnn"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin not in (None, "namespace"):  # a bare ttnn/ folder is not ttnn
            pytest.skip(f"{name} is installed here")
    res = _no_driver_runner(demo_op, tmp_path).run_stage(stage, build=False)
    assert res.status == RunStatus.SKIPPED, res.summary()
    assert res.message.startswith("skipped: no Tenstorrent device"), res.message
    assert "not installed" in res.message  # pytest's own reason is shown too
    assert "build" not in res.message and res.failure is None and not res.failures
    assert res.expectation_met is True  # a skip is not a failure without --expect


def test_corrupt_state_refused_before_anything_runs(demo_op: Path, tmp_path: Path) -> None:
    state = demo_op / ".ttnn-wizard" / "state.toml"
    state.write_text("version = 1\n[overrides\n")
    logs = demo_op / ".ttnn-wizard" / "logs"
    before = sorted(logs.iterdir()) if logs.is_dir() else []
    with pytest.raises(WizardError) as exc:
        _no_driver_runner(demo_op, tmp_path).run_stage(4, build=False)
    assert exc.value.path is not None and exc.value.path.endswith("state.toml") and exc.value.line == 2
    assert (sorted(logs.iterdir()) if logs.is_dir() else []) == before  # no log: nothing was started
    assert state.read_text() == "version = 1\n[overrides\n"  # and the user's file is left alone


def test_missing_torch_collection_error_does_not_say_run_the_build() -> None:
    from wizard.runner.classify import FailureKind, classify_failure

    text = ("ImportError while importing test module 'test_dev/test_stage4_device_op.py'.\n"
            "test_dev/test_stage4_device_op.py:11: in <module>\n    import torch\n"
            "E   ModuleNotFoundError: No module named 'torch'\n")
    f = classify_failure("collection failure", text)
    assert f.kind is FailureKind.COLLECTION_ERROR and "torch" in f.summary
    assert "build" not in f.next_step and "Python env" in f.next_step
    # a missing module of the op's own build still points at the build
    other = classify_failure("collection failure", text.replace("'torch'", "'ttnn._ttnn'"))
    assert "build" in other.next_step
