"""Compile-time args read from program factory C++ (generated idioms and hand-edited variants)."""

from __future__ import annotations

from wizard.verify.factory_args import cb_indices, parse_factory, split_top, strip_comments

TA = (2, 2048)

GENERATED = """\
#include "foo_program_factory.hpp"
namespace ttnn::prim {
Foo::cached_program_t Foo::create(const Params& p, const Inputs& in, Tensor& out) {
    constexpr uint32_t cb_in_idx = tt::CBIndex::c_0;
    constexpr auto cb_out_idx = tt::CBIndex::c_16;
    const uint32_t Wt = shape[-1] / tt::constants::TILE_WIDTH;
    tt::tt_metal::create_cb(tt::CBIndex::c_0, program, all_cores, page_size, 2, df);
    tt::tt_metal::create_cb(cb_out_idx, program, all_cores, page_size, 2, df);
    std::vector<uint32_t> reader_compile_time_args = {cb_in_idx, Wt};
    tt::tt_metal::TensorAccessorArgs(*src_buffer).append_to(reader_compile_time_args);
    std::vector<uint32_t> writer_compile_time_args = {static_cast<uint32_t>(cb_out_idx)};
    tt::tt_metal::TensorAccessorArgs(*dst_buffer).append_to(writer_compile_time_args);
    auto reader_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/eltwise/foo/device/kernels/dataflow/reader_foo.cpp",
        all_cores,
        tt::tt_metal::ReaderDataMovementConfig(reader_compile_time_args));
    auto writer_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/eltwise/foo/device/kernels/dataflow/writer_foo.cpp",
        all_cores,
        tt::tt_metal::WriterDataMovementConfig(writer_compile_time_args));
    std::vector<uint32_t> compute_args = {Wt};
    auto compute_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/eltwise/foo/device/kernels/compute/foo_compute.cpp",
        all_cores,
        tt::tt_metal::ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = compute_args});
}
}
"""


def test_generated_factory() -> None:
    calls = parse_factory(GENERATED, TA)
    assert [(c.kind, c.processor) for c in calls] == [("reader", "ncrisc"), ("writer", "brisc"), ("compute", "trisc")]
    r, w, c = calls
    assert r.source.endswith("dataflow/reader_foo.cpp") and r.line == 13
    assert r.ct_args == [0, 1, 2, 2048]  # Wt is a runtime value: placeholder 1
    assert r.placeholders == ["Wt"] and r.accessor_appends == 1
    assert w.ct_args == [16, 2, 2048] and w.placeholders == []
    assert c.ct_args == [1]


def test_push_back_order_and_two_accessors() -> None:
    text = """
    std::vector<uint32_t> ct;
    ct.push_back(tt::CBIndex::c_1);
    tt::tt_metal::TensorAccessorArgs(*a).append_to(ct);
    ct.emplace_back(7u);
    TensorAccessorArgs(b_buffer).append_to(ct);
    CreateKernel(program, kReader, cores, ReaderDataMovementConfig{ct});
    """
    calls = parse_factory('constexpr const char* kReader = "k/dataflow/r.cpp";\n' + text, TA)
    assert len(calls) == 1
    assert calls[0].source == "k/dataflow/r.cpp"
    assert calls[0].ct_args == [1, 2, 2048, 7, 2, 2048] and calls[0].accessor_appends == 2


def test_data_movement_config_with_processor_noc_and_inline_args() -> None:
    text = """
    auto k = tt::tt_metal::CreateKernel(program, "p/kernels/dataflow/w.cpp", cores,
        tt::tt_metal::DataMovementConfig{
            .processor = tt::tt_metal::DataMovementProcessor::RISCV_0,
            .noc = tt::tt_metal::NOC::RISCV_0_default,
            .compile_args = {3, tt::CB::c_out0, true}});
    """
    (c,) = parse_factory(text, TA)
    assert c.processor == "brisc" and c.noc == 0
    assert c.ct_args == [3, 16, 1]


def test_comments_and_commented_out_appends_do_not_count() -> None:
    text = """
    std::vector<uint32_t> v = {1, 2}; // {9, 9, 9}
    // TensorAccessorArgs(*s).append_to(v);
    /* v.push_back(5); */
    CreateKernel(program, "a/dataflow/r.cpp" /* not this */, c, ReaderDataMovementConfig(v));
    """
    (c,) = parse_factory(text, TA)
    assert c.ct_args == [1, 2] and c.source == "a/dataflow/r.cpp"


def test_missing_vector_declaration_gives_no_args() -> None:
    (c,) = parse_factory('CreateKernel(program, "a/r.cpp", c, ReaderDataMovementConfig(elsewhere));', TA)
    assert c.ct_args == [] and c.vector == "elsewhere"


def test_measured_accessor_args_are_used() -> None:
    text = "std::vector<uint32_t> v = {0};\nTensorAccessorArgs(*s).append_to(v);\nCreateKernel(p, \"r.cpp\", c, ReaderDataMovementConfig(v));"
    (c,) = parse_factory(text, (2, 4096, 9))
    assert c.ct_args == [0, 2, 4096, 9]


def test_helpers() -> None:
    assert split_top('a, f(b, c), {d, e}, "x,y"') == ["a", "f(b, c)", "{d, e}", '"x,y"']
    assert strip_comments('a // b\n"//not" /* c\n d */ e') == 'a     \n"//not"     \n      e'
    assert cb_indices(GENERATED) == [0, 16]


def test_defines_from_maps_and_designated_configs() -> None:
    text = """
    std::map<std::string, std::string> reader_defines = {{"A", "1"}};
    reader_defines["BCAST_COL"] = "1";
    reader_defines.emplace("N", std::to_string(4));
    reader_defines.insert({"FN", "exp_tile"});
    if (wide) { reader_defines["RT"] = std::to_string(wt); }
    // reader_defines["COMMENTED"] = "1";
    std::vector<uint32_t> v = {0};
    CreateKernel(p, "r.cpp", c, ReaderDataMovementConfig(v, reader_defines));
    CreateKernel(p, "w.cpp", c, DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
        .noc = NOC::RISCV_0_default, .compile_args = v, .defines = {{"Z", "2"}}});
    CreateKernel(p, "q.cpp", c, WriterDataMovementConfig(v));
    """
    r, w, q = parse_factory(text, TA)
    assert r.defines == {"A": "1", "BCAST_COL": "1", "N": "4", "FN": "exp_tile", "RT": "1"}
    assert (w.defines, w.ct_args, w.processor) == ({"Z": "2"}, [0], "brisc")
    assert q.defines == {}
