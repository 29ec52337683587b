"""diff_plan / apply_changes: every action, the 3-way base, backups, confinement, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard import apply as ap
from wizard.apply import apply_changes, base_path, confine, diff_plan, write_atomic
from wizard.errors import WizardError
from wizard.model import Plan, PlannedFile

FACTORY = "device/op_program_factory.cpp"


def factory_text(pages: str = "2", extra: str = "") -> str:
    return (
        '#include "op_program_factory.hpp"\n'
        "\n"
        "void create() {\n"
        "    // CB c_0: input tiles\n"
        f"    const uint32_t cb_in_num_pages = {pages};\n"
        "    tt::tt_metal::create_cb(cb_in_idx, program, all_cores, tile_size, cb_in_num_pages, df);\n"
        "\n"
        "    // CB c_16: output tiles\n"
        "    const uint32_t cb_out_num_pages = 2;\n"
        f"{extra}"
        "    tt::tt_metal::create_cb(cb_out_idx, program, all_cores, tile_size, cb_out_num_pages, df);\n"
        "}\n"
    )


def plan(text: str, path: str = FACTORY, stage: int = 5) -> Plan:
    return Plan("op", "ttnn/cpp/ttnn/operations/reduction/op", [PlannedFile(path, text, stage)])


def apply_all(p: Plan, op_dir: Path) -> ap.ApplyResult:
    changes = diff_plan(p, op_dir)
    return apply_changes(changes, op_dir, {c.path for c in changes})


def test_create_then_unchanged(tmp_path: Path) -> None:
    [ch] = diff_plan(plan(factory_text()), tmp_path)
    assert ch.action == "create" and ch.diff.startswith("--- /dev/null")
    res = apply_changes([ch], tmp_path, {FACTORY})
    assert res.created == [FACTORY] and res.ok
    assert (tmp_path / FACTORY).read_text() == factory_text()
    assert base_path(tmp_path, FACTORY).read_text() == factory_text()
    [again] = diff_plan(plan(factory_text()), tmp_path)
    assert again.action == "unchanged" and again.diff == ""


def test_update_when_not_edited_by_hand(tmp_path: Path) -> None:
    apply_all(plan(factory_text()), tmp_path)
    [ch] = diff_plan(plan(factory_text("4")), tmp_path)
    assert ch.action == "update"
    assert "-    const uint32_t cb_in_num_pages = 2;" in ch.diff and "+    const uint32_t cb_in_num_pages = 4;" in ch.diff
    res = apply_changes([ch], tmp_path, {FACTORY})
    assert res.updated == [FACTORY]
    assert (tmp_path / FACTORY).read_text() == factory_text("4") == base_path(tmp_path, FACTORY).read_text()


def test_hand_edit_survives_regeneration_with_new_page_count(tmp_path: Path) -> None:
    apply_all(plan(factory_text()), tmp_path)
    edited = (tmp_path / FACTORY).read_text().replace("    // CB c_16: output tiles\n", "    // CB c_16: output tiles\n    // NOTE(me): keep this for Stage 7\n")
    (tmp_path / FACTORY).write_text(edited)
    [ch] = diff_plan(plan(factory_text("2 * Wt")), tmp_path)
    assert ch.action == "merge" and not ch.conflicts
    res = apply_changes([ch], tmp_path, {FACTORY})
    text = (tmp_path / FACTORY).read_text()
    assert res.merged == [FACTORY]
    assert "// NOTE(me): keep this for Stage 7" in text and "cb_in_num_pages = 2 * Wt;" in text
    assert base_path(tmp_path, FACTORY).read_text() == factory_text("2 * Wt")  # base advanced to the generation
    assert FACTORY in res.backups and (tmp_path / res.backups[FACTORY]).read_text() == edited


def test_conflicting_edit_gives_markers_backup_and_keeps_base(tmp_path: Path) -> None:
    apply_all(plan(factory_text()), tmp_path)
    mine = (tmp_path / FACTORY).read_text().replace("cb_in_num_pages = 2;", "cb_in_num_pages = 3;  // tuned by hand")
    (tmp_path / FACTORY).write_text(mine)
    [ch] = diff_plan(plan(factory_text("4")), tmp_path)
    assert ch.action == "conflict" and ch.conflicts
    res = apply_changes([ch], tmp_path, {FACTORY})
    assert not res.ok and list(res.conflicts) == [FACTORY]
    text = (tmp_path / FACTORY).read_text()
    lines = text.splitlines()
    assert lines[res.conflicts[FACTORY][0] - 1] == "<<<<<<< yours"
    assert "cb_in_num_pages = 3;  // tuned by hand" in text  # the user's text is still there
    assert "||||||| base" in text and ">>>>>>> generated" in text and "cb_in_num_pages = 4;" in text
    assert (tmp_path / res.backups[FACTORY]).read_text() == mine
    assert base_path(tmp_path, FACTORY).read_text() == factory_text()  # NOT advanced
    # applying again does not stack markers on top of markers
    [again] = diff_plan(plan(factory_text("4")), tmp_path)
    assert again.action == "conflict" and again.merged_text == text
    res2 = apply_changes([again], tmp_path, {FACTORY})
    assert (tmp_path / FACTORY).read_text() == text and not res2.ok


def test_edit_kept_when_generation_unchanged(tmp_path: Path) -> None:
    apply_all(plan(factory_text()), tmp_path)
    mine = factory_text().replace("void create() {", "void create() {  // mine")
    (tmp_path / FACTORY).write_text(mine)
    [ch] = diff_plan(plan(factory_text()), tmp_path)
    assert ch.action == "unchanged"
    apply_changes([ch], tmp_path, set())
    assert (tmp_path / FACTORY).read_text() == mine


def test_replace_without_base_needs_approval(tmp_path: Path) -> None:
    (tmp_path / "device").mkdir()
    scaffold = "// scaffolder stub\nvoid create() { TT_THROW(\"not implemented\"); }\n"
    (tmp_path / FACTORY).write_text(scaffold)
    [ch] = diff_plan(plan(factory_text()), tmp_path)
    assert ch.action == "replace" and ch.needs_approval
    assert "-// scaffolder stub" in ch.diff and "+void create() {" in ch.diff
    res = apply_changes([ch], tmp_path, set())
    assert res.skipped == [FACTORY] and (tmp_path / FACTORY).read_text() == scaffold
    res = apply_changes([ch], tmp_path, {FACTORY})
    assert res.replaced == [FACTORY] and (tmp_path / res.backups[FACTORY]).read_text() == scaffold


def test_disk_changed_after_diff_is_not_overwritten(tmp_path: Path) -> None:
    apply_all(plan(factory_text()), tmp_path)
    [ch] = diff_plan(plan(factory_text("4")), tmp_path)
    (tmp_path / FACTORY).write_text("// someone typed in the meantime\n")
    res = apply_changes([ch], tmp_path, {FACTORY})
    assert FACTORY in res.errors and (tmp_path / FACTORY).read_text() == "// someone typed in the meantime\n"


def test_python_merge_engine_gives_same_result(tmp_path: Path) -> None:
    apply_all(plan(factory_text()), tmp_path)
    (tmp_path / FACTORY).write_text(factory_text().replace('#include "op_program_factory.hpp"', '#include "op_program_factory.hpp"  // mine'))
    [git_ch] = diff_plan(plan(factory_text("8")), tmp_path)
    [py_ch] = diff_plan(plan(factory_text("8")), tmp_path, engine="python")
    assert git_ch.merged_text == py_ch.merged_text and py_ch.action == "merge"


@pytest.mark.parametrize("bad", ["/etc/passwd", "../x.cpp", "device/../../x.cpp", "", ".ttnn-wizard/base/x", ".git/config", "a\\b.cpp", "C:/x", "x\x00.cpp", "."])
def test_confine_refuses(tmp_path: Path, bad: str) -> None:
    with pytest.raises(WizardError):
        confine(tmp_path, bad)


def test_confine_refuses_symlink_escape(tmp_path: Path) -> None:
    op = tmp_path / "op"
    outside = tmp_path / "outside"
    op.mkdir()
    outside.mkdir()
    (op / "device").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WizardError, match="outside"):
        confine(op, "device/evil.cpp")
    with pytest.raises(WizardError):
        diff_plan(plan("x\n", "device/evil.cpp"), op)
    assert not (outside / "evil.cpp").exists()


def test_confine_accepts_normal_paths(tmp_path: Path) -> None:
    assert confine(tmp_path, "device/kernels/dataflow/r.cpp") == tmp_path.resolve() / "device/kernels/dataflow/r.cpp"
    assert confine(tmp_path, "./test_dev/t.py") == tmp_path.resolve() / "test_dev/t.py"


def test_atomic_write_failure_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.cpp"
    target.write_text("old\n")

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.cpp"]  # no temp file left behind


def test_apply_reports_failed_write_and_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apply_all(plan(factory_text()), tmp_path)
    [ch] = diff_plan(plan(factory_text("4")), tmp_path)

    def boom(src: str, dst: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", boom)
    res = apply_changes([ch], tmp_path, {FACTORY})
    assert FACTORY in res.errors and "write failed" in res.errors[FACTORY]
    assert (tmp_path / FACTORY).read_text() == factory_text()
    assert base_path(tmp_path, FACTORY).read_text() == factory_text()


def test_write_atomic_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text("#!/bin/sh\n")
    target.chmod(0o755)
    write_atomic(target, "#!/bin/sh\necho hi\n")
    assert target.stat().st_mode & 0o777 == 0o755


def test_repo_root_files(tmp_path: Path) -> None:
    rel = "ttnn/cpp/ttnn/operations/reduction/op"
    op = tmp_path / rel
    op.mkdir(parents=True)
    (tmp_path / "ttnn").joinpath("CMakeLists.txt").write_text("set(TTNN_SRC_PYBIND\n)\n")
    p = Plan("op", rel, [PlannedFile("ttnn/CMakeLists.txt", "set(TTNN_SRC_PYBIND\n  x.cpp\n)\n", 1, "cmake", root="repo")])
    [ch] = diff_plan(p, op)
    assert ch.action == "replace"
    res = apply_changes([ch], op, {ch.path})
    assert res.replaced == ["ttnn/CMakeLists.txt"]
    assert "x.cpp" in (tmp_path / "ttnn/CMakeLists.txt").read_text()
    assert base_path(op, "ttnn/CMakeLists.txt", "repo").is_file()
    with pytest.raises(WizardError, match="checkout root"):
        diff_plan(Plan("op", "elsewhere/op", p.files), op)


def test_missing_op_dir(tmp_path: Path) -> None:
    with pytest.raises(WizardError, match="does not exist"):
        diff_plan(plan("x"), tmp_path / "nope")


def test_after_resolving_a_conflict_the_next_apply_is_clean(tmp_path: Path) -> None:
    apply_all(plan(factory_text()), tmp_path)
    mine = (tmp_path / FACTORY).read_text().replace("cb_in_num_pages = 2;", "cb_in_num_pages = 3;  // mine")
    (tmp_path / FACTORY).write_text(mine)
    [ch] = diff_plan(plan(factory_text("4")), tmp_path)
    apply_changes([ch], tmp_path, {FACTORY})
    # the user resolves the markers by keeping their line
    (tmp_path / FACTORY).write_text(mine)
    [again] = diff_plan(plan(factory_text("4")), tmp_path)
    assert again.action == "unchanged" and again.merged_text == mine  # resolved against that generation: nothing to do
    apply_changes([again], tmp_path, set())
    assert base_path(tmp_path, FACTORY).read_text() == factory_text("4")
    assert not ap.pending_path(tmp_path, FACTORY).exists()
    # a later generation that changes another line merges cleanly around the resolution
    [later] = diff_plan(plan(factory_text("4", extra="    // new block\n")), tmp_path)
    assert later.action == "merge"
    apply_changes([later], tmp_path, {FACTORY})
    text = (tmp_path / FACTORY).read_text()
    assert "cb_in_num_pages = 3;  // mine" in text and "// new block" in text
