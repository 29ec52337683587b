"""Build integration (wizard.integrate) on fixture checkouts of both CMake styles (+ the 2026 sources.cmake layout)
and both registration places; idempotency, all-or-nothing manual instructions, and the apply CLI into a checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard.integrate import OpRef, plan_integration

ROOT = Path(__file__).resolve().parents[2]
CHECKOUTS = ROOT / "tests" / "fixtures" / "checkouts"
SPECS = ROOT / "tests" / "fixtures" / "specs"
OPS = "ttnn/cpp/ttnn/operations"


def checkout(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(CHECKOUTS / name, root)
    return root


def op(name: str, category: str) -> OpRef:
    return OpRef(name, category, f"{OPS}/{category}/{name}")


def write(root: Path, files) -> None:  # type: ignore[no-untyped-def]
    for f in files:
        (root / f.path).write_text(f.text, encoding="utf-8")


def added_lines(root: Path, files) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """path -> the lines the edit adds (an edit may only ever add lines)."""
    out = {}
    for f in files:
        old = (root / f.path).read_text().splitlines()
        new = f.text.splitlines()
        it = iter(new)
        assert all(any(line == n for n in it) for line in old), f"{f.path}: an existing line was changed or dropped"
        out[f.path] = [ln.strip() for ln in new if ln not in old]
    return out


def test_target_sources_and_category_py_module(tmp_path: Path) -> None:
    root = checkout(tmp_path, "target_sources_category")
    integ = plan_integration(op("reduce_avg_w_rm", "reduction"), root)
    assert integ.complete and all(f.root == "repo" and f.stage == 1 for f in integ.files)
    got = added_lines(root, integ.files)
    assert got == {
        f"{OPS}/reduction/CMakeLists.txt": [
            "reduce_avg_w_rm/device/reduce_avg_w_rm_device_operation.cpp",
            "reduce_avg_w_rm/device/reduce_avg_w_rm_program_factory.cpp",
            "reduce_avg_w_rm/reduce_avg_w_rm.cpp",
        ],
        "ttnn/CMakeLists.txt": ["${CMAKE_CURRENT_SOURCE_DIR}/cpp/ttnn/operations/reduction/reduce_avg_w_rm/reduce_avg_w_rm_nanobind.cpp"],
        f"{OPS}/reduction/reduction_nanobind.cpp": [
            '#include "ttnn/operations/reduction/reduce_avg_w_rm/reduce_avg_w_rm_nanobind.hpp"',
            "::ttnn::operations::reduce_avg_w_rm::bind_reduce_avg_w_rm_operation(mod);",
        ],
    }
    by = {f.path: f.text for f in integ.files}
    cm = by[f"{OPS}/reduction/CMakeLists.txt"]
    # the sources go into the PRIVATE list (8-space entries), not the PUBLIC file set
    assert "        argmax/device/argmax_program_factory.cpp\n        reduce_avg_w_rm/device/" in cm
    # the binding source sits with its category's entries, not at the end of ttnn's list
    pyb = by["ttnn/CMakeLists.txt"]
    assert pyb.index("reduce_avg_w_rm_nanobind.cpp") < pyb.index("pool/pool_nanobind.cpp")
    # the call is inside py_module, before its closing brace (a brace in a comment does not fool it)
    nb = by[f"{OPS}/reduction/reduction_nanobind.cpp"]
    assert "bind_reduction_argmax_operation(mod);\n    ::ttnn::operations::reduce_avg_w_rm::bind_reduce_avg_w_rm_operation(mod);\n}" in nb


def test_set_sources_and_top_level_init(tmp_path: Path) -> None:
    root = checkout(tmp_path, "set_sources_toplevel")
    integ = plan_integration(op("layer_norm_w_rm", "normalization"), root)
    assert integ.complete
    by = {f.path: f.text for f in integ.files}
    assert set(by) == {f"{OPS}/normalization/CMakeLists.txt", "ttnn/CMakeLists.txt", "ttnn/cpp/ttnn-nanobind/__init__.cpp"}
    assert "    softmax/device/softmax_program_factory.cpp\n    layer_norm_w_rm/device/layer_norm_w_rm_device_operation.cpp\n" in by[f"{OPS}/normalization/CMakeLists.txt"]
    # relative entries stay relative; a ')' on the last entry's line is kept closing the list
    pyb = by["ttnn/CMakeLists.txt"]
    assert "    cpp/ttnn/operations/normalization/layer_norm_w_rm/layer_norm_w_rm_nanobind.cpp\n" in pyb
    assert pyb.count("(") == pyb.count(")") and "unary_nanobind.cpp)" in pyb
    init = by["ttnn/cpp/ttnn-nanobind/__init__.cpp"]
    # after the last use of m_normalization, before the next submodule; include next to the category's includes
    assert (
        "bind_softmax_operation(m_normalization);\n    ::ttnn::operations::layer_norm_w_rm::bind_layer_norm_w_rm_operation(m_normalization);\n\n    auto m_core"
        in init
    )
    assert 'softmax_nanobind.hpp"\n#include "ttnn/operations/normalization/layer_norm_w_rm/layer_norm_w_rm_nanobind.hpp"\n' in init


def test_sources_cmake_layout(tmp_path: Path) -> None:
    root = checkout(tmp_path, "sources_cmake")
    integ = plan_integration(op("standardize_w_rm", "reduction"), root)
    assert integ.complete
    by = {f.path: f.text for f in integ.files}
    # the category lists its own binding sources (one-line list): ttnn/sources.cmake is left alone
    assert set(by) == {f"{OPS}/reduction/sources.cmake", f"{OPS}/reduction/reduction_nanobind.cpp"}
    src = by[f"{OPS}/reduction/sources.cmake"]
    assert "    argmax/device/argmax_program_factory.cpp\n    standardize_w_rm/device/standardize_w_rm_device_operation.cpp\n" in src
    assert "set(TTNN_OP_REDUCTION_NANOBIND_SRCS reduction_nanobind.cpp argmax/argmax_nanobind.cpp standardize_w_rm/standardize_w_rm_nanobind.cpp)" in src
    assert "set(TTNN_OP_REDUCTION_API_HEADERS argmax/argmax.hpp)" in src  # untouched
    # py_module's parameter is called `module` here: the call uses that name
    assert "bind_standardize_w_rm_operation(module);" in by[f"{OPS}/reduction/reduction_nanobind.cpp"]


@pytest.mark.parametrize(
    ("fixture", "name", "category"),
    [("target_sources_category", "row_mean_sub_square_reduce", "reduction"), ("set_sources_toplevel", "row_centralize", "normalization"), ("sources_cmake", "reduce_avg_w_rm", "reduction")],
)
def test_idempotent(tmp_path: Path, fixture: str, name: str, category: str) -> None:
    root = checkout(tmp_path, fixture)
    first = plan_integration(op(name, category), root)
    assert first.files and first.complete
    write(root, first.files)
    second = plan_integration(op(name, category), root)
    assert second.files == [] and second.complete and len(second.done) == 3
    # a second op in the same checkout is added next to the first one, and the first one stays
    other = plan_integration(op(f"{name}_b", category), root)
    write(root, other.files)
    texts = "".join(p.read_text() for p in root.rglob("*") if p.is_file())
    assert texts.count(f"bind_{name}_operation(") == 1 and texts.count(f"bind_{name}_b_operation(") == 1


def test_unrecognised_layout_is_all_or_nothing_with_precise_instructions(tmp_path: Path) -> None:
    root = checkout(tmp_path, "unrecognised")
    before = {p: p.read_text() for p in root.rglob("*") if p.is_file()}
    integ = plan_integration(op("reduce_avg_w_rm", "reduction"), root)
    assert integ.files == [] and not integ.complete
    first, rest = integ.manual
    assert first.startswith(f"{OPS}/reduction/CMakeLists.txt: no list of the category's sources found")
    assert "    reduce_avg_w_rm/device/reduce_avg_w_rm_device_operation.cpp" in first
    assert "line 2 of ttnn/cpp/ttnn/operations/reduction/CMakeLists.txt collects sources with file(GLOB ...)" in first
    # the parts we could have done are not done either, and say exactly where their lines go
    assert "ttnn/CMakeLists.txt: add `cpp/ttnn/operations/reduction/reduce_avg_w_rm/reduce_avg_w_rm_nanobind.cpp` after the line `cpp/ttnn-nanobind/__init__.cpp`" in rest
    assert "ttnn/cpp/ttnn-nanobind/__init__.cpp: add `::ttnn::operations::reduce_avg_w_rm::bind_reduce_avg_w_rm_operation(m_reduction);` after the line `ttnn::operations::reduction::py_module(m_reduction);`" in rest
    assert {p: p.read_text() for p in root.rglob("*") if p.is_file()} == before


def test_missing_category_and_registration_place(tmp_path: Path) -> None:
    root = checkout(tmp_path, "set_sources_toplevel")
    integ = plan_integration(op("image_rotate", "pool"), root)
    assert integ.files == [] and len(integ.manual) == 3  # sources, registration, and the binding-source line not written
    assert any("has no `void py_module(nb::module_& mod)`" in m and "auto m_pool" in m for m in integ.manual)
    assert any("CMakeLists.txt does not exist: is 'pool' an existing category?" in m for m in integ.manual)


def test_commented_out_lists_are_not_edited(tmp_path: Path) -> None:
    root = checkout(tmp_path, "set_sources_toplevel")
    cm = root / OPS / "normalization" / "CMakeLists.txt"
    cm.write_text("# set(SOURCES old.cpp)\n" + cm.read_text())
    integ = plan_integration(op("row_centralize", "normalization"), root)
    text = next(f.text for f in integ.files if f.path.endswith("normalization/CMakeLists.txt"))
    assert text.startswith("# set(SOURCES old.cpp)\n") and "    row_centralize/row_centralize.cpp\n)" in text


def test_demo_checkout_is_already_integrated() -> None:
    integ = plan_integration(op("reduce_avg_w_rm", "reduction"), ROOT / "tests" / "fixtures" / "demo")
    assert integ.files == [] and integ.complete and len(integ.done) == 3


# ---------------------------------------------------------------------------------------------- apply CLI


def spec_only_checkout(tmp_path: Path, fixture: str, stem: str, category: str) -> tuple[Path, Path, Path]:
    root = checkout(tmp_path, fixture)
    op_dir = root / OPS / category / stem
    op_dir.mkdir(parents=True)
    spec = op_dir / f"{stem}_spec.md"
    shutil.copy(SPECS / f"{stem}_spec.md", spec)
    return root, op_dir, spec


def test_apply_cli_scaffolds_and_integrates_then_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    root, op_dir, spec = spec_only_checkout(tmp_path, "target_sources_category", "reduce_avg_w_rm", "reduction")
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "ttnn/CMakeLists.txt" in out and "+    ${CMAKE_CURRENT_SOURCE_DIR}/cpp/ttnn/operations/reduction/reduce_avg_w_rm/reduce_avg_w_rm_nanobind.cpp" in out
    assert not (op_dir / "reduce_avg_w_rm.hpp").exists()  # dry run wrote nothing
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--yes"]) == 0
    assert (op_dir / "device/reduce_avg_w_rm_program_factory.cpp").is_file()
    assert "reduce_avg_w_rm/reduce_avg_w_rm.cpp" in (root / OPS / "reduction/CMakeLists.txt").read_text()
    assert "bind_reduce_avg_w_rm_operation(mod);" in (root / OPS / "reduction/reduction_nanobind.cpp").read_text()
    capsys.readouterr()
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".ttnn-wizard" not in p.parts}
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--yes"]) == 0
    assert "nothing to write" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".ttnn-wizard" not in p.parts} == snapshot
    # then Stages 4-6 on top: the scaffold's shared files are unchanged, the factory is updated
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "4-6", "--yes"]) == 0
    assert (op_dir / "device/kernels/dataflow/reader_reduce_avg_w_rm.cpp").is_file()
    from wizard.checks import check_op_dir

    assert [f.render() for f in check_op_dir(op_dir) if f.check == "scaffold"] == []


def test_apply_cli_unrecognised_layout_writes_op_files_and_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    root, op_dir, spec = spec_only_checkout(tmp_path, "unrecognised", "reduce_avg_w_rm", "reduction")
    cmake_before = (root / "ttnn/CMakeLists.txt").read_text()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "build integration NOT done automatically" in err and "no list of the category's sources found" in err
    assert (op_dir / "reduce_avg_w_rm.hpp").is_file()  # the op's own files are written
    assert (root / "ttnn/CMakeLists.txt").read_text() == cmake_before  # no half edit


def test_apply_cli_repo_root_and_op_outside_checkout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    root = checkout(tmp_path, "set_sources_toplevel")
    elsewhere = tmp_path / "elsewhere" / "row_centralize"
    elsewhere.mkdir(parents=True)
    spec = SPECS / "row_centralize_spec.md"
    assert main(["apply", str(spec), "--op-dir", str(elsewhere), "--stages", "1-3", "--yes", "--repo-root", str(root)]) == 1
    assert "is not" in capsys.readouterr().err  # the build lists would point elsewhere: manual, nothing edited
    assert "row_centralize" not in (root / "ttnn/CMakeLists.txt").read_text()
    # the right place, root given explicitly: integrated
    op_dir = root / OPS / "normalization" / "row_centralize"
    op_dir.mkdir(parents=True)
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-1", "--yes", "--repo-root", str(root)]) == 0
    assert "row_centralize_nanobind.cpp" in (root / "ttnn/CMakeLists.txt").read_text()
    # Stage 2 alone does not touch the build files
    capsys.readouterr()
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stage", "2", "--dry-run"]) == 0
    assert "CMakeLists" not in capsys.readouterr().out


def test_apply_never_clobbers_an_existing_different_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    root, op_dir, spec = spec_only_checkout(tmp_path, "set_sources_toplevel", "row_centralize", "normalization")
    mine = "// my own header, written before the wizard\n#pragma once\n"
    (op_dir / "row_centralize.hpp").write_text(mine)
    # not a terminal and no --yes: nothing is written
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3"]) == 1
    assert (op_dir / "row_centralize.hpp").read_text() == mine and not (op_dir / "row_centralize.cpp").exists()
    assert "replace (no base: whole file)" in capsys.readouterr().out
    # approved: replaced, with a backup of the user's file kept
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--yes"]) == 0
    backups = list((op_dir / ".ttnn-wizard" / "backup").glob("row_centralize.hpp.*"))
    assert backups and backups[0].read_text() == mine
    # a hand edit after the apply survives a regeneration (3-way merge)
    hpp = op_dir / "row_centralize.hpp"
    hpp.write_text(hpp.read_text().replace("namespace ttnn {", "namespace ttnn {\n// kept"))
    assert main(["apply", str(spec), "--op-dir", str(op_dir), "--stages", "1-3", "--yes"]) == 0
    assert "// kept" in hpp.read_text()


def test_check_cli_reports_scaffold_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    root, op_dir, spec = spec_only_checkout(tmp_path, "sources_cmake", "tilize_untilize", "data_movement")
    assert main(["generate", str(spec), "--stages", "1-3", "--out", str(tmp_path / "t")]) == 0
    tree = tmp_path / "t"
    assert main(["check", "--op-dir", str(tree)]) == 0
    dev = tree / "device/tilize_untilize_device_operation.cpp"
    dev.write_text(dev.read_text().replace("ttnn::device_operation::launch<", "ttnn::device_operation::detail::launch<"))
    capsys.readouterr()
    assert main(["check", "--op-dir", str(tree)]) == 1
    assert "detail::launch" in capsys.readouterr().out


def test_cmake_commands_are_case_insensitive(tmp_path: Path) -> None:
    root = checkout(tmp_path, "set_sources_toplevel")
    cm = root / OPS / "normalization" / "CMakeLists.txt"
    cm.write_text(cm.read_text().replace("set(SOURCES", "SET( SOURCES"))
    integ = plan_integration(op("row_centralize", "normalization"), root)
    assert integ.complete and "    row_centralize/row_centralize.cpp\n)" in next(f.text for f in integ.files if f.path.endswith("normalization/CMakeLists.txt"))
    # a longer variable that merely starts with the name is not the list
    cm.write_text("set(SOURCES_EXTRA\n    x.cpp\n)\n")
    assert not plan_integration(op("row_centralize", "normalization"), root).complete


@pytest.mark.parametrize("fixture", ["target_sources_category", "set_sources_toplevel", "sources_cmake"])
def test_edited_cpp_files_still_parse(tmp_path: Path, fixture: str) -> None:
    from wizard.checks.syntax import check_syntax

    root = checkout(tmp_path, fixture)
    category = "normalization" if fixture == "set_sources_toplevel" else "reduction"
    integ = plan_integration(op("row_centralize", category), root)
    cpp = {f.path: f.text for f in integ.files if f.path.endswith(".cpp")}
    assert len(cpp) == 1 and check_syntax(cpp) == []
