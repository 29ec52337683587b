from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import WizardError
from wizard.runner import Runner


def test_missing_lock_dir_is_a_clear_error_before_anything_runs(tmp_path: Path) -> None:
    op = tmp_path / "op"
    (op / "test_dev").mkdir(parents=True)
    (op / "test_dev" / "test_stage4_device_op.py").write_text("def test_x():\n    pass\n")
    runner = Runner(op, lock_dir=str(tmp_path / "no-such-dir"))
    with pytest.raises(WizardError, match="lock directory does not exist"):
        runner.run_stage(4, build=False, record=False)
    assert not (op / ".ttnn-wizard" / "logs").exists()
