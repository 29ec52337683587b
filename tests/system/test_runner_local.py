"""The runner for real: subprocesses, process groups, the device lock, a fake tt-smi, junit, TDD state.

No mocks: the fixture op's stage tests pass, fail with a compile error, fail validation and hang; the fake
tt-smi on the profile's commands records every call.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from wizard.runner import Runner, RunStatus, device
from wizard.runner import _DRIVER_WARNED
from wizard.runner.classify import FailureKind
from wizard.state import SessionState, StageStatus

from typing import Any as RunnerCheckout  # the runner_checkout fixture (tests/system/conftest.py)

pytestmark = pytest.mark.slow


def _runner(co: RunnerCheckout, **kw) -> Runner:
    return Runner(co.op_dir, co.profile, lock_dir=str(co.lock_dir), grace=2.0, **kw)


def _dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1].startswith("Z")  # a zombie waiting for init counts as dead
    except FileNotFoundError:
        return True


def _wait_file(path: Path, timeout: float = 30.0) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and path.read_text().strip():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} did not appear")


def test_pass_records_green_and_never_resets(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    co.implement_stage4()
    runner = _runner(co)
    other = SessionState.load(co.op_dir)  # another writer (the app) saves between runs: nothing may be lost
    other.set_override("name", "kept")
    other.save()
    lines: list[str] = []
    res = runner.run_stage(4, on_line=lines.append, build=False)
    assert res.status == RunStatus.PASSED, res.summary()
    assert SessionState.load(co.op_dir).overrides.get("name") == "kept"
    assert [t.name for t in res.tests] == ["test_device_op_called", "test_program_factory_selected"]
    assert all(t.outcome.value == "passed" for t in res.tests)
    assert not any(c.startswith("-r") for c in co.smi_calls()), co.smi_calls()
    assert not device.DirtyFlag(0, str(co.lock_dir)).is_set()
    # streamed live, and all of it in the log file
    assert any("test_program_factory_selected" in ln for ln in lines) and any("PASSED" in ln for ln in lines)
    assert res.log_path is not None and "PROGRESS: stage 4 second test" in res.log_path.read_text()
    state = SessionState.load(co.op_dir)
    assert state.stage_status(4) == StageStatus.GREEN
    assert state.section("runner")["stages"]["4"]["last_status"] == "passed"


def test_red_then_green(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    runner = _runner(co)
    red = runner.run_stage(4, expect="red", build=False)
    assert red.status == RunStatus.FAILED
    assert red.tdd == "red" and red.expectation_met is True
    assert red.failures[0].failure is not None and red.failures[0].failure.kind == FailureKind.ASSERTION
    # the failure points at the test line that failed
    assert red.failures[0].failure.path and red.failures[0].failure.path.endswith("test_stage4_device_op.py")
    assert SessionState.load(co.op_dir).stage_status(4) == StageStatus.RED

    other = SessionState.load(co.op_dir)  # the app saves between two runs of the same Runner
    other.set_override("work.total_units", "N*C*Ht")
    other.save()
    wrong = runner.run_stage(4, expect="green", build=False)
    assert wrong.expectation_met is False
    assert SessionState.load(co.op_dir).overrides.get("work.total_units") == "N*C*Ht"  # not overwritten

    co.implement_stage4()
    green = runner.run_stage(4, expect="green", build=False)
    assert green.tdd == "green" and green.expectation_met is True
    table = SessionState.load(co.op_dir).section("runner")["stages"]["4"]
    assert table["red_at"] and table["green_at"] and "assertion" in table["red_reason"]
    assert SessionState.load(co.op_dir).stage_status(4) == StageStatus.GREEN
    # a passing stage is not a RED
    again = runner.run_stage(4, expect="red", build=False)
    assert again.expectation_met is False


def test_hang_resets_device_and_kills_the_group(runner_checkout: RunnerCheckout, monkeypatch, tmp_path) -> None:
    co = runner_checkout
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("RUNNER_FIXTURE_PIDFILE", str(pidfile))
    res = _runner(co).run_stage(6, build=False, timeout=10)
    assert res.status == RunStatus.HANG, res.summary()
    assert res.failure is not None and res.failure.kind == FailureKind.CB_DEADLOCK
    assert "BRISC" in res.failure.summary and "CB 2" in res.failure.summary
    assert "-r 0" in co.smi_calls()  # reset with the PCI id parsed from `tt-smi -ls`
    assert res.resets and "hang" in res.resets[0]
    assert not device.DirtyFlag(0, str(co.lock_dir)).is_set()  # the reset succeeded
    test_pid, grandchild = (int(x) for x in pidfile.read_text().split())
    assert _dead(test_pid) and _dead(grandchild)


def test_dirty_start_resets_first(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    co.implement_stage4()
    device.DirtyFlag(0, str(co.lock_dir)).set("a run that crashed")
    lines: list[str] = []
    res = _runner(co).run_stage(4, on_line=lines.append, build=False)
    assert res.status == RunStatus.PASSED
    assert co.smi_calls().count("-r 0") == 1
    assert any("dirty start" in ln for ln in lines)
    assert not device.DirtyFlag(0, str(co.lock_dir)).is_set()


def test_compile_error_is_classified_and_does_not_reset(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    res = _runner(co).run_stage(5, build=False)
    assert res.status == RunStatus.FAILED
    f = res.failures[0].failure
    assert f is not None and f.kind == FailureKind.COMPILE_ERROR
    assert f.path is not None and f.path.endswith("device/kernels/dataflow/reader_runner_op.cpp") and f.line == 17
    assert "get_arg_val" in f.summary
    assert not any(c.startswith("-r") for c in co.smi_calls())
    assert not device.DirtyFlag(0, str(co.lock_dir)).is_set()  # a failing test leaves the device clean


def test_validation_error_is_classified(runner_checkout: RunnerCheckout) -> None:
    res = _runner(runner_checkout).run_stage(3, build=False, record=False)
    f = res.failures[0].failure
    assert f is not None and f.kind == FailureKind.VALIDATION_ERROR
    assert f.line == 42 and "TILE layout" in f.summary


def test_collection_error_is_not_a_red(runner_checkout: RunnerCheckout) -> None:
    res = _runner(runner_checkout).run_stage(2, expect="red", build=False)
    assert res.failures and res.failures[0].failure.kind == FailureKind.COLLECTION_ERROR  # type: ignore[union-attr]
    assert "ttnn_wizard_module_that_does_not_exist" in res.failures[0].failure.summary  # type: ignore[union-attr]
    assert res.expectation_met is False and res.tdd is None


def test_build_runs_only_when_host_files_change(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    co.implement_stage4()  # a host-side file: the first build is needed anyway
    runner = _runner(co)
    assert runner.run_stage(4).built
    assert co.build_calls() == ["build -b Debug"]
    assert not runner.run_stage(4).built
    kernel = co.op_dir / "device" / "kernels" / "dataflow" / "reader_runner_op.cpp"
    kernel.write_text(kernel.read_text() + "// kernel edit: JIT-compiled, no host build\n")
    assert not runner.run_stage(4).built
    assert not runner.run_stage(4, build=False).built
    host = co.op_dir / "device" / "runner_op_device_operation.cpp"
    host.write_text(host.read_text() + "// host edit\n")
    assert runner.run_stage(4).built
    assert len(co.build_calls()) == 2


def test_failed_build_is_reported_and_retried(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    (co.root / "build_metal.sh").write_text(
        '#!/bin/sh\necho "build $*" >> build_calls.txt\n'
        f'echo "{co.op_dir}/device/runner_op_device_operation.cpp:7:3: error: expected \';\'" >&2\nexit 1\n'
    )
    runner = _runner(co)
    res = runner.run_stage(4)
    assert res.status == RunStatus.BUILD_FAILED
    assert res.failure is not None and res.failure.kind == FailureKind.BUILD_ERROR and res.failure.line == 7
    assert res.tests == []  # no tests after a failed build
    runner.run_stage(4)
    assert len(co.build_calls()) == 2  # not marked built: the next run builds again


def test_no_driver_is_said_once_and_tests_still_run(runner_checkout: RunnerCheckout, monkeypatch) -> None:
    co = runner_checkout
    monkeypatch.setenv("FAKE_TT_SMI_NO_DRIVER", "1")
    _DRIVER_WARNED.clear()
    runner = _runner(co)
    lines: list[str] = []
    first = runner.run_stage(1, on_line=lines.append, build=False)
    second = runner.run_stage(1, on_line=lines.append, build=False)
    said = [ln for ln in lines if "no Tenstorrent driver" in ln]
    assert len(said) == 1 and "No Tenstorrent driver detected" in said[0]
    assert first.status == second.status == RunStatus.SKIPPED
    assert first.driver_available is False and first.message.startswith("skipped: no Tenstorrent device")
    assert first.expectation_met is True  # skipped is not a failure without --expect ...
    assert runner.run_stage(1, expect="green", build=False).expectation_met is False  # ... but it is not GREEN


def test_second_runner_waits_for_the_device_and_says_so(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    co.implement_stage4()
    a_lines: list[str] = []
    a = _runner(co)
    results = {}
    t = threading.Thread(target=lambda: results.setdefault("a", a.run_stage(6, on_line=a_lines.append,
                                                                               build=False, timeout=10)))
    t.start()
    lock_file = Path(device.lock_path(0, str(co.lock_dir)))
    end = time.monotonic() + 30
    while not any("locked" in ln for ln in a_lines) and time.monotonic() < end:
        time.sleep(0.05)
    holder = device.Holder.parse(lock_file.read_text())
    assert holder is not None
    b_lines: list[str] = []
    b = _runner(co).run_stage(4, on_line=b_lines.append, build=False)
    t.join(30)
    waits = [ln for ln in b_lines if "is in use by" in ln]
    assert waits and f"pid {holder.pid}" in waits[0] and "waiting" in waits[0]
    assert results["a"].status == RunStatus.HANG
    assert b.status == RunStatus.PASSED


def test_stop_kills_our_group_and_nothing_else(runner_checkout: RunnerCheckout, monkeypatch, tmp_path) -> None:
    co = runner_checkout
    pidfile = tmp_path / "pids"
    monkeypatch.setenv("RUNNER_FIXTURE_PIDFILE", str(pidfile))
    bystander = subprocess.Popen(["sleep", "120"])  # not ours to kill
    try:
        runner = _runner(co)
        out = {}
        t = threading.Thread(target=lambda: out.setdefault("r", runner.run_stage(6, build=False, timeout=120)))
        t.start()
        test_pid, grandchild = (int(x) for x in _wait_file(pidfile).split())
        t0 = time.monotonic()
        runner.stop()
        t.join(30)
        assert not t.is_alive()
        assert time.monotonic() - t0 < 15
        res = out["r"]
        assert res.status == RunStatus.STOPPED
        assert _dead(test_pid) and _dead(grandchild)
        assert bystander.poll() is None  # still running
        assert device.DirtyFlag(0, str(co.lock_dir)).is_set()  # stopped mid-run: the next run resets first
        assert not any(c.startswith("-r") for c in co.smi_calls())
    finally:
        bystander.kill()
        bystander.wait()


def _cli(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-m", "wizard.cli", "run", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_cli_exit_codes(runner_checkout: RunnerCheckout, tmp_path) -> None:
    co = runner_checkout
    cfg = Path(os.environ["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "profiles"
    cfg.mkdir(parents=True, exist_ok=True)
    smi = co.profile.list_cmd[0]  # type: ignore[attr-defined]
    (cfg / "fakebox.toml").write_text(
        f'base = "wormhole_n150"\nlist_cmd = ["{smi}", "-ls"]\nreset_cmd = ["{smi}", "-r", "{{device_id}}"]\n'
        'stage_timeout = 60\ntest_env = { PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }\n'
    )
    env = {"TTNN_WIZARD_LOCK_DIR": str(co.lock_dir)}
    base = ["--op-dir", str(co.op_dir), "--profile", "fakebox", "--no-build"]
    red = _cli([*base, "--stage", "4", "--expect", "red"], env)
    assert red.returncode == 0, red.stderr
    assert "test_device_op_called" in red.stdout and "assertion failed" in red.stdout
    assert "expectation RED: met" in red.stdout
    not_green = _cli([*base, "--stage", "4", "--expect", "green"], env)
    assert not_green.returncode == 1
    failing = _cli([*base, "--stage", "5"], env)
    assert failing.returncode == 1 and "compile error" in failing.stdout
    bad = _cli(["--op-dir", str(tmp_path / "nope"), "--stage", "4"], env)
    assert bad.returncode == 2 and "op directory not found" in bad.stderr and "Traceback" not in bad.stderr
    (co.op_dir / "test_dev" / "test_stage7_numerics.py").unlink()
    missing = _cli([*base, "--stage", "7"], env)
    assert missing.returncode == 2 and "no tests for stage 7" in missing.stderr
    badhost = _cli([*base, "--stage", "4", "--host", "-oProxyCommand=x"], env)
    assert badhost.returncode == 2 and "--host" in badhost.stderr


def test_never_resets_every_device_when_the_id_is_unknown(runner_checkout: RunnerCheckout) -> None:
    import dataclasses

    co = runner_checkout
    co.implement_stage4()
    # a list command whose output has no device table: the driver is there, the id is not
    co.profile = dataclasses.replace(co.profile, list_cmd=["echo", "Detected Chips: 1"])
    device.DirtyFlag(0, str(co.lock_dir)).set("crashed run")
    lines: list[str] = []
    res = _runner(co).run_stage(4, on_line=lines.append, build=False)
    assert res.status == RunStatus.PASSED
    assert not any(c.startswith("-r") for c in co.smi_calls())
    assert any("not resetting every device" in ln for ln in lines)
    assert device.DirtyFlag(0, str(co.lock_dir)).is_set() is False  # the clean run cleared it


def test_missing_build_script_is_a_clear_build_failure(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    (co.root / "build_metal.sh").unlink()
    (co.root / "ttnn").mkdir(exist_ok=True)  # still a checkout (ttnn/ beside tt_metal/)
    lines: list[str] = []
    res = _runner(co).run_stage(4, on_line=lines.append)
    assert res.status == RunStatus.BUILD_FAILED
    assert any("cannot start ./build_metal.sh" in ln and "No such file" in ln for ln in lines)


_TRIAGE_TEST = '''"""A kernel hang as tt-metal reports it: the dispatch timeout runs the triage command, then raises."""
import os
import subprocess


def test_dispatch_timeout_runs_triage():
    cmd = os.environ.get("TT_METAL_DISPATCH_TIMEOUT_COMMAND_TO_EXECUTE")
    assert cmd, "the runner did not set the triage command"
    subprocess.run(cmd, shell=True, check=False)  # tt-metal runs it through the shell, as here
    raise RuntimeError("TT_THROW: operation timed out")
'''

_FAKE_TRIAGE = '''import sys
print("Device 0 worker core(x= 1,y= 0) BRISC: kernel reader_runner_op stuck at cb_reserve_back(cb_id=0)")
print("Device 0 worker core(x= 2,y= 0) BRISC: kernel reader_runner_op stuck at cb_reserve_back(cb_id=0)")
print("args:", " ".join(sys.argv[1:]))
'''


def test_dispatch_timeout_triage_is_captured_and_classified(runner_checkout: RunnerCheckout) -> None:
    co = runner_checkout
    (co.op_dir / "test_dev" / "test_stage8_triage.py").write_text(_TRIAGE_TEST)
    (co.root / "tools").mkdir(exist_ok=True)
    (co.root / "tools" / "tt-triage.py").write_text(_FAKE_TRIAGE)
    lines: list[str] = []
    res = _runner(co).run_stage(8, on_line=lines.append, build=False, timeout=60)
    text = "\n".join(lines)
    assert res.status == RunStatus.HANG, (res.summary(), text[-2000:])
    assert "tt-triage ran" in res.message, res.message
    assert res.failure is not None and res.failure.kind == FailureKind.CB_DEADLOCK, res.failure
    assert "cb_reserve_back" in res.failure.summary and "CB 0" in res.failure.summary
    assert "2 cores" in res.failure.summary
    assert "triage: Device 0 worker core(x= 1,y= 0)" in text and "--disable-progress" in text
    logs = list((co.op_dir / ".ttnn-wizard" / "logs").glob("*.triage.log"))
    assert len(logs) == 1 and "cb_reserve_back" in logs[0].read_text()
    assert "-r 0" in co.smi_calls()  # a hang: the device is reset


def test_a_users_own_triage_command_is_kept(runner_checkout: RunnerCheckout, monkeypatch, tmp_path) -> None:
    co = runner_checkout
    (co.op_dir / "test_dev" / "test_stage8_triage.py").write_text(_TRIAGE_TEST)
    (co.root / "tools").mkdir(exist_ok=True)
    (co.root / "tools" / "tt-triage.py").write_text(_FAKE_TRIAGE)
    mine = tmp_path / "mine.txt"
    monkeypatch.setenv("TT_METAL_DISPATCH_TIMEOUT_COMMAND_TO_EXECUTE", f"echo mine > {mine}")
    res = _runner(co).run_stage(8, build=False, timeout=60)
    assert mine.read_text().strip() == "mine"
    assert not list((co.op_dir / ".ttnn-wizard" / "logs").glob("*.triage.log"))
    assert res.status != RunStatus.HANG  # no triage file of ours, no hang text: a plain failure
