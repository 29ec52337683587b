"""QA (helper J): `ttnn-wizard check --op-dir` given the wrong directory.

Bugs: `check --op-dir .` from a checkout root (or a category dir) read every C++ file below it and reported the
first op it stumbled on as "0 errors"; `check --op-dir /` walked the whole filesystem and died on /proc with a
traceback. A finding message also echoed raw bytes from a binary file (terminal escapes) to the terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEMO = FIXTURES / "demo"
OP_REL = "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_checkout_root_names_the_op_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tt-metal"
    shutil.copytree(DEMO, root)
    assert main(["check", "--op-dir", str(root)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert OP_REL in line and "--op-dir" in line


def test_category_dir_with_two_ops_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cat = tmp_path / "reduction"
    shutil.copytree(FIXTURES / "checks_op", cat / "row_sum")
    shutil.copytree(FIXTURES / "checks_op", cat / "row_sum_copy")
    assert main(["check", "--op-dir", str(cat)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "row_sum" in line and "row_sum_copy" in line and "2 ops" in line


def test_huge_tree_stops_early(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import wizard.checks as checks

    monkeypatch.setattr(checks, "MAX_WALK_FILES", 50)
    for i in range(60):
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / "x.cpp").write_text("int x;\n")
    assert main(["check", "--op-dir", str(tmp_path)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "more than 50 files" in line and str(tmp_path) in line


def test_filesystem_root(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--op-dir", "/"]) == 2
    _one_line(capsys.readouterr().err)


def test_the_op_dir_itself_still_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    op = tmp_path / "row_sum"
    shutil.copytree(FIXTURES / "checks_op", op)
    assert main(["check", "--op-dir", str(op)]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_syntax_snippet_has_no_control_characters() -> None:
    from wizard.checks.syntax import check_syntax

    for src in ("\x1b[2J\x1b]0;pwned\x07 garbage\n", "int main() { \x1b[31m @@@ }\n"):
        findings = check_syntax({"device/kernels/dataflow/reader_x.cpp": src})
        assert findings
        for f in findings:
            assert f.message.isprintable(), repr(f.message)


def test_balance_message_reads_as_english(tmp_path: Path) -> None:
    # was "reserves ... but pushs ..." / "waits ... but pops"
    from wizard.checks import check_op_dir

    root = tmp_path / "tt"
    shutil.copytree(DEMO, root)
    op_dir = root / OP_REL
    assert main(["apply", str(op_dir / "reduce_avg_w_rm_spec.md"), "--op-dir", str(op_dir), "--yes"]) == 0
    reader = op_dir / "device/kernels/dataflow/reader_reduce_avg_w_rm.cpp"
    reader.write_text(reader.read_text().replace("cb_push_back(cb_in, in_pages_per_unit)", "cb_push_back(cb_in, 1)"))
    msgs = [f.message for f in check_op_dir(op_dir) if f.check == "balance" and f.path.endswith("reader_reduce_avg_w_rm.cpp")]
    assert any("reserves" in m and "but pushes" in m for m in msgs), msgs
    assert not any("pushs" in m or "waits " in m and "waits for" not in m for m in msgs)


def test_conflict_markers_are_named_as_such() -> None:
    from wizard.checks.syntax import check_syntax

    src = "void f() {\n<<<<<<< yours\n    int a = 4;\n||||||| base\n    int a = 2;\n=======\n    int a = 3;\n>>>>>>> generated\n}\n"
    findings = check_syntax({"device/x_program_factory.cpp": src})
    assert [(f.line, "unresolved merge conflict" in f.message) for f in findings] == [(2, True)]
