"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
DEMO_OP_REL = "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"


@pytest.fixture
def demo_op(tmp_path: Path) -> tuple[Path, Path]:
    """(op directory, spec) of the scaffolded demo op in a fresh copy of the fake tt-metal checkout."""
    root = tmp_path / "tt-metal"
    shutil.copytree(DEMO, root)
    op_dir = root / DEMO_OP_REL
    return op_dir, op_dir / "reduce_avg_w_rm_spec.md"
