"""The app's Tests step on a remote box over a real sshd on 127.0.0.1: the "run on" row (or --host) makes the
console run the stage there: the op directory is synced, the output streams back, the result is shown."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from screens.app import WizardApp
from wizard.model import Plan
from wizard.workspace import create_demo_workspace

pytestmark = [pytest.mark.ssh, pytest.mark.slow]


async def test_tests_step_runs_on_the_remote_box(sshd: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screens.console import ConsolePane

    monkeypatch.setenv("TTNN_WIZARD_SSH_OPTS", sshd.ssh_opts)
    locks = tmp_path / "locks"
    locks.mkdir()
    monkeypatch.setenv("TTNN_WIZARD_LOCK_DIR", str(locks))
    cfg = Path(os.environ["XDG_CONFIG_HOME"]) / "ttnn-wizard" / "profiles"
    cfg.mkdir(parents=True, exist_ok=True)
    # the box has no card and no tt-metal build: no device list, a build that succeeds at once
    (cfg / "fakebox.toml").write_text('base = "wormhole_n150"\nlist_cmd = ["true"]\nbuild_cmd = ["true"]\n'
                                      'stage_timeout = 120\ntest_env = { PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }\n')
    remote_root = tmp_path / "box" / "tt-metal"
    (remote_root / "python_env" / "bin").mkdir(parents=True)
    (remote_root / "python_env" / "bin" / "python").symlink_to(sys.executable)

    ws = create_demo_workspace(tmp_path / "ws")
    app = WizardApp(spec_path=ws.spec_path, op_dir=ws.op_dir, root=ws.root, cwd=ws.root, profile="fakebox",
                    host=sshd.target, remote_root=str(remote_root))
    async with app.run_test(size=(100, 30)) as pilot:
        assert await app.wait_ready(), app.load_error
        plan = app.session.plan((4, 4))
        changes = app.session.changes(Plan(plan.op_name, plan.op_rel_dir, plan.files))
        app.session.apply(changes, {c.path for c in changes}, (4,))
        app.goto("tests")
        await pilot.pause()
        await pilot.pause()
        pane = app.query_one("#tests")
        assert pane.where() == (sshd.target, str(remote_root))
        app.query_one("#tests-stage").value = 4
        console = app.query_one(ConsolePane)
        pane.action_run()
        await pilot.pause(0.2)
        for _ in range(1200):
            if not console.running:
                break
            await pilot.pause(0.1)
        await pilot.pause(0.2)
        text = "\n".join(console.log_widget.lines)
        assert console.result is not None, text[-2000:]
        assert console.result.host == sshd.target, text[-2000:]
        assert "syncing" in text, text[-2000:]
        rel = ws.op_dir.relative_to(ws.root)
        synced = remote_root / rel / "device" / f"{ws.op_dir.name}_device_operation.cpp"
        assert synced.is_file(), text[-2000:]
        assert synced.read_text() == (ws.op_dir / "device" / synced.name).read_text()
        assert not (remote_root / rel / ".ttnn-wizard" / "state.toml").exists()
        assert console.result.stage == 4
