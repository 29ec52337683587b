"""Proposals: confinement (ours and the shared one), checks on the overlay, diff via the apply machinery."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.apply import apply_changes, base_path, diff_plan
from wizard.claude.client import Proposal, ProposedFile
from wizard.claude.proposals import apply_review, confine_path, own_confine, review_proposal, unified_patch
from wizard.errors import WizardError
from wizard.generate import plan_stages
from wizard.spec import parse_spec

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "reduce_avg_w_rm_spec.md"
READER = "device/kernels/dataflow/reader_reduce_avg_w_rm.cpp"


@pytest.fixture
def op(tmp_path: Path) -> Path:
    op = tmp_path / "op"
    op.mkdir()
    changes = diff_plan(plan_stages(parse_spec(SPEC), (4, 6)), op)
    assert apply_changes(changes, op, {c.path for c in changes}).ok
    return op


@pytest.mark.parametrize(("path", "why"), [
    ("../x.cpp", "'..'"), ("device/../../x.cpp", "'..'"), ("/etc/passwd", "absolute"), ("~/x", "absolute"),
    ("C:/x.cpp", "absolute"), ("a\\..\\b.cpp", "backslash"), (".ttnn-wizard/state.toml", ".ttnn-wizard"),
    (".git/config", ".git"), ("", "empty"), ("device", "directory"),
])
def test_own_confine_refuses(tmp_path: Path, path: str, why: str) -> None:
    (tmp_path / "device").mkdir()
    with pytest.raises(WizardError, match=why):
        own_confine(tmp_path, path)


def test_symlink_escape_refused_by_both_checks(tmp_path: Path) -> None:
    op = tmp_path / "op"
    op.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (op / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (op / "file_link.cpp").symlink_to(tmp_path / "elsewhere" / "f.cpp")
    for rel in ("link/x.cpp", "file_link.cpp"):
        with pytest.raises(WizardError, match="outside"):
            own_confine(op, rel)
        with pytest.raises(WizardError):
            confine_path(op, rel)
    assert confine_path(op, "device/new.cpp") == (op / "device" / "new.cpp").resolve()


def test_review_refuses_checks_and_diffs(op: Path) -> None:
    reader = (op / READER).read_text()
    broken = reader.replace("void kernel_main() {", "void kernel_main() {{", 1)
    prop = Proposal("fix", 6, "m", files=[
        ProposedFile(READER, broken, "r"),
        ProposedFile("../../etc/passwd", "x", "x"),
        ProposedFile("device/new_helper.hpp", "#pragma once\n", "h"),
        ProposedFile("device/nul.cpp", "a\x00b", "x"),
    ])
    review = review_proposal(prop, op, op_name="reduce_avg_w_rm")
    assert [r.path for r in review.refused] == ["../../etc/passwd", "device/nul.cpp"]
    assert review.paths == [READER, "device/new_helper.hpp"]
    assert {c.path: c.action for c in review.changes} == {READER: "update", "device/new_helper.hpp": "create"}
    # the syntax error is a NEW finding, in the reader, from the checks run on the proposed text
    assert any(f.check == "syntax" and f.path == READER for f in review.new_findings), review.new_findings
    assert not (op / "device" / "new_helper.hpp").exists()  # nothing written by a review


def test_apply_review_writes_approved_only_and_keeps_the_base(op: Path) -> None:
    reader = (op / READER).read_text()
    prop = Proposal("fix", 6, "m", files=[ProposedFile(READER, reader + "// ok\n"),
                                          ProposedFile("device/new_helper.hpp", "#pragma once\n")])
    review = review_proposal(prop, op)
    result = apply_review(review, {"device/new_helper.hpp", "../../etc/passwd"})
    assert result.created == ["device/new_helper.hpp"] and result.skipped == [] and not result.errors
    assert (op / READER).read_text() == reader
    assert not base_path(op, "device/new_helper.hpp").exists()  # a proposal is a hand edit: no generated base
    result = apply_review(review, {READER})
    assert result.updated == [READER]
    assert base_path(op, READER).read_text() == reader  # the base still holds the generated text


def test_unified_patch_is_git_style(tmp_path: Path) -> None:
    (tmp_path / "a.cpp").write_text("one\ntwo\n")
    patch = unified_patch(tmp_path, {"a.cpp": "one\n2\n", "b.cpp": "new"})
    assert "diff --git a/a.cpp b/a.cpp\n--- a/a.cpp\n+++ b/a.cpp\n" in patch
    assert "new file mode 100644\n--- /dev/null\n+++ b/b.cpp\n" in patch
    assert patch.endswith("+new\n\\ No newline at end of file\n")
    assert unified_patch(tmp_path, {"a.cpp": "one\ntwo\n"}) == ""
