"""`ttnn-wizard check`: exit 0 clean, 1 on errors, 2 on bad input; JSON output; --compile without setup."""

from __future__ import annotations

import json
import shutil
import sys
import types
from pathlib import Path

import pytest

from wizard.checks import CHECKS, check_op_dir
from wizard.cli import main

OP = Path(__file__).resolve().parents[1] / "fixtures" / "checks_op"


@pytest.fixture
def op_dir(tmp_path: Path) -> Path:
    """The fixture op placed where a checkout would have it, so CreateKernel paths resolve on disk."""
    dest = tmp_path / "ttnn/cpp/ttnn/operations/reduction/row_sum"
    shutil.copytree(OP, dest)
    return dest


def test_clean_op_exits_0(op_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--op-dir", str(op_dir)]) == 0
    err = capsys.readouterr().err
    assert "0 error(s)" in err


def test_findings_exit_1_and_name_file_line(op_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reader = op_dir / "device/kernels/dataflow/reader_row_sum.cpp"
    reader.write_text(reader.read_text().replace("TensorAccessorArgs<2>", "TensorAccessorArgs<3>"))
    assert main(["check", "--op-dir", str(op_dir)]) == 1
    out = capsys.readouterr().out
    assert "device/kernels/dataflow/reader_row_sum.cpp:11: error:" in out


def test_json_output(op_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (op_dir / "device/kernels/dataflow/writer_row_sum.cpp").write_text("void kernel_main() { int x = ; }\n")
    assert main(["check", "--op-dir", str(op_dir), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["error"] >= 1
    syn = [f for f in data["findings"] if f["check"] == "syntax"]
    assert syn and syn[0]["path"] == "device/kernels/dataflow/writer_row_sum.cpp" and syn[0]["line"] == 1


def test_kernel_path_missing_on_disk(op_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (op_dir / "device/kernels/compute/row_sum_compute.cpp").unlink()
    assert main(["check", "--op-dir", str(op_dir)]) == 1
    assert "row_sum_compute.cpp\" does not exist" in capsys.readouterr().out


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--op-dir", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
    f = tmp_path / "file.txt"
    f.write_text("x")
    assert main(["check", "--op-dir", str(f)]) == 2
    assert "not a directory" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["check", "--op-dir", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "no program factory found" in err and "program_factory" in err and "Traceback" not in err


def test_compile_without_verify_says_how(op_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = types.ModuleType("wizard.verify")  # a build without helper H's check_compile
    monkeypatch.setitem(sys.modules, "wizard.verify", fake)
    assert main(["check", "--op-dir", str(op_dir), "--compile"]) == 2
    assert "setup-verify" in capsys.readouterr().err


def test_compile_findings_are_merged(op_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.model import Finding

    fake = types.ModuleType("wizard.verify")
    calls = []

    def check_compile(op: Path, arch: str, on_line: object = None) -> list[Finding]:
        calls.append((op, arch))
        return [Finding("compile", "device/kernels/dataflow/reader_row_sum.cpp", 3, "error: boom")]

    fake.check_compile = check_compile  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wizard.verify", fake)
    findings = check_op_dir(op_dir, compile=True, arch="blackhole")
    assert calls == [(op_dir, "blackhole")] and any(f.check == "compile" for f in findings)


def test_a_check_is_one_line_to_add(op_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.model import Finding

    monkeypatch.setattr("wizard.checks.CHECKS", [*CHECKS, ("extra", lambda files, ctx: [Finding("extra", "x", 1, str(len(files)))])])
    assert any(f.check == "extra" for f in check_op_dir(op_dir))


def test_state_folder_is_not_checked(op_dir: Path) -> None:
    base = op_dir / ".ttnn-wizard/base/device"
    base.mkdir(parents=True)
    (base / "broken.cpp").write_text("int x = ;")
    assert not [f for f in check_op_dir(op_dir) if ".ttnn-wizard" in f.path]


def test_borrowed_kernel_from_another_op_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A factory may build a kernel from another op's directory: it is read from the checkout and checked."""
    root = tmp_path / "checkout"
    op_dir = root / "ttnn/cpp/ttnn/operations/reduction/row_sum"
    shutil.copytree(OP, op_dir)
    shared = root / "ttnn/cpp/ttnn/operations/eltwise/shared/device/kernels/dataflow/reader_row_sum.cpp"
    shared.parent.mkdir(parents=True)
    (op_dir / "device/kernels/dataflow/reader_row_sum.cpp").rename(shared)
    factory = op_dir / "device/row_sum_program_factory.cpp"
    factory.write_text(factory.read_text().replace("operations/reduction/row_sum/device/kernels/dataflow/reader_row_sum.cpp", "operations/eltwise/shared/device/kernels/dataflow/reader_row_sum.cpp"))
    assert main(["check", "--op-dir", str(op_dir)]) == 0
    shared.write_text(shared.read_text().replace("cb_push_back(cb_in, 1);", "cb_push_back(cb_in, 2);"))
    assert main(["check", "--op-dir", str(op_dir)]) == 1
    out = capsys.readouterr().out
    assert "../../eltwise/shared/device/kernels/dataflow/reader_row_sum.cpp:21: error:" in out
