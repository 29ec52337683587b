"""Run on a remote hardware box over SSH (plumbum ``SshMachine``): connect, sync the op dir, start the agent,
stop its process groups remotely.

- OpenSSH underneath, so ``~/.ssh/config``, agents and ProxyJump work; a ControlMaster socket makes each
  further command ~90 ms instead of ~300 ms (tooling.md 6), and ``KexAlgorithms=curve25519-sha256`` skips the
  slow post-quantum handshake. ``ServerAlive*`` turns a dead link into an ssh exit (255) within ~15 s.
- Sync = one tar stream of the op directory (never anything outside it; ``.ttnn-wizard/`` state excluded),
  plus the agent's two files into ``<op>/.ttnn-wizard/agent/``. Built in memory first, so syncing a directory
  onto itself (loopback, same path) cannot truncate anything; needs only ``tar`` on the box.
- Stop: the agent made itself a session/group leader and printed its pgid; we run ``kill -TERM -- -PGID``
  over a new channel (killing the local ssh alone would leave the remote test running), then ``-KILL``.
Extra ssh options (tests, unusual setups): ``TTNN_WIZARD_SSH_OPTS`` (split like a shell would, never run by one).
"""

from __future__ import annotations

import io
import os
import shlex
import tarfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wizard.errors import WizardError
from wizard.hostspec import HostSpec, parse_host
from wizard.runner.process import StreamingProcess

AGENT_FILES = ("agent.py", "device.py")
AGENT_REL = ".ttnn-wizard/agent"
# What the last sync put on the box (op-relative paths, one per line): a file deleted here since then is
# removed there, and nothing we did not put there is ever touched.
MANIFEST_REL = ".ttnn-wizard/synced-files"
_EXCLUDE = {".ttnn-wizard", "__pycache__", ".pytest_cache"}


class RemoteError(WizardError):
    """SSH trouble: connection refused/lost, authentication, missing remote tools. The run can be retried."""


def _control_dir() -> str:
    # unix socket paths are limited to ~104 bytes: keep it short, private to this user
    d = f"/tmp/ttnnw-{os.getuid()}"
    os.makedirs(d, mode=0o700, exist_ok=True)
    return d


def default_ssh_opts() -> list[str]:
    opts = [
        "-o", "BatchMode=yes",
        "-o", "KexAlgorithms=curve25519-sha256",
        "-o", "ControlMaster=auto",
        "-o", f"ControlPath={_control_dir()}/cm-%C",
        "-o", "ControlPersist=60",
        "-o", "ServerAliveInterval=5",
        "-o", "ServerAliveCountMax=3",
    ]
    extra = os.environ.get("TTNN_WIZARD_SSH_OPTS", "")
    return opts + shlex.split(extra)


def op_files(op_dir: Path) -> list[str]:
    """The op directory's files to send (op-relative POSIX paths): no wizard state, caches or symlinks."""
    out = []
    for path in sorted(op_dir.rglob("*")):
        rel = path.relative_to(op_dir)
        if _EXCLUDE.intersection(rel.parts) or path.is_symlink():
            continue  # symlinks could point outside the op dir: never follow or send them
        if path.is_file():
            out.append(rel.as_posix())
    return out


def op_tar(op_dir: Path, agent_src: Path | None = None, files: Sequence[str] | None = None) -> bytes:
    """The op directory (minus wizard state and caches), the agent files and the manifest, as an uncompressed tar."""
    files = op_files(op_dir) if files is None else list(files)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for rel in files:
            tar.add(str(op_dir / rel), arcname=rel, recursive=False)
        if agent_src is not None:
            for name in AGENT_FILES:
                tar.add(str(agent_src / name), arcname=f"{AGENT_REL}/{name}", recursive=False)
        manifest = ("\n".join(files) + "\n").encode()
        info = tarfile.TarInfo(MANIFEST_REL)
        info.size, info.mtime, info.mode = len(manifest), int(time.time()), 0o644
        tar.addfile(info, io.BytesIO(manifest))
    return buf.getvalue()


def stale_files(previous_manifest: str, now: Sequence[str]) -> list[str]:
    """Files the last sync sent that are gone here: safe op-relative paths only (the manifest lives on the box,
    so it is not trusted to name anything outside the op directory or inside the wizard's own folder)."""
    keep = set(now)
    out = []
    for line in previous_manifest.splitlines():
        rel = line.strip()
        parts = rel.split("/")
        if (not rel or rel in keep or rel.startswith("/") or any(p in ("", ".", "..") for p in parts)
                or _EXCLUDE.intersection(parts)):
            continue
        out.append(rel)
    return sorted(set(out))


class RemoteBox:
    """One SSH connection (plumbum SshMachine) to the box that has the device."""

    def __init__(self, host: str | HostSpec, *, ssh_opts: Sequence[str] | None = None,
                 connect_timeout: float = 15.0) -> None:
        self.spec = host if isinstance(host, HostSpec) else parse_host(host)
        self.ssh_opts = list(ssh_opts) if ssh_opts is not None else default_ssh_opts()
        self.connect_timeout = connect_timeout
        self._machine: Any = None
        self.removed: list[str] = []  # what the last sync_op_dir deleted on the box

    @property
    def machine(self) -> Any:
        if self._machine is None:
            self.connect()
        return self._machine

    def connect(self) -> Any:
        from plumbum import SshMachine

        try:
            self._machine = SshMachine(
                self.spec.host, user=self.spec.user, port=self.spec.port, ssh_opts=self.ssh_opts,
                scp_opts=self.ssh_opts, connect_timeout=self.connect_timeout,
            )
        except Exception as exc:  # noqa: BLE001 - plumbum raises several types; all mean "no connection"
            raise RemoteError(f"cannot connect to {self.spec}: {_one_line(exc)}") from None
        return self._machine

    def close(self) -> None:
        if self._machine is not None:
            try:
                self._machine.close()
            except Exception:  # noqa: BLE001 - closing a dead link
                pass
            self._machine = None

    def run(self, argv: Sequence[str], *, timeout: float = 60.0, stdin: bytes | None = None) -> tuple[int, str, str]:
        """Run a short remote command; (exit code, stdout, stderr). RemoteError when the link fails."""
        m = self.machine
        try:
            cmd = m[argv[0]][list(argv[1:])]
            if stdin is None:
                rc, out, err = cmd.run(retcode=None, timeout=timeout)
                return int(rc), out, err
            import subprocess

            proc = cmd.popen(stdin=subprocess.PIPE)
            out_b, err_b = proc.communicate(stdin, timeout=timeout)
            return int(proc.returncode), _dec(out_b), _dec(err_b)
        except Exception as exc:  # noqa: BLE001
            raise RemoteError(f"{self.spec}: {' '.join(argv[:2])} failed: {_one_line(exc)}") from None

    def sync_op_dir(self, op_dir: Path, remote_op_dir: str, agent_src: Path) -> int:
        """Upload the op dir (and the agent) into ``remote_op_dir``; returns the number of bytes sent.

        Files an earlier sync sent that were deleted here since are removed there (``self.removed``), so a
        renamed kernel or test does not linger on the box; files we never sent are left alone."""
        files = op_files(op_dir)
        data = op_tar(op_dir, agent_src, files)
        rc, _, err = self.run(["mkdir", "-p", remote_op_dir])
        if rc != 0:
            raise RemoteError(f"{self.spec}: cannot create {remote_op_dir}: {err.strip()}")
        base = remote_op_dir.rstrip("/")
        rc, previous, _ = self.run(["cat", f"{base}/{MANIFEST_REL}"])
        stale = stale_files(previous if rc == 0 else "", files)
        rc, _, err = self.run(["tar", "-x", "-f", "-", "-C", remote_op_dir], stdin=data, timeout=300)
        if rc != 0:
            raise RemoteError(f"{self.spec}: unpacking the op directory into {remote_op_dir} failed: {err.strip()}")
        self.removed = []
        if stale:
            rc, _, err = self.run(["rm", "-f", "--", *[f"{base}/{rel}" for rel in stale]])
            if rc != 0:
                raise RemoteError(f"{self.spec}: removing files deleted here from {remote_op_dir} failed: {err.strip()}")
            self.removed = stale
        return len(data)

    def start_agent(self, agent_path: str, cfg_json: str, python: str = "python3") -> StreamingProcess:
        import subprocess

        try:
            proc = self.machine[python][agent_path, cfg_json].popen(stdin=subprocess.DEVNULL)
        except Exception as exc:  # noqa: BLE001
            raise RemoteError(f"{self.spec}: cannot start the run agent: {_one_line(exc)}") from None
        return StreamingProcess(proc, self._stopper)

    def _stopper(self, proc: Any, groups: list[int], grace: float) -> None:
        """SIGTERM the remote groups, wait, SIGKILL the rest; then end the local ssh."""
        groups = [g for g in groups if g > 1]
        try:
            if groups:
                self.run(["kill", "-TERM", "--", *[f"-{g}" for g in groups]], timeout=15)
                end = time.monotonic() + grace
                while time.monotonic() < end and proc.poll() is None:
                    time.sleep(0.1)
                alive = [g for g in groups if self.run(["kill", "-0", "--", f"-{g}"], timeout=15)[0] == 0]
                if alive:
                    self.run(["kill", "-KILL", "--", *[f"-{g}" for g in alive]], timeout=15)
        except RemoteError:
            pass  # link already gone: the agent notices its broken pipe and stops the test itself
        finally:
            if proc.poll() is None:
                proc.terminate()


def _dec(b: bytes | str | None) -> str:
    if b is None:
        return ""
    return b if isinstance(b, str) else b.decode("utf-8", "replace")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # plumbum's ProcessExecutionError puts the useful part (ssh's own stderr) last
    useful = [ln for ln in lines if "ssh:" in ln or "Permission denied" in ln or "Connection" in ln or "refused" in ln]
    return (useful[-1] if useful else (lines[-1] if lines else exc.__class__.__name__))[:300]
