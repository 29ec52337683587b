"""QA (helper J): `ttnn-wizard apply` on hostile op directories: read-only, another op's directory, a dry run
that must not touch the state folder, an unwritable session state. Never a traceback, always a clear line."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from wizard.cli import main

pytest.importorskip("wizard.generate", reason="the generator is not in this build")
state_mod = pytest.importorskip("wizard.state", reason="session state is not in this build")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEMO = FIXTURES / "demo"
OP_REL = "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"


def snapshot(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_dry_run_with_nothing_pending_writes_nothing(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # bug: with every file up to date but the 3-way bases gone, --dry-run rewrote .ttnn-wizard/base/
    op_dir, spec = demo_op
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    shutil.rmtree(op_dir / ".ttnn-wizard" / "base")
    before = snapshot(op_dir)
    capsys.readouterr()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--dry-run"]) == 0
    assert snapshot(op_dir) == before
    assert "nothing to write" in capsys.readouterr().err


def test_read_only_op_dir_is_one_clear_line(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # bug: a read-only op dir gave ten "write failed" lines and then a traceback from saving the session state.
    # (Tests run as root in CI, where chmod does not stop writes: stand in for the kernel's answer.)
    op_dir, spec = demo_op
    real_access = os.access
    ro = op_dir.resolve()

    def access(path, mode, *a, **k):  # type: ignore[no-untyped-def]
        if mode & os.W_OK and Path(path).resolve() == ro:
            return False
        return real_access(path, mode, *a, **k)

    monkeypatch.setattr(os, "access", access)
    before = snapshot(op_dir)
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "not writable" in lines[0] and str(op_dir) in lines[0]
    assert snapshot(op_dir) == before
    # a dry run only reads: it still works
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--dry-run"]) == 0


def test_write_failures_midway_never_traceback(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # A filesystem that turns read-only (or full) after the check: per-file errors, the state save fails too,
    # the command still ends with a message and exit status, not a traceback.
    op_dir, spec = demo_op

    def refuse(path, data, **kw):  # type: ignore[no-untyped-def]
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr("wizard.apply.write_atomic", refuse)
    monkeypatch.setattr("wizard.state.write_atomic", refuse)
    code = main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"])
    err = capsys.readouterr().err
    assert code in (1, 2)
    assert "Read-only file system" in err
    assert "session state" in err


def test_state_save_failure_is_a_wizard_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.errors import WizardError

    def refuse(path, data, **kw):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    st = state_mod.SessionState.load(tmp_path)
    st.profile = "wormhole_n150"
    monkeypatch.setattr("wizard.state.write_atomic", refuse)
    with pytest.raises(WizardError) as exc:
        st.save()
    assert "state.toml" in str(exc.value) and "Permission denied" in str(exc.value)


def test_spec_of_another_op_is_refused(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # bug: layer_norm_w_rm's spec applied to reduce_avg_w_rm's op dir silently wrote layer_norm files there (exit 0)
    op_dir, _ = demo_op
    other = FIXTURES / "specs" / "layer_norm_w_rm_spec.md"
    before = snapshot(op_dir)
    for extra in (["--yes"], ["--dry-run"]):
        assert main(["apply", str(other), "--op-dir", str(op_dir), *extra]) == 2
        err = capsys.readouterr().err
        assert "reduce_avg_w_rm" in err and "layer_norm_w_rm" in err and "Traceback" not in err
    assert snapshot(op_dir) == before


def test_op_dir_without_scaffold_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Stages 4-6 into a directory with no Stage 1-3 files: written (inspection is fine) but the user is told.
    op_dir = tmp_path / "reduce_avg_w_rm"
    op_dir.mkdir()
    spec = FIXTURES / "specs" / "reduce_avg_w_rm_spec.md"
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0
    err = capsys.readouterr().err
    assert "--stages 1-3" in err and "device/reduce_avg_w_rm_device_operation.hpp" in err


@pytest.mark.parametrize("where", ["", "ttnn/cpp/ttnn/operations/reduction", "ttnn/cpp/ttnn/operations"])
def test_checkout_root_or_category_dir_is_refused(demo_op: tuple[Path, Path], where: str, capsys: pytest.CaptureFixture[str]) -> None:
    # bug: --op-dir at the checkout root (or the category folder) wrote device/ and test_dev/ right there
    op_dir, spec = demo_op
    root = op_dir.parents[len(Path(OP_REL).parts) - 1]
    target = root / where if where else root
    before = snapshot(root)
    for extra in (["--yes"], ["--dry-run"]):
        assert main(["apply", str(spec), "--op-dir", str(target), *extra]) == 2
        err = capsys.readouterr().err
        assert f"--op-dir {op_dir}" in err and "Traceback" not in err
    assert snapshot(root) == before


def test_category_that_does_not_match_the_op_location_warns(demo_op: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # a category override (or a spec category) other than the folder the op sits in: the factory's repo-relative
    # CreateKernel paths would name a directory that does not exist; say so
    op_dir, spec = demo_op
    st = state_mod.SessionState.load(op_dir)
    st.set_override("category", "eltwise")
    st.save()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "ttnn/cpp/ttnn/operations/eltwise/reduce_avg_w_rm/" in err and "kernel paths" in err
    capsys.readouterr()
    st.clear_override("category")
    st.save()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--dry-run"]) == 0
    assert "kernel paths" not in capsys.readouterr().err


def test_stage1_into_a_new_op_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Starting from a spec alone: the op directory does not exist yet. It was refused ("does not exist"), so the
    # headless user had to guess to mkdir it first; now a dry run previews into it and --yes creates it.
    root = tmp_path / "tt-metal"
    shutil.copytree(DEMO, root)
    spec = FIXTURES / "specs" / "row_mean_sub_square_reduce_spec.md"
    op_dir = root / "ttnn/cpp/ttnn/operations/reduction/row_mean_sub_square_reduce"
    before = snapshot(root)
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "create  device/row_mean_sub_square_reduce_device_operation.hpp" in out
    assert snapshot(root) == before and not op_dir.exists()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--yes"]) == 0
    assert (op_dir / "device" / "row_mean_sub_square_reduce_device_operation.hpp").is_file()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--yes"]) == 0  # then Stages 4-6
    assert main(["check", "--op-dir", str(op_dir)]) == 0


def test_new_op_directory_needs_its_parent_and_stage1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = FIXTURES / "specs" / "reduce_avg_w_rm_spec.md"
    assert main(["apply", str(spec), "--op-dir", str(tmp_path / "nope" / "reduce_avg_w_rm"), "--stages", "1-3", "--yes"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["apply", str(spec), "--op-dir", str(tmp_path / "reduce_avg_w_rm"), "--yes"]) == 2  # 4-6 needs the op
    assert "--stages 1-3" in capsys.readouterr().err
    assert not (tmp_path / "reduce_avg_w_rm").exists()
