"""Factory <-> kernel contract checks: each mutation is found at the right file and line."""

from __future__ import annotations

from pathlib import Path

from wizard.checks.contract import check_contract
from wizard.model import Finding, Severity

OP = Path(__file__).resolve().parents[1] / "fixtures" / "checks_op"
FACTORY = "device/row_sum_program_factory.cpp"
READER = "device/kernels/dataflow/reader_row_sum.cpp"
WRITER = "device/kernels/dataflow/writer_row_sum.cpp"
COMPUTE = "device/kernels/compute/row_sum_compute.cpp"


def load() -> dict[str, str]:
    return {p.relative_to(OP).as_posix(): p.read_text() for p in OP.rglob("*.cpp")}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def mutate(path: str, old: str, new: str, files: dict[str, str] | None = None) -> dict[str, str]:
    files = dict(files or load())
    assert old in files[path], old
    files[path] = files[path].replace(old, new, 1)
    return files


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def test_fixture_is_clean() -> None:
    assert check_contract(load()) == []


def test_runtime_arg_index_shifted_by_name() -> None:
    files = mutate(READER, "num_rows = get_arg_val<uint32_t>(1)", "num_rows = get_arg_val<uint32_t>(2)")
    [f] = errors(check_contract(files))
    assert (f.path, f.line) == (READER, line_of(files[READER], "num_rows = get_arg_val"))
    assert "runtime arg 2" in f.message and "`num_rows` as runtime arg 1" in f.message


def test_runtime_arg_beyond_what_the_factory_sets() -> None:
    files = mutate(READER, "start_tile = get_arg_val<uint32_t>(2)", "start_tile = get_arg_val<uint32_t>(3)")
    errs = errors(check_contract(files))
    f = next(f for f in errs if "sets only 3" in f.message)
    assert (f.path, f.line) == (READER, 7) and f"{FACTORY}:" in f.message


def test_factory_drops_a_runtime_arg() -> None:
    files = mutate(FACTORY, "{dst_buffer->address(), num_rows, start_row}", "{dst_buffer->address(), num_rows}")
    [f] = errors(check_contract(files))
    assert (f.path, f.line) == (WRITER, line_of(files[WRITER], "start_row = get_arg_val"))


def test_cb_removed_from_the_factory() -> None:
    files = mutate(FACTORY, "    tt::tt_metal::create_cb(cb_out_idx, program, all_cores, output_tile_size, 2, output_df);\n", "")
    errs = errors(check_contract(files))
    by_path = {f.path: f for f in errs}
    assert set(by_path) == {COMPUTE, WRITER}
    assert by_path[WRITER].line == line_of(files[WRITER], "get_tile_size(cb_out)")
    assert by_path[COMPUTE].line == line_of(files[COMPUTE], "cb_reserve_back(cb_out, 1)")
    assert "creates no CB c_16" in by_path[WRITER].message and "created: c_0" in by_path[WRITER].message


def test_cb_created_on_too_few_cores() -> None:
    files = mutate(FACTORY, "create_cb(cb_out_idx, program, all_cores,", "create_cb(cb_out_idx, program, core_group_1,")
    errs = errors(check_contract(files))
    assert errs and all("created only on `core_group_1`" in f.message for f in errs)


def test_tensor_accessor_offset() -> None:
    files = mutate(READER, "TensorAccessorArgs<2>()", "TensorAccessorArgs<1>()")
    [f] = errors(check_contract(files))
    assert (f.path, f.line) == (READER, line_of(files[READER], "TensorAccessorArgs<1>"))
    assert "after 2 compile-time args" in f.message and "TensorAccessorArgs<2>()" in f.message


def test_compile_time_arg_read_inside_the_accessor_args() -> None:
    files = mutate(READER, "constexpr uint32_t Wt = get_compile_time_arg_val(1);", "constexpr uint32_t Wt = get_compile_time_arg_val(2);")
    errs = errors(check_contract(files))
    assert any(f.line == line_of(files[READER], "Wt = get_compile_time_arg_val(2)") and "inside the TensorAccessorArgs" in f.message for f in errs)


def test_compile_time_arg_beyond_the_list() -> None:
    files = mutate(COMPUTE, "Wt = get_compile_time_arg_val(2)", "Wt = get_compile_time_arg_val(5)")
    errs = errors(check_contract(files))
    assert any(f.path == COMPUTE and "compile-time arg 5" in f.message for f in errs)


def test_second_accessor_must_chain_offsets() -> None:
    files = mutate(FACTORY, "    tt::tt_metal::TensorAccessorArgs(*src_buffer).append_to(reader_compile_time_args);\n",
                   "    tt::tt_metal::TensorAccessorArgs(*src_buffer).append_to(reader_compile_time_args);\n"
                   "    tt::tt_metal::TensorAccessorArgs(*dst_buffer).append_to(reader_compile_time_args);\n")
    good = mutate(READER, "constexpr auto src_args = TensorAccessorArgs<2>();",
                  "constexpr auto src_args = TensorAccessorArgs<2>();\n    constexpr auto idx_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();", files)
    assert errors(check_contract(good)) == []
    bad = mutate(READER, "constexpr auto src_args = TensorAccessorArgs<2>();",
                 "constexpr auto src_args = TensorAccessorArgs<2>();\n    constexpr auto idx_args = TensorAccessorArgs<3>();", files)
    [f] = errors(check_contract(bad))
    assert f.path == READER and "next_compile_time_args_offset" in f.message


def test_create_kernel_path_must_exist() -> None:
    files = mutate(FACTORY, "kernels/dataflow/writer_row_sum.cpp", "kernels/dataflow/writer_rowsum.cpp")
    findings = check_contract(files)
    f = next(f for f in errors(findings) if "does not exist" in f.message)
    assert f.path == FACTORY and f.line == line_of(files[FACTORY], "writer_rowsum.cpp")
    assert any(f.path == WRITER and f.severity is Severity.WARNING for f in findings)  # now an orphan kernel


def test_kernel_without_runtime_args() -> None:
    files = mutate(FACTORY, "        tt::tt_metal::SetRuntimeArgs(program, compute_kernel_id, core, {num_rows});\n", "")
    [f] = errors(check_contract(files))
    assert f.path == COMPUTE and "never calls SetRuntimeArgs" in f.message


def test_override_patches_an_arg_that_does_not_exist() -> None:
    files = mutate(FACTORY, "writer_args[0] = output.buffer()->address();", "writer_args[3] = output.buffer()->address();")
    [f] = errors(check_contract(files))
    assert f.path == FACTORY and f.line == line_of(files[FACTORY], "writer_args[3]")


def test_duplicate_cb_index() -> None:
    files = mutate(FACTORY, "constexpr uint32_t cb_out_idx = tt::CBIndex::c_16;", "constexpr uint32_t cb_out_idx = tt::CBIndex::c_0;")
    errs = errors(check_contract(files))
    assert any("created twice" in f.message and f.path == FACTORY for f in errs)


def test_unread_runtime_args_are_a_warning() -> None:
    files = mutate(FACTORY, "{dst_buffer->address(), num_rows, start_row}", "{dst_buffer->address(), num_rows, start_row, 7}")
    [f] = check_contract(files)
    assert f.severity is Severity.WARNING and "never reads 3: 7" in f.message
