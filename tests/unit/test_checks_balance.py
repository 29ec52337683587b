"""CB balance on a hand-written op in the generated idiom (tests/fixtures/checks_op) and variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.checks.balance import check_balance
from wizard.model import Finding, Severity

OP = Path(__file__).resolve().parents[1] / "fixtures" / "checks_op"
FACTORY = "device/row_sum_program_factory.cpp"
READER = "device/kernels/dataflow/reader_row_sum.cpp"
WRITER = "device/kernels/dataflow/writer_row_sum.cpp"
COMPUTE = "device/kernels/compute/row_sum_compute.cpp"


def load() -> dict[str, str]:
    return {p.relative_to(OP).as_posix(): p.read_text() for p in OP.rglob("*.cpp")}


def line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not found")


def mutate(files: dict[str, str], path: str, old: str, new: str) -> dict[str, str]:
    assert old in files[path], old
    out = dict(files)
    out[path] = files[path].replace(old, new, 1)
    return out


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def test_fixture_is_balanced() -> None:
    assert check_balance(load()) == []


def test_pop_one_page_fewer_is_found_at_the_pop_line() -> None:
    files = mutate(load(), COMPUTE, "cb_pop_front(cb_in, Wt);", "cb_pop_front(cb_in, Wt - 1);")
    errs = errors(check_balance(files))
    assert errs, "expected a balance error"
    line = line_of(files[COMPUTE], "cb_pop_front(cb_in, Wt - 1)")
    f = next(f for f in errs if "pops" in f.message and "c_0" in f.message)
    assert (f.path, f.line) == (COMPUTE, line)
    assert "Wt*num_rows" in f.message and "left in the CB" in f.message
    assert f"{READER}:" in f.message  # names the producer side too


def test_writer_popping_more_than_compute_pushes_hangs() -> None:
    files = mutate(load(), WRITER, "cb_pop_front(cb_out, 1);", "cb_pop_front(cb_out, 2);")
    errs = [f for f in errors(check_balance(files)) if "c_16" in f.message and "never come" in f.message]
    assert errs and errs[0].path == WRITER and errs[0].line == line_of(files[WRITER], "cb_pop_front(cb_out, 2)")


def test_per_group_values_are_proven_per_group() -> None:
    """Compute built twice (one kernel per core group, count as a compile-time arg) still balances."""
    files = load()
    f = files[FACTORY]
    f = f.replace(
        """    auto compute_kernel_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/reduction/row_sum/device/kernels/compute/row_sum_compute.cpp",
        all_cores,
        tt::tt_metal::ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = {cb_in_idx, cb_out_idx, Wt}});""",
        """    auto compute_g1 = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/reduction/row_sum/device/kernels/compute/row_sum_compute.cpp",
        core_group_1,
        tt::tt_metal::ComputeConfig{.compile_args = {cb_in_idx, cb_out_idx, Wt, num_rows_per_core_group_1}});
    auto compute_g2 = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/reduction/row_sum/device/kernels/compute/row_sum_compute.cpp",
        core_group_2,
        tt::tt_metal::ComputeConfig{.compile_args = {cb_in_idx, cb_out_idx, Wt, num_rows_per_core_group_2}});""",
    ).replace("        tt::tt_metal::SetRuntimeArgs(program, compute_kernel_id, core, {num_rows});\n", "")
    files[FACTORY] = f
    files[COMPUTE] = files[COMPUTE].replace("const uint32_t num_rows = get_arg_val<uint32_t>(0);", "constexpr uint32_t num_rows = get_compile_time_arg_val(3);")
    assert check_balance(files) == []
    # and a group-specific mismatch is found and named
    files[FACTORY] = f.replace("Wt, num_rows_per_core_group_2}", "Wt, num_rows_per_core_group_1}")
    errs = errors(check_balance(files))
    assert errs and "core_group_2" in errs[0].message


def test_program_lifetime_cb_is_info() -> None:
    files = mutate(load(), READER, "    uint32_t tile_id = start_tile;", "    cb_reserve_back(cb_in, 1);\n    cb_push_back(cb_in, 1);\n    uint32_t tile_id = start_tile;")
    # an extra page pushed once into c_0, which compute pops per row: now unbalanced
    assert errors(check_balance(files))
    # a CB pushed once and never popped is program-lifetime
    files = load()
    files[FACTORY] = files[FACTORY].replace(
        "    std::vector<uint32_t> reader_compile_time_args = {cb_in_idx, Wt};",
        "    tt::tt_metal::create_cb(tt::CBIndex::c_2, program, all_cores, input_tile_size, 1, input_df);\n"
        "    std::vector<uint32_t> reader_compile_time_args = {cb_in_idx, Wt};",
    )
    files[READER] = files[READER].replace(
        "    uint32_t tile_id = start_tile;", "    cb_reserve_back(tt::CBIndex::c_2, 1);\n    cb_push_back(tt::CBIndex::c_2, 1);\n    uint32_t tile_id = start_tile;"
    )
    findings = check_balance(files)
    assert [f.severity for f in findings] == [Severity.INFO]
    assert "program-lifetime" in findings[0].message and findings[0].path == READER


def test_looping_push_never_popped_is_an_error() -> None:
    files = mutate(load(), COMPUTE, "        cb_pop_front(cb_in, Wt);\n", "")
    errs = errors(check_balance(files))
    assert any("never popped" in f.message and f.path == READER for f in errs)


def test_unknown_loop_is_a_warning_with_the_reason() -> None:
    files = mutate(load(), WRITER, "for (uint32_t r = 0; r < num_rows; ++r) {", "uint32_t r = 0;\n    while (r < num_rows) {\n        ++r;")
    findings = check_balance(files)
    assert findings and all(f.severity is Severity.WARNING for f in findings)
    assert any("while" in f.message and "cannot prove" in f.message for f in findings)


def test_conditional_sync_is_a_warning() -> None:
    files = mutate(load(), WRITER, "        cb_pop_front(cb_out, 1);", "        if (r > 0) { cb_pop_front(cb_out, 1); }")
    findings = check_balance(files)
    assert findings and findings[0].severity is Severity.WARNING and "inside if (r > 0)" in findings[0].message


def test_opaque_helper_makes_it_unprovable_not_silent() -> None:
    files = mutate(load(), WRITER, "        cb_pop_front(cb_out, 1);", "        my_helper_pops(cb_out);")
    findings = check_balance(files)
    assert findings and all(f.severity is not Severity.ERROR for f in findings)
    assert any("my_helper_pops" in f.message for f in findings)


def test_compute_tile_ops_on_stick_pages_is_an_error() -> None:
    files = mutate(load(), FACTORY, "create_cb(cb_in_idx, program, all_cores, input_tile_size, 2 * Wt, input_df)", "create_cb(cb_in_idx, program, all_cores, input_stick_size_aligned, 2 * Wt, input_df)")
    errs = errors(check_balance(files))
    f = next(f for f in errs if "stick-sized pages" in f.message)
    assert f.path == COMPUTE and f.line == line_of(files[COMPUTE], "copy_tile_init(cb_in)")


def test_tile_sized_transfer_into_stick_pages_is_an_error() -> None:
    files = mutate(load(), FACTORY, "create_cb(cb_out_idx, program, all_cores, output_tile_size, 2, output_df)", "create_cb(cb_out_idx, program, all_cores, output_stick_size, 2, output_df)")
    errs = errors(check_balance(files))
    assert any(f.path == WRITER and "tile-sized" in f.message and f.line == line_of(files[WRITER], "noc_async_write(") for f in errs)


@pytest.mark.parametrize("old,new", [("cb_reserve_back(cb_in, 1);", ""), ("cb_wait_front(cb_in, Wt);", "cb_wait_front(cb_in, 1);")])
def test_reserve_push_and_wait_pop_pairs(old: str, new: str) -> None:
    path = READER if "reserve" in old else COMPUTE
    files = mutate(load(), path, old, new)
    findings = check_balance(files)
    assert any(f.path == path for f in findings)


def test_sync_in_a_helper_function_is_not_counted_silently() -> None:
    files = mutate(load(), WRITER, "void kernel_main() {", "void drain(uint32_t cb) {\n    cb_wait_front(cb, 1);\n    cb_pop_front(cb, 1);\n}\n\nvoid kernel_main() {")
    files = mutate(files, WRITER, "        cb_wait_front(cb_out, 1);\n", "        drain(cb_out);\n")
    files = mutate(files, WRITER, "        cb_pop_front(cb_out, 1);\n", "")
    findings = check_balance(files)
    assert findings and not errors(findings)
    assert any("drain" in f.message for f in findings)


def test_sync_under_preprocessor_condition_is_a_warning() -> None:
    files = mutate(load(), WRITER, "        cb_pop_front(cb_out, 1);", "#ifdef SKIP_POP\n        cb_pop_front(cb_out, 2);\n#else\n        cb_pop_front(cb_out, 1);\n#endif")
    findings = check_balance(files)
    assert findings and not errors(findings) and any("#ifdef SKIP_POP" in f.message for f in findings)


def test_loop_from_start_to_end_counts_the_difference() -> None:
    files = mutate(load(), FACTORY, "{dst_buffer->address(), num_rows, start_row}", "{dst_buffer->address(), start_row, start_row + num_rows}")
    files = mutate(files, WRITER, "const uint32_t num_rows = get_arg_val<uint32_t>(1);\n    const uint32_t start_row = get_arg_val<uint32_t>(2);",
                   "const uint32_t start_row = get_arg_val<uint32_t>(1);\n    const uint32_t end_row = get_arg_val<uint32_t>(2);")
    files = mutate(files, WRITER, "for (uint32_t r = 0; r < num_rows; ++r) {", "for (uint32_t r = start_row; r < end_row; ++r) {")
    files = mutate(files, WRITER, "dst.get_noc_addr(start_row + r)", "dst.get_noc_addr(r)")
    assert check_balance(files) == []


def test_wait_for_more_pages_than_the_cb_holds() -> None:
    files = mutate(load(), WRITER, "cb_wait_front(cb_out, 1);", "cb_wait_front(cb_out, 3);")
    files = mutate(files, WRITER, "cb_pop_front(cb_out, 1);", "cb_pop_front(cb_out, 3);")
    files = mutate(files, COMPUTE, "cb_reserve_back(cb_out, 1);", "cb_reserve_back(cb_out, 3);")
    files = mutate(files, COMPUTE, "cb_push_back(cb_out, 1);", "cb_push_back(cb_out, 3);")
    errs = [f for f in errors(check_balance(files)) if "never returns" in f.message]
    assert {(f.path, f.line) for f in errs} == {(WRITER, line_of(files[WRITER], "cb_wait_front(cb_out, 3)")), (COMPUTE, line_of(files[COMPUTE], "cb_reserve_back(cb_out, 3)"))}
    assert "holds `2` = 2 pages" in errs[0].message


def test_symbolic_capacity_that_may_be_too_small_is_a_warning() -> None:
    files = mutate(load(), FACTORY, "create_cb(cb_in_idx, program, all_cores, input_tile_size, 2 * Wt, input_df)", "create_cb(cb_in_idx, program, all_cores, input_tile_size, 2, input_df)")
    [f] = check_balance(files)
    assert f.severity is Severity.WARNING and f.path == COMPUTE and f.line == line_of(files[COMPUTE], "cb_wait_front(cb_in, Wt)")
    assert "cannot prove the CB holds the Wt pages" in f.message
