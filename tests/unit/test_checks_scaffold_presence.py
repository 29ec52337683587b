"""Scaffold check on trees without Stages 1-3 (helper M): a fresh `generate --stages 4-6 --out DIR` tree checks
clean (the missing Stage 1-3 files are not errors there, an INFO says why); a tree that has any Stage 1-3-only
file, or an op inside a tt-metal checkout, is still held to all nine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard.checks import check_op_dir
from wizard.cli import main
from wizard.model import Severity

SPECS = Path(__file__).resolve().parents[1] / "fixtures" / "specs"
SPEC_FILES = sorted(SPECS.glob("*_spec.md"))
DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo"


@pytest.mark.parametrize("spec", SPEC_FILES, ids=lambda p: p.stem)
def test_generate_4_6_then_check_is_clean(spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "op"
    assert main(["generate", str(spec), "--stages", "4-6", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["check", "--op-dir", str(out)]) == 0, capsys.readouterr()
    findings = check_op_dir(out)
    bad = [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert bad == [], bad
    notes = [f for f in findings if f.check == "scaffold" and f.severity is Severity.INFO]
    assert len(notes) == 1 and "not checked" in notes[0].message


def test_one_stage_1_3_file_means_all_nine_are_required(tmp_path: Path) -> None:
    out = tmp_path / "op"
    assert main(["generate", str(SPECS / "reduce_avg_w_rm_spec.md"), "--stages", "4-6", "--out", str(out)]) == 0
    (out / "reduce_avg_w_rm_nanobind.hpp").write_text("#pragma once\n")
    missing = sorted(f.path for f in check_op_dir(out) if f.check == "scaffold" and "missing scaffold" in f.message)
    assert missing == sorted([
        "reduce_avg_w_rm.hpp", "reduce_avg_w_rm.cpp", "reduce_avg_w_rm_nanobind.cpp",
        "device/reduce_avg_w_rm_device_operation.hpp", "device/reduce_avg_w_rm_device_operation_types.hpp",
    ])


def test_op_in_a_checkout_is_held_to_the_scaffold(tmp_path: Path) -> None:
    root = tmp_path / "tt"
    shutil.copytree(DEMO, root)
    op_dir = root / "ttnn" / "cpp" / "ttnn" / "operations" / "reduction" / "new_op"
    assert main(["generate", str(SPECS / "reduce_avg_w_rm_spec.md"), "--stages", "4-6", "--out", str(op_dir)]) == 0
    missing = [f for f in check_op_dir(op_dir) if f.check == "scaffold" and "missing scaffold" in f.message]
    assert len(missing) == 6 and all(f.severity is Severity.ERROR for f in missing)
