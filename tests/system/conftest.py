"""System-test fixtures: a real sshd on 127.0.0.1 (throwaway keys, free high port), stopped by pid.

Recipe from tooling.md section 6. Skips with the reason when sshd is not installed (CI installs
openssh-server) or cannot start here (e.g. /run/sshd cannot be created without root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"


@dataclass
class Sshd:
    host: str
    port: int
    user: str
    keyfile: Path
    pid: int
    dir: Path

    @property
    def target(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def ssh_opts(self) -> str:
        """For TTNN_WIZARD_SSH_OPTS: the throwaway key; no known_hosts pollution; no ControlMaster sharing."""
        return (f"-i {self.keyfile} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                f"-o LogLevel=ERROR -o IdentitiesOnly=yes")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    if not os.path.exists(SSHD):
        pytest.skip(f"{SSHD} not installed (apt-get install openssh-server); remote-run tests need a local sshd")
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("the OpenSSH client (ssh, ssh-keygen) is not installed")
    try:
        os.makedirs("/run/sshd", exist_ok=True)  # privilege-separation dir: sshd refuses to start without it
    except OSError as exc:
        pytest.skip(f"cannot create /run/sshd for the test sshd: {exc}")
    d = tmp_path_factory.mktemp("sshd")
    d.chmod(0o700)
    for name in ("host_ed25519", "client_ed25519"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True)
    shutil.copy(d / "client_ed25519.pub", d / "authorized_keys")
    (d / "authorized_keys").chmod(0o600)
    port = _free_port()
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_ed25519'}\nPidFile {d / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\nPermitRootLogin prohibit-password\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nLogLevel ERROR\n"
    )
    check = subprocess.run([SSHD, "-t", "-f", str(d / "sshd_config")], capture_output=True, text=True)
    if check.returncode != 0:
        pytest.skip(f"sshd rejects the test config: {check.stderr.strip()}")
    proc = subprocess.Popen([SSHD, "-D", "-f", str(d / "sshd_config"), "-E", str(d / "sshd.log")])
    try:
        if not _wait_port(port):
            pytest.skip(f"the test sshd did not listen on 127.0.0.1:{port}: {(d / 'sshd.log').read_text()[-500:]}")
        yield Sshd("127.0.0.1", port, user, d / "client_ed25519", proc.pid, d)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- runner fixtures ---------------------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RUNNER_OP_REL = "ttnn/cpp/ttnn/operations/demo/runner_op"


@dataclass
class RunnerCheckout:
    root: Path  # a fake tt-metal checkout (build_metal.sh records its calls)
    op_dir: Path
    smi_log: Path  # every fake tt-smi call, one line each
    lock_dir: Path
    profile: object

    def smi_calls(self) -> list[str]:
        return self.smi_log.read_text().splitlines() if self.smi_log.exists() else []

    def build_calls(self) -> list[str]:
        p = self.root / "build_calls.txt"
        return p.read_text().splitlines() if p.exists() else []

    def implement_stage4(self) -> None:
        dev = self.op_dir / "device" / "runner_op_device_operation.cpp"
        dev.write_text(dev.read_text().replace("STAGE4: not implemented", "STAGE4: select_program_factory"))


def make_checkout(base: Path) -> tuple[Path, Path]:
    root = base / "tt-metal"
    op_dir = root / RUNNER_OP_REL
    shutil.copytree(FIXTURES / "runner_op", op_dir, ignore=shutil.ignore_patterns("conftest.py", "__pycache__"))
    (root / "tt_metal").mkdir()
    build = root / "build_metal.sh"
    build.write_text('#!/bin/sh\necho "build $*" >> build_calls.txt\necho "[100%] Built target ttnn"\n')
    build.chmod(0o755)
    return root, op_dir


@pytest.fixture
def runner_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RunnerCheckout:
    import dataclasses

    from wizard.profiles import load_profile

    root, op_dir = make_checkout(tmp_path)
    smi = str(FIXTURES / "bin" / "tt-smi")
    profile = dataclasses.replace(
        load_profile("wormhole_n150"), list_cmd=[smi, "-ls"], reset_cmd=[smi, "-r", "{device_id}"],
        build_cmd=["./build_metal.sh", "-b", "Debug"], stage_timeout=60.0,
        # the fixture tests need no pytest plugins; skipping their autoload makes each child pytest ~4x faster
        test_env={**load_profile("wormhole_n150").test_env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    smi_log = tmp_path / "tt-smi.log"
    monkeypatch.setenv("FAKE_TT_SMI_LOG", str(smi_log))
    monkeypatch.delenv("FAKE_TT_SMI_NO_DRIVER", raising=False)
    lock_dir = tmp_path / "locks"
    lock_dir.mkdir()
    return RunnerCheckout(root, op_dir, smi_log, lock_dir, profile)
