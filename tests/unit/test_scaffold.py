"""Stages 1-3 generation (wizard.scaffold): current tt-metal form, the known template bugs fixed, tests that can pass,
consistency with Stages 4-6 (1-3 then 4-6 merges cleanly), and the scaffold check on generated and mutated trees."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from wizard.model import Plan

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "fixtures" / "specs"
STEMS = sorted(p.name[: -len("_spec.md")] for p in SPECS.glob("*_spec.md"))
YEAR = 2026


def plan(stem: str, stages: tuple[int, int] = (1, 3)) -> Plan:
    from wizard.generate import plan_stages
    from wizard.spec import parse_spec

    return plan_stages(parse_spec(SPECS / f"{stem}_spec.md"), stages, year=YEAR)


def design(stem: str):  # type: ignore[no-untyped-def]
    from wizard.design import build_design
    from wizard.spec import parse_spec

    return build_design(parse_spec(SPECS / f"{stem}_spec.md"))


@pytest.mark.parametrize("stem", STEMS)
def test_stage_1_3_file_set_and_owners(stem: str) -> None:
    p = plan(stem)
    op = p.op_name
    owners = {f.path: f.stage for f in p.files}
    assert owners == {
        f"{op}.hpp": 1,
        f"{op}.cpp": 1,
        f"{op}_nanobind.hpp": 1,
        f"{op}_nanobind.cpp": 1,
        "test_dev/test_stage1_api_exists.py": 1,
        f"device/{op}_device_operation_types.hpp": 2,
        f"device/{op}_device_operation.hpp": 2,
        f"device/{op}_device_operation.cpp": 2,
        "test_dev/test_stage2_validation.py": 2,
        f"device/{op}_program_factory.hpp": 3,
        f"device/{op}_program_factory.cpp": 3,
        "test_dev/test_stage3_registration.py": 3,
    }
    assert all(f.root == "op" for f in p.files)


@pytest.mark.parametrize("stem", STEMS)
def test_every_generated_file_parses(stem: str) -> None:
    from wizard.checks.syntax import check_syntax

    p = plan(stem, (1, 6))
    cpp = {f.path: f.text for f in p.files if f.path.endswith((".cpp", ".hpp"))}
    assert len(cpp) >= 12
    assert check_syntax(cpp) == []  # tree-sitter-cpp: no ERROR / MISSING nodes
    for f in p.files:
        if f.path.endswith(".py"):
            ast.parse(f.text, f.path)


@pytest.mark.parametrize("stem", STEMS)
def test_current_form_and_no_known_bugs(stem: str) -> None:
    p = plan(stem).by_path()
    op = design(stem).op_name
    d = design(stem)
    dev_hpp = p[f"device/{op}_device_operation.hpp"].text
    dev_cpp = p[f"device/{op}_device_operation.cpp"].text
    every = "\n".join(f.text for f in p.values() if f.path.endswith((".cpp", ".hpp")))
    # prim free function calling launch (not detail::launch, no invoke, no register_operation of a prim)
    assert f"namespace ttnn::prim {{" in dev_hpp and re.search(rf"\b{op}\(", dev_hpp.split("namespace ttnn::prim")[1])
    assert "ttnn::device_operation::launch<OperationType>(" in dev_cpp
    for banned in ("detail::launch", "launch_on_device", "invoke(", "register_operation", "run_operation.hpp", "ProgramWithCallbacks"):
        assert banned not in every, banned
    # every device-op function is static; the return type of create_output_tensors is qualified in the .cpp
    assert re.findall(r"^\s+static ", dev_hpp, re.M) and not re.search(r"\)\s*const\s*;", dev_hpp)
    assert re.search(rf"{d.device_op}::tensor_return_value_t\s+{d.device_op}::create_output_tensors\(", dev_cpp)
    # public op: free function in namespace ttnn, bound with bind_function (current tt-metal form)
    op_hpp, nb_cpp = p[f"{op}.hpp"].text, p[f"{op}_nanobind.cpp"].text
    assert re.search(rf"^namespace ttnn {{\n\n.*\nTensor {op}\(", op_hpp, re.S | re.M)
    assert f'ttnn::bind_function<"{op}">(' in nb_cpp and f"&ttnn::{op}," in nb_cpp
    assert '#include "ttnn-nanobind/bind_function.hpp"' in nb_cpp
    # stub factory: every parameter [[maybe_unused]] (-Werror), TT_THROW mentioning the program factory
    pf = p[f"device/{op}_program_factory.cpp"].text
    params = re.findall(r"\n\s+((?:\[\[maybe_unused\]\] )?)(?:const )?[\w:]+&\s+\w+[,)]", pf)
    assert len(params) == 7 and all(params)
    throw = re.search(r'TT_THROW\(\s*"([^"]*)"', pf)
    assert throw and "program" in throw.group(1).lower() and "circular" not in throw.group(1).lower()


def test_defaults_are_rendered_for_cpp_and_python_separately() -> None:
    p = plan("image_rotate").by_path()
    hpp, nb = p["image_rotate.hpp"].text, p["image_rotate_nanobind.cpp"].text
    # C++ header: C++ values; required params first (C++ default arguments must trail)
    assert re.search(r"const Tensor& input,\s+float angle,\s+std::optional<std::array<float, 2>> center = std::nullopt,\s+"
                     r"float fill = 0.0f,\s+bool expand = false,", hpp)
    # binding: nb::none() for optionals (never `std::nullopt`, never Python's None), C++ literals otherwise
    assert 'nb::arg("angle"),' in nb and 'nb::arg("center") = nb::none()' in nb
    assert 'nb::arg("fill") = 0.0f' in nb and 'nb::arg("expand") = false' in nb
    assert "std::nullopt" not in nb and "None" not in nb.split(")doc\";")[1]
    assert "<nanobind/stl/array.h>" in nb and "<nanobind/stl/optional.h>" in nb
    # the docstring shows Python defaults
    assert "Defaults to `0.0`." in nb and "Defaults to `False`." in nb
    # tests: the required parameter gets a valid value, optional ones are left to their defaults
    for t in ("test_stage2_validation.py", "test_stage3_registration.py"):
        assert 'PARAMS = {"angle": 1.0}' in p[f"test_dev/{t}"].text


def test_compute_kernel_config_and_dtype_params() -> None:
    p = plan("reduce_avg_w_rm").by_path()
    types = p["device/reduce_avg_w_rm_device_operation_types.hpp"].text
    assert "const std::optional<ttnn::DeviceComputeKernelConfig> compute_kernel_config;" in types
    assert '#include "ttnn/operations/core/compute_kernel/compute_kernel_config.hpp"' in types
    assert "const tt::tt_metal::MemoryConfig output_mem_config;" in types
    p2 = plan("row_mean_sub_square_reduce").by_path()
    assert 'nb::arg("output_dtype") = nb::none()' in p2["row_mean_sub_square_reduce_nanobind.cpp"].text


def test_prim_declaration_matches_stage4_definition() -> None:
    """The header (Stage 2) and the Stage 4 .cpp must agree on the prim's signature, or the link fails."""
    for stem in STEMS:
        p = plan(stem, (1, 6)).by_path()
        op = plan(stem).op_name
        decl = p[f"device/{op}_device_operation.hpp"].text.split("namespace ttnn::prim {")[1]
        defn = p[f"device/{op}_device_operation.cpp"].text.split("namespace ttnn::prim {")[1]
        sig = lambda s: re.sub(r"\s+", " ", s[re.search(rf"\b{op}\(", s).start() : s.index(")", s.index("output_mem_config"))])  # noqa: E731
        assert sig(decl) == sig(defn), stem


def test_stage2_tests_use_our_messages_and_wrong_inputs() -> None:
    text = plan("image_rotate").by_path()["test_dev/test_stage2_validation.py"].text
    assert "def test_wrong_rank_raises(device):" in text and "(32, 32), device)" in text  # rank 4 required
    assert "layout=ttnn.TILE_LAYOUT" in text  # ROW_MAJOR required
    assert "'input tensor must be 4d" in text  # our own TT_FATAL text is accepted too
    assert "def device(" not in text  # tt-metal's conftest fixture, never our own
    text = plan("layer_norm_w_rm").by_path()["test_dev/test_stage2_validation.py"].text
    assert "(32,), device)" in text  # rank >= 2 required: a 1-D tensor is wrong


def test_stage3_test_expects_the_output_shape() -> None:
    assert "return tuple(shape[:-1]) + (1,)" in plan("reduce_avg_w_rm").by_path()["test_dev/test_stage3_registration.py"].text
    assert "return tuple(shape)" in plan("layer_norm_w_rm").by_path()["test_dev/test_stage3_registration.py"].text


def test_stage1_test_needs_no_device() -> None:
    text = plan("tilize_untilize").by_path()["test_dev/test_stage1_api_exists.py"].text
    assert "device" not in re.sub(r'""".*?"""', "", text, flags=re.S).split('importorskip("ttnn"')[1]
    assert 'hasattr(ttnn, "tilize_untilize")' in text and "callable(ttnn.tilize_untilize)" in text


def test_combined_plan_has_each_path_once_and_later_stages_own_shared_files() -> None:
    p = plan("standardize_w_rm", (1, 6))
    paths = [f.path for f in p.files]
    assert len(paths) == len(set(paths))
    owners = {f.path: f.stage for f in p.files}
    assert owners["device/standardize_w_rm_device_operation.cpp"] == 4
    assert owners["device/standardize_w_rm_program_factory.hpp"] == 5
    assert owners["device/standardize_w_rm_program_factory.cpp"] == 6


@pytest.mark.parametrize("stem", ["reduce_avg_w_rm", "layer_norm_w_rm"])
def test_apply_1_3_then_4_6_is_clean(stem: str, tmp_path: Path) -> None:
    """Shared files are rendered from the same templates: after 1-3, Stage 4's device op and Stage 5's header are
    unchanged and the factory is a plain update (no merge, no conflict); a hand edit in a Stage 1 file survives."""
    from wizard.apply import apply_changes, diff_plan

    op_dir = tmp_path / "op"
    op_dir.mkdir()
    first = diff_plan(plan(stem, (1, 3)), op_dir)
    assert {c.action for c in first} == {"create"}
    assert apply_changes(first, op_dir, {c.path for c in first}).ok
    op = plan(stem).op_name
    hpp = op_dir / f"{op}.hpp"
    hpp.write_text(hpp.read_text().replace("namespace ttnn {", "namespace ttnn {\n// my note"))
    later = {c.path: c for c in diff_plan(plan(stem, (4, 6)), op_dir)}
    assert later[f"device/{op}_device_operation.cpp"].action == "unchanged"
    assert later[f"device/{op}_program_factory.hpp"].action == "unchanged"
    assert later[f"device/{op}_program_factory.cpp"].action == "update"
    assert not any(c.action in ("conflict", "replace", "merge") for c in later.values())
    again = {c.path: c for c in diff_plan(plan(stem, (1, 6)), op_dir)}
    assert again[f"{op}.hpp"].action == "unchanged" and "// my note" in hpp.read_text()


def test_generate_cli_fresh_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wizard.cli import main

    out = tmp_path / "tree"
    assert main(["generate", str(SPECS / "row_centralize_spec.md"), "--stages", "1-3", "--out", str(out)]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert len(written) == 12 and "row_centralize_nanobind.cpp" in written
    assert not (out / "ttnn").exists()  # a fresh tree: no build integration outside the op
    assert "12 files for stages 1-3" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- scaffold check


def _files(stem: str) -> dict[str, str]:
    return {f.path: f.text for f in plan(stem, (1, 6)).files}


@pytest.mark.parametrize("stem", STEMS)
def test_scaffold_check_clean_on_generated(stem: str, tmp_path: Path) -> None:
    from wizard.checks import check_plan
    from wizard.checks.scaffold import check_scaffold

    assert check_scaffold(_files(stem)) == []
    assert [f for f in check_plan(plan(stem, (1, 3))) if f.check == "scaffold"] == []


def test_scaffold_check_on_disk_reports_missing_and_legacy(tmp_path: Path) -> None:
    from wizard.checks import check_op_dir

    op_dir = tmp_path / "reduce_avg_w_rm"
    for rel, text in _files("reduce_avg_w_rm").items():
        (op_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (op_dir / rel).write_text(text)
    assert [f for f in check_op_dir(op_dir) if f.check == "scaffold"] == []
    (op_dir / "reduce_avg_w_rm_nanobind.hpp").unlink()
    (op_dir / "device/reduce_avg_w_rm_op.hpp").write_text("#pragma once\n")
    got = {(f.path, f.message.split(":")[0]) for f in check_op_dir(op_dir) if f.check == "scaffold"}
    assert ("reduce_avg_w_rm_nanobind.hpp", "missing scaffold file reduce_avg_w_rm_nanobind.hpp (Stages 1-3 create it") in got
    assert ("device/reduce_avg_w_rm_op.hpp", "legacy file device/reduce_avg_w_rm_op.hpp") in got


@pytest.mark.parametrize(
    ("path", "old", "new", "expect", "key"),
    [
        ("device/{op}_device_operation.cpp", "ttnn::device_operation::launch<OperationType>(",
         "ttnn::device_operation::detail::launch<OperationType>(", "detail::launch", "detail::launch<"),
        ("device/{op}_device_operation.hpp", "    static void validate_on_program_cache_miss(const operation_attributes_t&, const tensor_args_t&);",
         "    void validate_on_program_cache_miss(const operation_attributes_t&, const tensor_args_t&) const;", "non-static", ") const;"),
        ("device/{op}_device_operation.hpp", "#include <variant>", '#include <variant>\n#include "ttnn/run_operation.hpp"', "run_operation.hpp", "run_operation.hpp"),
        ("device/{op}_program_factory.hpp", "ttnn::device_operation::CachedProgram<shared_variables_t>",
         "tt::tt_metal::operation::ProgramWithCallbacks", "ProgramWithCallbacks", "ProgramWithCallbacks"),
        ("device/{op}_device_operation.hpp", "};\n\n}  // namespace",
         "    static std::tuple<operation_attributes_t, tensor_args_t> invoke(const Tensor& input);\n};\n\n}  // namespace", "invoke", "invoke("),
    ],
)
def test_scaffold_check_mutations(path: str, old: str, new: str, expect: str, key: str) -> None:
    from wizard.checks.scaffold import check_scaffold

    files = _files("reduce_avg_w_rm")
    rel = path.format(op="reduce_avg_w_rm")
    assert old in files[rel], old
    files[rel] = files[rel].replace(old, new, 1)
    found = [f for f in check_scaffold(files) if f.path == rel and expect in f.message]
    lines = files[rel].splitlines()
    assert found, [f.render() for f in check_scaffold(files)]
    assert all(f.line is not None and key in lines[f.line - 1] for f in found), [f.render() for f in found]


def test_scaffold_check_ignores_comments_and_non_scaffolded_trees() -> None:
    from wizard.checks.scaffold import check_scaffold

    files = _files("reduce_avg_w_rm")
    rel = "device/reduce_avg_w_rm_device_operation.cpp"
    files[rel] += "\n// the old form used operation::run(...) and ProgramWithCallbacks\n"
    assert check_scaffold(files) == []
    assert check_scaffold({"device/x_program_factory.cpp": "ProgramWithCallbacks f();\n"}) == []  # not scaffolded


def test_scaffold_check_missing_required_pieces() -> None:
    from wizard.checks.scaffold import check_scaffold

    files = _files("tilize_untilize")
    files["device/tilize_untilize_program_factory.hpp"] = "#pragma once\n"
    files["device/tilize_untilize_device_operation.hpp"] = files["device/tilize_untilize_device_operation.hpp"].split("namespace ttnn::prim")[0]
    msgs = {f.message.split(" (")[0] for f in check_scaffold(files)}
    assert "required piece missing: CachedProgram" in msgs and "required piece missing: ttnn::prim" in msgs


def test_required_parameter_test_value_satisfies_its_range(tmp_path: Path) -> None:
    """A required parameter with a lower bound gets a test value the generated TT_FATAL accepts."""
    from wizard.generate import plan_stages
    from wizard.spec import parse_spec

    text = (SPECS / "image_rotate_spec.md").read_text()
    row = "| angle | float | Yes | (-inf, +inf) | - |"
    assert row in text
    spec_path = tmp_path / "image_rotate_spec.md"
    spec_path.write_text(text.replace(row, "| angle | int | Yes | >= 3 | - |"))
    p = plan_stages(parse_spec(spec_path), (1, 3), year=YEAR).by_path()
    assert "TT_FATAL(operation_attributes.angle >= 3" in p["device/image_rotate_device_operation.cpp"].text
    assert 'PARAMS = {"angle": 3}' in p["test_dev/test_stage2_validation.py"].text
    assert "int32_t angle," in p["image_rotate.hpp"].text and 'nb::arg("angle"),' in p["image_rotate_nanobind.cpp"].text


def test_scaffold_check_device_operation_has_only_static_functions() -> None:
    from wizard.checks.scaffold import check_scaffold

    files = _files("standardize_w_rm")
    rel = "device/standardize_w_rm_device_operation.hpp"
    old = "    static tt::stl::hash::hash_t compute_program_hash("
    assert old in files[rel]
    files[rel] = files[rel].replace(old, "    tt::stl::hash::hash_t compute_program_hash(")
    found = [f for f in check_scaffold(files) if "is not static" in f.message]
    assert [f.message.split(" is")[0] for f in found] == ["StandardizeWRmDeviceOperation::compute_program_hash"]
    assert "compute_program_hash(" in files[rel].splitlines()[found[0].line - 1]
