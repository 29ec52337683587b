"""Device protocol pieces: tt-smi list parsing, reset argv, lock holder, dirty flag, driver probe, env."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wizard.runner import device

FAKE_SMI = str(Path(__file__).resolve().parent.parent / "fixtures" / "bin" / "tt-smi")

BOX_TABLE = """All available boards on host:
┏━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┓
┃ PCI Dev ID ┃ Board Type ┃ Device Series ┃ Board Number     ┃
┡━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━┩
│ 3          │ n300 L     │ n300          │ 0100014211703003 │
│ N/A        │ n300 R     │ n300          │ 0100014211703003 │
│ 5          │ n150       │ n150          │ 0100014211703009 │
└────────────┴────────────┴───────────────┴──────────────────┘
Boards that can be reset:
┏━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┓
┃ PCI Dev ID ┃ Board Type ┃ Device Series ┃ Board Number     ┃
┡━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━┩
│ 5          │ n150       │ n150          │ 0100014211703009 │
│ 3          │ n300 L     │ n300          │ 0100014211703003 │
└────────────┴────────────┴───────────────┴──────────────────┘
"""


def test_parse_list_output_box_table() -> None:
    rows = device.parse_list_output(BOX_TABLE)
    assert [(r.pci_id, r.board_type, r.resettable_section) for r in rows] == [
        (3, "n300 L", False), (None, "n300 R", False), (5, "n150", False), (5, "n150", True), (3, "n300 L", True),
    ]


def test_pick_reset_id() -> None:
    assert device.pick_reset_id(BOX_TABLE, 3) == 3  # the logical device is listed
    assert device.pick_reset_id(BOX_TABLE, 0) == 5  # else the first resettable board, never the R chip
    assert device.pick_reset_id("nothing here", 0) is None
    plain = "| PCI Dev ID | Board Type |\n| /dev/tenstorrent/2 | p150 |\n"
    assert device.pick_reset_id(plain, 0) == 2


def test_reset_argv() -> None:
    assert device.reset_argv(["tt-smi", "-r", "{device_id}"], 4) == ["tt-smi", "-r", "4"]
    # no id known: drop the placeholder (tt-smi -r alone resets all devices)
    assert device.reset_argv(["tt-smi", "-r", "{device_id}"], None) == ["tt-smi", "-r"]


def test_dirty_flag(tmp_path: Path) -> None:
    flag = device.DirtyFlag(0, str(tmp_path))
    assert not flag.is_set()
    flag.set("stage 4")
    assert flag.is_set() and "stage 4" in flag.info()
    assert os.stat(flag.path).st_mode & 0o777 == 0o666  # any user of the box may clear it
    flag.clear()
    assert not flag.is_set() and os.path.exists(flag.path)  # truncated, not deleted (/tmp is sticky)


def test_lock_records_holder_and_waits(tmp_path: Path) -> None:
    lock = device.DeviceLock(7, str(tmp_path))
    lock.acquire(what="stage 5 of x")
    try:
        assert os.stat(lock.path).st_mode & 0o777 == 0o666
        holder = lock.holder()
        assert holder is not None and holder.pid == os.getpid() and holder.what == "stage 5 of x"
        # another process (flock is per open file description) must wait and say why
        code = (
            "import sys, time; sys.path.insert(0, sys.argv[1]); from wizard.runner import device\n"
            "t = time.monotonic(); l = device.DeviceLock(7, sys.argv[2])\n"
            "l.acquire(on_wait=lambda m: print(m, flush=True)); print('got', round(time.monotonic() - t, 1))\n"
        )
        proc = subprocess.Popen([sys.executable, "-c", code, str(Path(__file__).parents[2]), str(tmp_path)],
                                stdout=subprocess.PIPE, text=True)
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert f"device 7 is in use by pid {os.getpid()}" in first and "waiting" in first
        time.sleep(0.5)
        assert proc.poll() is None  # still waiting
    finally:
        lock.release()
    out, _ = proc.communicate(timeout=30)
    assert out.startswith("got")


def test_probe_driver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_TT_SMI_LOG", str(tmp_path / "log"))
    ok = device.probe_driver([FAKE_SMI, "-ls"])
    assert ok.available and "n300 L" in ok.list_output
    monkeypatch.setenv("FAKE_TT_SMI_NO_DRIVER", "1")
    no = device.probe_driver([FAKE_SMI, "-ls"])
    assert not no.available and device.NO_DRIVER_TEXT in no.reason
    missing = device.probe_driver(["tt-smi-does-not-exist", "-ls"], dev_dir=str(tmp_path / "none"))
    assert not missing.available and "not found on PATH" in missing.reason and "no " in missing.reason


def test_test_env() -> None:
    env = device.test_env({"PATH": "/bin", "PYTHONUNBUFFERED": "1"}, {"TT_METAL_OPERATION_TIMEOUT_SECONDS": "9"})
    assert env["TT_METAL_OPERATION_TIMEOUT_SECONDS"] == "9" and env["PATH"] == "/bin"
    assert env["PYTHONUNBUFFERED"] == "1"
    bulk = device.test_env({"PYTHONUNBUFFERED": "1"}, {}, unbuffered=False)
    assert "PYTHONUNBUFFERED" not in bulk and bulk["TT_METAL_OPERATION_TIMEOUT_SECONDS"] == "5"
