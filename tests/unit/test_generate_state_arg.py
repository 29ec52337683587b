"""`generate --state DIR` (helper M): a directory without a session state is refused, naming what was looked for,
instead of silently generating without overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.cli import main
from wizard.state import SessionState

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "reduce_avg_w_rm_spec.md"


def test_state_dir_without_state_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    op_dir = tmp_path / "op"
    op_dir.mkdir()
    out = tmp_path / "out"
    assert main(["generate", str(SPEC), "--state", str(op_dir), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(op_dir / ".ttnn-wizard" / "state.toml") in err and "no session state" in err
    assert not out.exists()  # nothing generated


def test_state_dir_with_state_file_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    op_dir = tmp_path / "op"
    op_dir.mkdir()
    state = SessionState.load(op_dir)
    state.set_override("name", "renamed_op")
    state.save()
    for given in (op_dir, op_dir / ".ttnn-wizard"):  # the op dir, or its .ttnn-wizard folder
        out = tmp_path / f"out_{given.name}"
        assert main(["generate", str(SPEC), "--state", str(given), "--out", str(out)]) == 0
        assert (out / "device" / "renamed_op_device_operation.cpp").is_file()
