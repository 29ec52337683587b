"""The device protocol on the machine that runs the tests: lock, dirty flag, driver probe, device id, reset, env.

This module is stdlib-only and imports nothing from ``wizard``: ``agent.py`` runs it on a remote hardware box
where ttnn-wizard is not installed (both files are uploaded next to each other).

Design (after tt-metal's ``.claude/scripts/tt-test.sh``, domain.md 4.3), but safe on a shared box:
- one ``flock`` lock file per device, shared by every user (mode 0666), holding who has it, so the second run
  waits and can say by whom;
- a dirty flag set before a test run and cleared after a clean one; a run that starts dirty resets first;
- the device is reset only after a hang or on a dirty start, never "just in case";
- the flag is *truncated*, never deleted, to clear it: /tmp is sticky, so another user could not delete it.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_LOCK_DIR = "/tmp"
DEV_DIR = "/dev/tenstorrent"
NO_DRIVER_TEXT = "No Tenstorrent driver detected"
# The environment a test run gets when the profile does not say otherwise: a kernel hang becomes a
# RuntimeError after 5 s instead of a silent wait (domain.md 4.3; tt-metal CI uses the same value).
DEFAULT_TEST_ENV = {"TT_METAL_OPERATION_TIMEOUT_SECONDS": "5"}


def lock_path(device_id: int, lock_dir: str = DEFAULT_LOCK_DIR) -> str:
    return os.path.join(lock_dir, f"ttnn-wizard-device-{device_id}.lock")


def dirty_path(device_id: int, lock_dir: str = DEFAULT_LOCK_DIR) -> str:
    return os.path.join(lock_dir, f"ttnn-wizard-device-{device_id}.dirty")


def _open_shared(path: str) -> int:
    """Open (creating) a file every user may write: 0666 regardless of our umask."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        os.fchmod(fd, 0o666)
    except PermissionError:  # someone else created it; their mode stands
        pass
    return fd


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        return str(os.getuid())


@dataclass
class Holder:
    """Who holds (or last held) the device lock."""

    pid: int
    user: str
    host: str
    since: float
    what: str = ""

    def describe(self) -> str:
        when = time.strftime("%H:%M:%S", time.localtime(self.since))
        what = f" ({self.what})" if self.what else ""
        return f"pid {self.pid} (user {self.user}) since {when}{what}"

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            d = json.loads(text)
            return cls(int(d["pid"]), str(d["user"]), str(d.get("host", "")), float(d["since"]), str(d.get("what", "")))
        except (ValueError, KeyError, TypeError):
            return None


class DeviceLock:
    """An exclusive, cross-user lock on one device (``fcntl.flock``; released when the process dies)."""

    def __init__(self, device_id: int, lock_dir: str = DEFAULT_LOCK_DIR) -> None:
        self.device_id = device_id
        self.path = lock_path(device_id, lock_dir)
        self._fd: int | None = None

    def holder(self) -> Holder | None:
        try:
            with open(self.path, encoding="utf-8") as f:
                return Holder.parse(f.read())
        except OSError:
            return None

    def acquire(self, on_wait: Callable[[str], None] | None = None, what: str = "") -> None:
        fd = _open_shared(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                h = self.holder()
                who = h.describe() if h else "another process"
                on_wait(f"device {self.device_id} is in use by {who}; waiting…")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # blocks; a signal (Stop) interrupts the process, which frees fd
            except BaseException:
                os.close(fd)
                raise
        self._fd = fd
        me = {"pid": os.getpid(), "user": _whoami(), "host": socket.gethostname(), "since": time.time(), "what": what}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(me) + "\n").encode(), 0)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> DeviceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class DirtyFlag:
    """Set before a run touches the device; cleared after a clean one. Non-empty file == dirty."""

    def __init__(self, device_id: int, lock_dir: str = DEFAULT_LOCK_DIR) -> None:
        self.path = dirty_path(device_id, lock_dir)

    def is_set(self) -> bool:
        try:
            return os.path.getsize(self.path) > 0
        except OSError:
            return False

    def info(self) -> str:
        try:
            with open(self.path, encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return ""

    def set(self, what: str = "") -> None:
        fd = _open_shared(self.path)
        try:
            os.ftruncate(fd, 0)
            text = json.dumps({"pid": os.getpid(), "user": _whoami(), "since": time.time(), "what": what})
            os.pwrite(fd, (text + "\n").encode(), 0)
            os.fsync(fd)
        finally:
            os.close(fd)

    def clear(self) -> None:
        if not os.path.exists(self.path):
            return
        fd = _open_shared(self.path)
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)


@dataclass
class DriverStatus:
    available: bool
    reason: str  # why not, or "" when available
    list_output: str = ""


def probe_driver(list_cmd: Sequence[str], *, dev_dir: str = DEV_DIR, timeout: float = 60.0) -> DriverStatus:
    """Is there a Tenstorrent driver (and a card)? Decided by the profile's list command (``tt-smi -ls``)."""
    if not list_cmd:
        return DriverStatus(os.path.isdir(dev_dir), "" if os.path.isdir(dev_dir) else f"no {dev_dir}")
    exe = shutil.which(list_cmd[0])
    if exe is None:
        why = f"{list_cmd[0]} not found on PATH"
        return DriverStatus(False, why + ("" if os.path.isdir(dev_dir) else f" and no {dev_dir}"))
    try:
        proc = subprocess.run(
            [exe, *list_cmd[1:]], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return DriverStatus(False, f"{' '.join(list_cmd)} did not answer within {timeout:.0f} s")
    except OSError as exc:
        return DriverStatus(False, f"{' '.join(list_cmd)} could not start: {exc}")
    out = (proc.stdout or "") + (proc.stderr or "")
    if NO_DRIVER_TEXT.lower() in out.lower():
        return DriverStatus(False, f"{' '.join(list_cmd)}: {NO_DRIVER_TEXT}", out)
    if proc.returncode != 0:
        last = next((ln.strip() for ln in reversed(out.splitlines()) if ln.strip()), "")
        return DriverStatus(False, f"{' '.join(list_cmd)} exited {proc.returncode}: {last}".rstrip(": "), out)
    return DriverStatus(True, "", out)


_CELL_SPLIT = re.compile(r"[│┃|]")
_DEV_PATH = re.compile(r"/dev/tenstorrent/(\d+)")


@dataclass(frozen=True)
class BoardRow:
    pci_id: int | None  # None for "N/A" (the R chip of an n300: not separately resettable)
    board_type: str
    resettable_section: bool  # listed under "Boards that can be reset"


def parse_list_output(text: str) -> list[BoardRow]:
    """Rows of ``tt-smi -ls`` tables: ``PCI Dev ID | Board Type | Device Series | Board Number``.

    Tolerant of the box-drawing style, plain ``|`` tables and a ``/dev/tenstorrent/<n>`` first column.
    """
    rows: list[BoardRow] = []
    resettable = False
    for raw in text.splitlines():
        low = raw.lower()
        if "can be reset" in low:
            resettable = True
            continue
        if "available boards" in low:
            resettable = False
            continue
        cells = [c.strip() for c in _CELL_SPLIT.split(raw)]
        cells = [c for c in cells if c]
        if len(cells) < 2:
            continue
        first = cells[0]
        m = _DEV_PATH.search(first)
        if first.isdigit():
            pci: int | None = int(first)
        elif m:
            pci = int(m.group(1))
        elif first.upper() == "N/A":
            pci = None
        else:
            continue  # header or border
        rows.append(BoardRow(pci, cells[1], resettable))
    return rows


def pick_reset_id(text: str, device_id: int = 0) -> int | None:
    """The PCI id to reset for logical device ``device_id``: that id when listed, else the first resettable one."""
    rows = parse_list_output(text)
    ids = [r.pci_id for r in rows if r.pci_id is not None]
    resettable = [r.pci_id for r in rows if r.pci_id is not None and r.resettable_section]
    if device_id in ids:
        return device_id
    pool = resettable or ids
    return pool[0] if pool else None


def reset_argv(reset_cmd: Sequence[str], device_id: int | None) -> list[str]:
    """Fill ``{device_id}``; with no known id the placeholder argument is dropped (tt-smi -r alone = all devices)."""
    out: list[str] = []
    for arg in reset_cmd:
        if "{device_id}" in arg:
            if device_id is None:
                continue
            arg = arg.replace("{device_id}", str(device_id))
        out.append(arg)
    return out


def reset_device(
    reset_cmd: Sequence[str], device_id: int | None, *, timeout: float = 180.0
) -> tuple[int, str]:
    """Run the reset command; (exit code, output). A reset can itself hang (tt-smi #85): bounded by ``timeout``."""
    argv = reset_argv(reset_cmd, device_id)
    if not argv:
        return 0, "no reset command in the profile"
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return 124, f"{' '.join(argv)} did not finish within {timeout:.0f} s"
    except OSError as exc:
        return 127, f"{' '.join(argv)}: {exc}"
    return proc.returncode, (proc.stdout or "") + (proc.stderr or "")


def test_env(
    base: Mapping[str, str], profile_env: Mapping[str, str], *, unbuffered: bool = True
) -> dict[str, str]:
    """The environment for a test run: the caller's, plus the dispatch-timeout settings of the profile.

    pytest runs with PYTHONUNBUFFERED=1 on purpose: on a hang the process is killed, and lines still sitting
    in a block buffer (the last thing the test printed) would be lost. Bulk producers get it unset instead.
    """
    env = dict(base)
    env.update(DEFAULT_TEST_ENV)
    env.update({str(k): str(v) for k, v in profile_env.items()})
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    else:
        env.pop("PYTHONUNBUFFERED", None)
    return env
