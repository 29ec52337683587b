"""Remote runs over real SSH: a throwaway sshd on 127.0.0.1 (conftest), plumbum SshMachine, the agent on the
"box", stop by remote process group, and a refused connection reported clearly."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from wizard.runner import Runner, RunStatus
from wizard.runner.remote import RemoteBox, parse_host

pytestmark = [pytest.mark.ssh, pytest.mark.slow]
RUNNER_OP_REL = "ttnn/cpp/ttnn/operations/demo/runner_op"


@pytest.fixture
def box(sshd: Any, runner_checkout: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("TTNN_WIZARD_SSH_OPTS", sshd.ssh_opts)
    remote_root = tmp_path / "box" / "tt-metal"
    (remote_root / "python_env" / "bin").mkdir(parents=True)
    # the box's checkout venv: ours (it has pytest); the agent and the tests run with it
    (remote_root / "python_env" / "bin" / "python").symlink_to(sys.executable)
    smi = runner_checkout.profile.list_cmd[0]
    log = str(runner_checkout.smi_log)
    # an ssh session does not inherit our environment: the fake tt-smi's log path goes in through `env`
    profile = dataclasses.replace(
        runner_checkout.profile,
        list_cmd=["env", f"FAKE_TT_SMI_LOG={log}", smi, "-ls"],
        reset_cmd=["env", f"FAKE_TT_SMI_LOG={log}", smi, "-r", "{device_id}"],
        test_env={**runner_checkout.profile.test_env, "RUNNER_FIXTURE_PIDFILE": str(tmp_path / "pids")},
    )
    return {"co": runner_checkout, "profile": profile, "remote_root": remote_root, "pids": tmp_path / "pids",
            "target": sshd.target}


def _runner(box: dict[str, Any], host: str | None = None) -> Runner:
    return Runner(box["co"].op_dir, box["profile"], host=host or box["target"], remote_root=str(box["remote_root"]),
                  lock_dir=str(box["co"].lock_dir), grace=2.0)


def _dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1].startswith("Z")
    except FileNotFoundError:
        return True


def test_parse_host() -> None:
    assert str(parse_host("me@box:2222")) == "me@box:2222"
    assert parse_host("box").user is None and parse_host("box").port is None
    for bad in ("-oProxyCommand=x", "me@box;rm", "me @box", "box:99999", ""):
        with pytest.raises(Exception):
            parse_host(bad)


def test_remote_run_syncs_streams_and_records(box: dict[str, Any]) -> None:
    co = box["co"]
    co.implement_stage4()
    lines: list[str] = []
    res = _runner(box).run_stage(4, on_line=lines.append, build=False)
    assert res.status == RunStatus.PASSED, (res.summary(), res.message, lines[-20:])
    assert res.host == box["target"]
    remote_op = box["remote_root"] / RUNNER_OP_REL
    assert "STAGE4: select_program_factory" in (remote_op / "device" / "runner_op_device_operation.cpp").read_text()
    assert not (remote_op / ".ttnn-wizard" / "state.toml").exists()  # wizard state is never sent
    assert res.junit_path is not None and res.junit_path.is_file() and str(co.op_dir) in str(res.junit_path)
    assert any("syncing" in ln for ln in lines) and any("PASSED" in ln for ln in lines)
    assert "-ls" in co.smi_calls()  # the device protocol ran on the box


def test_remote_stop_kills_the_remote_group(box: dict[str, Any]) -> None:
    runner = _runner(box)
    out: dict[str, Any] = {}
    t = threading.Thread(target=lambda: out.setdefault("r", runner.run_stage(6, build=False, timeout=120)))
    t.start()
    end = time.monotonic() + 60
    while not (box["pids"].exists() and box["pids"].read_text().strip()) and time.monotonic() < end:
        time.sleep(0.05)
    test_pid, grandchild = (int(x) for x in box["pids"].read_text().split())
    t0 = time.monotonic()
    runner.stop()
    t.join(30)
    assert not t.is_alive()
    # the hanging test prints nothing more, so only a remote kill can end it this fast
    assert time.monotonic() - t0 < 20
    assert out["r"].status == RunStatus.STOPPED
    for _ in range(50):
        if _dead(test_pid) and _dead(grandchild):
            break
        time.sleep(0.1)
    assert _dead(test_pid) and _dead(grandchild)


def test_refused_connection_is_reported_and_retryable(box: dict[str, Any]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    user = box["target"].split("@")[0]
    runner = _runner(box, host=f"{user}@127.0.0.1:{port}")
    res = runner.run_stage(4, build=False)
    assert res.status == RunStatus.CONNECTION_LOST
    assert "cannot connect" in res.message and "retried" in res.message
    # the same runner object can run again once the box is reachable
    runner.host = box["target"]
    box["co"].implement_stage4()
    assert runner.run_stage(4, build=False).status == RunStatus.PASSED


def test_remote_box_commands(box: dict[str, Any]) -> None:
    rb = RemoteBox(box["target"])
    try:
        rc, out, _ = rb.run(["echo", "hi there"])
        assert rc == 0 and out.strip() == "hi there"
        rc, _, _ = rb.run(["false"])
        assert rc == 1
    finally:
        rb.close()


def test_cli_host(box: dict[str, Any]) -> None:
    co = box["co"]
    co.implement_stage4()
    cfg = Path(os.environ["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "profiles"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "fakebox.toml").write_text('base = "wormhole_n150"\nlist_cmd = ["true"]\nstage_timeout = 60\n'
                                      'test_env = { PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }\n')
    env = {**os.environ, "TTNN_WIZARD_REMOTE_ROOT": str(box["remote_root"]),
           "TTNN_WIZARD_LOCK_DIR": str(co.lock_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "wizard.cli", "run", "--op-dir", str(co.op_dir), "--stage", "4", "--profile",
         "fakebox", "--no-build", "--host", box["target"], "--expect", "green"],
        capture_output=True, text=True, env=env, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert f"stage 4 on {box['target']}: passed" in proc.stdout


def test_lost_link_is_reported_and_the_remote_run_stops_itself(box: dict[str, Any]) -> None:
    runner = _runner(box)
    out: dict[str, Any] = {}
    t = threading.Thread(target=lambda: out.setdefault("r", runner.run_stage(6, build=False, timeout=120)))
    t.start()
    end = time.monotonic() + 60
    while not (box["pids"].exists() and box["pids"].read_text().strip()) and time.monotonic() < end:
        time.sleep(0.05)
    test_pid, grandchild = (int(x) for x in box["pids"].read_text().split())
    # the link dies: kill our local ssh client (not the remote side)
    runner._current.proc.kill()  # type: ignore[union-attr]
    t.join(30)
    res = out["r"]
    assert res.status == RunStatus.CONNECTION_LOST and "retried" in res.message
    # nobody reads the remote output any more: the agent stops the hung test itself, well before its timeout
    for _ in range(100):
        if _dead(test_pid) and _dead(grandchild):
            break
        time.sleep(0.1)
    assert _dead(test_pid) and _dead(grandchild)


def test_sync_removes_what_was_deleted_here_and_nothing_else(box: dict[str, Any], tmp_path: Path) -> None:
    from wizard.runner import AGENT_DIR

    op = tmp_path / "op"
    (op / "kernels").mkdir(parents=True)
    (op / "kernels" / "reader_old.cpp").write_text("// old name\n")
    (op / "keep.cpp").write_text("// stays\n")
    remote = tmp_path / "box-op"
    rb = RemoteBox(box["target"])
    try:
        rb.sync_op_dir(op, str(remote), AGENT_DIR)
        assert (remote / "kernels" / "reader_old.cpp").is_file() and rb.removed == []
        (remote / "notes_on_the_box.txt").write_text("someone's file on the box\n")
        (op / "kernels" / "reader_old.cpp").rename(op / "kernels" / "reader_new.cpp")
        rb.sync_op_dir(op, str(remote), AGENT_DIR)
        assert rb.removed == ["kernels/reader_old.cpp"]
        assert not (remote / "kernels" / "reader_old.cpp").exists()
        assert (remote / "kernels" / "reader_new.cpp").is_file() and (remote / "keep.cpp").is_file()
        assert (remote / "notes_on_the_box.txt").is_file()  # never sent by us: never removed
    finally:
        rb.close()
