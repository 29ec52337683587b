"""QA (helper L): `ttnn-wizard notes.md` on a markdown file that is not a planner spec says so plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.errors import WizardError
from wizard.workspace import op_dir_for_spec


def test_a_markdown_file_without_an_operation_name_is_called_not_a_spec(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("hi\n")
    with pytest.raises(WizardError) as err:
        op_dir_for_spec(notes, "", "")
    msg = str(err.value)
    assert "''" not in msg, msg
    assert "no operation name" in msg and "Operation Name" in msg, msg


def test_a_name_that_is_no_directory_name_is_still_named(tmp_path: Path) -> None:
    with pytest.raises(WizardError, match="'../evil'"):
        op_dir_for_spec(tmp_path / "x_spec.md", "../evil", "reduction")
