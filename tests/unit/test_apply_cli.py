"""`ttnn-wizard apply` end to end on the demo checkout: dry run, approval rules, merge of hand edits, conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.cli import main

pytest.importorskip("wizard.generate", reason="the generator (helper C) is not in this build")
state_mod = pytest.importorskip("wizard.state", reason="session state (helper B) is not in this build")
overrides = pytest.importorskip("wizard.overrides", reason="overrides (helper B) are not in this build")

FACTORY = "device/reduce_avg_w_rm_program_factory.cpp"
READER = "device/kernels/dataflow/reader_reduce_avg_w_rm.cpp"


def snapshot(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_dry_run_writes_nothing(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    op_dir, spec = demo_op
    before = snapshot(op_dir)
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--dry-run"]) == 0
    out = capsys.readouterr()
    assert snapshot(op_dir) == before
    assert "replace (no base: whole file)" in out.out and f"+++ b/{READER}" in out.out
    assert "dry run: nothing written" in out.err


def test_no_tty_and_no_yes_writes_nothing(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    op_dir, spec = demo_op
    before = snapshot(op_dir)
    assert main(["apply", str(spec), "--op-dir", str(op_dir)]) == 1
    assert snapshot(op_dir) == before
    assert "--yes" in capsys.readouterr().err


def test_interactive_per_file(demo_op: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    op_dir, spec = demo_op
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["maybe", "y", "n", "q"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stage", "6"]) == 0
    written = [p for p in (op_dir / ".ttnn-wizard/base").rglob("*") if p.is_file()]
    assert len(written) == 1  # one "y", then "n", then quit


def test_yes_then_hand_edit_survives_cb_change_then_conflict(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    op_dir, spec = demo_op
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    assert (op_dir / READER).is_file()
    state = state_mod.SessionState.load(op_dir)
    assert {state.stage_status(n).value for n in (4, 5, 6)} == {"generated"}
    assert main(["check", "--op-dir", str(op_dir)]) == 0
    capsys.readouterr()

    # hand edit, then change a CB page count (c_0 pages 2*Wt) in the session state, then regenerate
    reader = (op_dir / READER).read_text()
    edited = reader.replace("void kernel_main() {", "void kernel_main() {\n    // NOTE(me): Stage 7 reads two rows at once here", 1)
    assert edited != reader
    (op_dir / READER).write_text(edited)
    spec_obj = __import__("wizard.spec", fromlist=["parse_spec"]).parse_spec(spec)
    rows = [overrides.cb_to_dict(cb) for cb in spec_obj.cbs]
    first = next(r for r in rows if r["index"] == 0)
    first["pages"] = "4*Wt"
    state = state_mod.SessionState.load(op_dir)
    state.cbs = rows
    state.save()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "4 * Wt" in (op_dir / FACTORY).read_text() or "4*Wt" in (op_dir / FACTORY).read_text()
    assert "NOTE(me): Stage 7 reads two rows at once here" in (op_dir / READER).read_text()
    assert "update" in out or "merge" in out

    # a conflicting edit on a line the generator changes again
    factory = (op_dir / FACTORY).read_text()
    line = next(l for l in factory.splitlines() if "cb_in_num_pages =" in l)
    mine = factory.replace(line, line.rstrip(";") + ";  // MINE: tuned by hand", 1)
    (op_dir / FACTORY).write_text(mine)
    first["pages"] = "6*Wt"
    state = state_mod.SessionState.load(op_dir)
    state.cbs = rows
    state.save()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "CONFLICT" in err and FACTORY in err
    text = (op_dir / FACTORY).read_text()
    assert "<<<<<<< yours" in text and "MINE: tuned by hand" in text and ">>>>>>> generated" in text
    backups = list((op_dir / ".ttnn-wizard/backup/device").glob("reduce_avg_w_rm_program_factory.cpp.*"))
    assert any(b.read_text() == mine for b in backups)
    # the conflict blocks the stage from being "generated" again, and a second apply does not stack markers
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 1
    assert (op_dir / FACTORY).read_text() == text


def test_bad_arguments(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    op_dir, spec = demo_op
    assert main(["apply", str(spec), "--op-dir", str(tmp_path / "missing")]) == 2
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stage", "5", "--stages", "4-6"]) == 2
    assert main(["apply", str(tmp_path / "nope.md"), "--op-dir", str(op_dir)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("ttnn-wizard:") >= 3
