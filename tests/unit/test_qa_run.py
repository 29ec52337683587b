"""QA (helper J): `ttnn-wizard run` with a broken session state (owner: helper E, wizard/runner + commands/run.py).

Was a bug (fixed by helper M: the state is loaded before the run): a corrupt .ttnn-wizard/state.toml is only noticed after the stage tests have run
(seconds to minutes on hardware); the run's results are then thrown away and the command exits 2. It should say
so before building or running anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard.cli import main

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
OP_REL = "ttnn/cpp/ttnn/operations/reduction/reduce_avg_w_rm"


def test_corrupt_state_is_refused_before_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tt"
    shutil.copytree(DEMO, root)
    op_dir = root / OP_REL
    assert main(["apply", str(op_dir / "reduce_avg_w_rm_spec.md"), "--op-dir", str(op_dir), "--yes"]) == 0
    (op_dir / ".ttnn-wizard" / "state.toml").write_text("version = 1\n[overrides\n")
    capsys.readouterr()
    code = main(["run", "--op-dir", str(op_dir), "--stage", "4", "--no-build", "--timeout", "60"])
    out, err = capsys.readouterr()
    assert code == 2 and "state.toml" in err
    assert "test session starts" not in out  # nothing was run
