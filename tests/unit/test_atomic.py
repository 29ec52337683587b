"""write_atomic: content, mode kept, no temp files left, symlinks replaced not followed, failures clean up."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wizard import atomic
from wizard.atomic import write_atomic


def test_writes_text_and_bytes(tmp_path: Path) -> None:
    p = tmp_path / "a" / "b" / "f.txt"
    write_atomic(p, "héllo\r\nworld")
    assert p.read_bytes() == "héllo\r\nworld".encode()
    write_atomic(p, b"\x00\x01")
    assert p.read_bytes() == b"\x00\x01"
    assert os.listdir(p.parent) == ["f.txt"]


def test_keeps_mode_of_existing_file(tmp_path: Path) -> None:
    p = tmp_path / "run.sh"
    p.write_text("old")
    os.chmod(p, 0o750)
    write_atomic(p, "new")
    assert stat.S_IMODE(p.stat().st_mode) == 0o750
    assert p.read_text() == "new"


def test_new_file_gets_umask_default_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "n.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "n.txt").stat().st_mode) == 0o644


def test_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    link = tmp_path / "op" / "f.txt"
    link.parent.mkdir()
    link.symlink_to(outside)
    write_atomic(link, "new")
    assert outside.read_text() == "keep me"
    assert not link.is_symlink() and link.read_text() == "new"


def test_failure_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "f.txt"
    p.write_text("old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(p, "new")
    assert p.read_text() == "old"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_no_parents_when_asked(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "missing" / "f", "x", make_parents=False)
