// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Program factory for row_centralize (Stage 6: CBs, work split, stub kernels and runtime args).
// Structure modelled on ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_program_factory.cpp
// (create_cb per CB, TensorAccessorArgs) and the multi-core runtime-arg loop of
// ttnn/cpp/ttnn/operations/full/device/full_program_factory.cpp.

#include "row_centralize_program_factory.hpp"

#include <algorithm>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/math.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <tt-metalium/work_split.hpp>

#include "ttnn/operations/cb_utils.hpp"

namespace ttnn::operations::normalization::row_centralize::program {

using namespace tt;
using namespace tt::tt_metal;

RowCentralizeProgramFactory::cached_program_t RowCentralizeProgramFactory::create(
    [[maybe_unused]] const RowCentralizeParams& operation_attributes,
    const RowCentralizeInputs& tensor_args,
    Tensor& tensor_return_value) {
    // ---- Tensors and their metadata (padded shapes: pages of the buffers follow the padded shape) ----------------
    const auto& input = tensor_args.input;
    const auto& output = tensor_return_value;
    auto* src_buffer = input.buffer();
    auto* dst_buffer = output.buffer();
    const tt::DataFormat input_data_format = tt::tt_metal::datatype_to_dataformat_converter(input.dtype());
    const tt::DataFormat output_data_format = tt::tt_metal::datatype_to_dataformat_converter(output.dtype());
    const uint32_t input_tile_size = tt::tile_size(input_data_format);
    const uint32_t output_tile_size = tt::tile_size(output_data_format);
    // row width (elements): one stick / page of a row-major tensor
    const uint32_t W = input.padded_shape()[-1];
    const uint32_t H = input.padded_shape()[-2];
    // tiles per tile-row
    const uint32_t Wt = tt::div_up(W, tt::constants::TILE_WIDTH);
    // tile-rows per batch
    const uint32_t Ht = tt::div_up(H, tt::constants::TILE_HEIGHT);
    // all leading (batch) dims folded together
    const uint32_t NC = static_cast<uint32_t>(input.physical_volume() / (static_cast<uint64_t>(H) * W));
    // bytes of one input row
    const uint32_t input_stick_size = W * input.element_size();
    // input page size (row-major): NEVER hard-code the alignment
    const uint32_t input_stick_size_aligned = tt::round_up(input_stick_size, src_buffer->alignment());
    const uint32_t out_W = output.padded_shape()[-1];
    // bytes of one output row
    const uint32_t output_stick_size = out_W * output.element_size();
    // output page size (row-major)
    const uint32_t output_stick_size_aligned = tt::round_up(output_stick_size, dst_buffer->alignment());

    tt::tt_metal::Program program{};

    // ---- Work split ------------------------------------------------------------------------------------------------
    // Unit: one tile-row. Batch-aware total: NC * Ht.
    // single core (as the spec says): all units on core (0, 0)
    // work units (tile-rows) over the whole batch
    const uint32_t num_units = NC * Ht;
    const CoreRangeSet all_cores(CoreRange(CoreCoord{0, 0}, CoreCoord{0, 0}));
    const uint32_t num_cores = 1;
    const uint32_t num_cores_y = 1;
    const CoreRangeSet& core_group_1 = all_cores;
    const CoreRangeSet core_group_2{};
    const uint32_t units_per_core_group_1 = num_units;
    const uint32_t units_per_core_group_2 = 0;

    // ---- Circular buffers: one block per CB of the spec's table -----------------------------------------------------

    // c_0 cb_rm_in: Input RM sticks from reader (reader -> compute, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: the reader pushes Wt page(s) per unit; compute pops them.
    constexpr uint32_t cb_rm_in_idx = tt::CBIndex::c_0;
    const uint32_t cb_rm_in_page_size = input_tile_size;
    const uint32_t cb_rm_in_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_rm_in_idx, program, all_cores, cb_rm_in_page_size, cb_rm_in_num_pages, input_data_format);

    // c_1 cb_tilized: Tilized input tiles (compute -> compute, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_tilized_idx = tt::CBIndex::c_1;
    const uint32_t cb_tilized_page_size = input_tile_size;
    const uint32_t cb_tilized_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_tilized_idx, program, all_cores, cb_tilized_page_size, cb_tilized_num_pages, input_data_format);

    // c_2 cb_mean: Row mean (reduce output) (compute -> compute, lifetime block)
    // Pages: tile; spec size: 1.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_mean_idx = tt::CBIndex::c_2;
    const uint32_t cb_mean_page_size = input_tile_size;
    const uint32_t cb_mean_num_pages = 1;
    tt::tt_metal::create_cb(cb_mean_idx, program, all_cores, cb_mean_page_size, cb_mean_num_pages, input_data_format);

    // c_3 cb_centered: Centered tiles (x - mean) (compute -> compute, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_centered_idx = tt::CBIndex::c_3;
    const uint32_t cb_centered_page_size = input_tile_size;
    const uint32_t cb_centered_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_centered_idx, program, all_cores, cb_centered_page_size, cb_centered_num_pages, input_data_format);

    // c_4 cb_var: Row variance (reduce output) (compute -> compute, lifetime block)
    // Pages: tile; spec size: 1.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_var_idx = tt::CBIndex::c_4;
    const uint32_t cb_var_page_size = input_tile_size;
    const uint32_t cb_var_num_pages = 1;
    tt::tt_metal::create_cb(cb_var_idx, program, all_cores, cb_var_page_size, cb_var_num_pages, input_data_format);

    // c_5 cb_inv_std: 1/sqrt(var+eps) (compute -> compute, lifetime block)
    // Pages: tile; spec size: 1.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_inv_std_idx = tt::CBIndex::c_5;
    const uint32_t cb_inv_std_page_size = input_tile_size;
    const uint32_t cb_inv_std_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_inv_std_idx, program, all_cores, cb_inv_std_page_size, cb_inv_std_num_pages, input_data_format);

    // c_6 cb_result: Standardized tiles (TILE fmt) (compute -> compute, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_result_idx = tt::CBIndex::c_6;
    const uint32_t cb_result_page_size = input_tile_size;
    const uint32_t cb_result_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_result_idx, program, all_cores, cb_result_page_size, cb_result_num_pages, input_data_format);

    // c_7 cb_eps: Epsilon scalar tile (reader -> compute, lifetime program)
    // Pages: tile; spec size: 1.
    // Stub: one page pushed once by the reader, popped once by the compute.
    constexpr uint32_t cb_eps_idx = tt::CBIndex::c_7;
    const uint32_t cb_eps_page_size = input_tile_size;
    const uint32_t cb_eps_num_pages = 1;
    tt::tt_metal::create_cb(cb_eps_idx, program, all_cores, cb_eps_page_size, cb_eps_num_pages, input_data_format);

    // c_8 cb_scaler: Reduce scaler tile (1/W) (reader -> compute, lifetime program)
    // Pages: tile; spec size: 1; reduce scaler: always Float16_b.
    // Stub: one page pushed once by the reader, popped once by the compute.
    constexpr uint32_t cb_scaler_idx = tt::CBIndex::c_8;
    const uint32_t cb_scaler_page_size = tt::tile_size(tt::DataFormat::Float16_b);
    const uint32_t cb_scaler_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_scaler_idx, program, all_cores, cb_scaler_page_size, cb_scaler_num_pages, tt::DataFormat::Float16_b);

    // c_16 cb_rm_out: Output RM sticks for writer (compute -> writer, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: compute pushes Wt page(s) per unit; the writer pops them.
    constexpr uint32_t cb_rm_out_idx = tt::CBIndex::c_16;
    const uint32_t cb_rm_out_page_size = output_tile_size;
    const uint32_t cb_rm_out_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_rm_out_idx, program, all_cores, cb_rm_out_page_size, cb_rm_out_num_pages, output_data_format);

    // c_24 cb_squared: Squared centered tiles (compute -> compute, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_squared_idx = tt::CBIndex::c_24;
    const uint32_t cb_squared_page_size = input_tile_size;
    const uint32_t cb_squared_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_squared_idx, program, all_cores, cb_squared_page_size, cb_squared_num_pages, input_data_format);

    // c_25 cb_var_plus_eps: var + epsilon (compute -> compute, lifetime block)
    // Pages: tile; spec size: 1.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_var_plus_eps_idx = tt::CBIndex::c_25;
    const uint32_t cb_var_plus_eps_page_size = input_tile_size;
    const uint32_t cb_var_plus_eps_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_var_plus_eps_idx,
        program,
        all_cores,
        cb_var_plus_eps_page_size,
        cb_var_plus_eps_num_pages,
        input_data_format);

    // ---- Stub-kernel parameters (per work unit) ---------------------------------------------------------------------
    const uint32_t src_addr = src_buffer->address();
    const uint32_t dst_addr = dst_buffer->address();
    // pages the reader pushes (and compute pops) per unit
    const uint32_t in_pages_per_unit = Wt;
    // pages compute pushes (and the writer pops) per unit
    const uint32_t out_pages_per_unit = Wt;
    // tensor rows (sticks) per unit
    const uint32_t rows_per_unit = tt::constants::TILE_HEIGHT;
    // units in one batch slice (rows do not run across batches)
    const uint32_t units_per_batch = Ht;
    // rows in one batch slice
    const uint32_t rows_per_batch = H;
    // input page = one row (stick)
    const uint32_t src_page_size = input_stick_size_aligned;
    // L1 bytes between consecutive rows of a unit
    const uint32_t in_l1_stride = cb_rm_in_page_size * in_pages_per_unit / rows_per_unit;
    const uint32_t in_read_bytes = std::min(input_stick_size, in_l1_stride);
    // output page = one row (stick)
    const uint32_t dst_page_size = output_stick_size_aligned;
    const uint32_t out_l1_stride = cb_rm_out_page_size * out_pages_per_unit / rows_per_unit;
    const uint32_t out_write_bytes = std::min(output_stick_size, out_l1_stride);

    TT_FATAL(
        cb_rm_in_num_pages >= in_pages_per_unit,
        "row_centralize: c_0 (cb_rm_in) holds {} pages but one work unit needs {}",
        cb_rm_in_num_pages,
        in_pages_per_unit);
    TT_FATAL(
        cb_rm_out_num_pages >= out_pages_per_unit,
        "row_centralize: c_16 (cb_rm_out) holds {} pages but one work unit needs {}",
        cb_rm_out_num_pages,
        out_pages_per_unit);

    // ---- Reader: RISCV_1 (NCRISC) on NOC 0 (ReaderDataMovementConfig) ----------------------------------------------
    // Compile-time args: 0 cb_rm_in, 1 cb_eps, 2 cb_scaler, 3 in_pages_per_unit, 4 in_l1_stride, 5 in_read_bytes, 6
    // src_page_size, 7 rows_per_unit, 8 units_per_batch, 9 rows_per_batch, then TensorAccessorArgs(input).
    std::vector<uint32_t> reader_compile_time_args = {
        cb_rm_in_idx,       // 0: cb_rm_in
        cb_eps_idx,         // 1: cb_eps
        cb_scaler_idx,      // 2: cb_scaler
        in_pages_per_unit,  // 3: in_pages_per_unit
        in_l1_stride,       // 4: in_l1_stride
        in_read_bytes,      // 5: in_read_bytes
        src_page_size,      // 6: src_page_size
        rows_per_unit,      // 7: rows_per_unit
        units_per_batch,    // 8: units_per_batch
        rows_per_batch,     // 9: rows_per_batch
    };
    tt::tt_metal::TensorAccessorArgs(*src_buffer).append_to(reader_compile_time_args);
    const tt::tt_metal::KernelHandle reader_kernel_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/normalization/row_centralize/device/kernels/dataflow/reader_row_centralize.cpp",
        all_cores,
        tt::tt_metal::ReaderDataMovementConfig(reader_compile_time_args));

    // ---- Compute: TRISC 0-2 (unpack, math, pack) --------------------------------------------------------------------
    // The unit count differs between the two core groups; it is a runtime arg (one kernel over all cores, no
    // per-group compile variants), so only the per-shape values below are baked into the binary.
    // Compile-time args: 0 cb_rm_in, 1 cb_rm_out, 2 cb_eps, 3 cb_scaler, 4 in_pages_per_unit, 5 out_pages_per_unit.
    const std::vector<uint32_t> compute_compile_time_args = {
        cb_rm_in_idx,        // 0: cb_rm_in
        cb_rm_out_idx,       // 1: cb_rm_out
        cb_eps_idx,          // 2: cb_eps
        cb_scaler_idx,       // 3: cb_scaler
        in_pages_per_unit,   // 4: in_pages_per_unit
        out_pages_per_unit,  // 5: out_pages_per_unit
    };
    const tt::tt_metal::KernelHandle compute_kernel_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/normalization/row_centralize/device/kernels/compute/row_centralize_compute.cpp",
        all_cores,
        tt::tt_metal::ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = compute_compile_time_args});

    // ---- Writer: RISCV_0 (BRISC) on NOC 1 (WriterDataMovementConfig) -----------------------------------------------
    // Compile-time args: 0 cb_rm_out, 1 out_pages_per_unit, 2 out_l1_stride, 3 out_write_bytes, 4 dst_page_size, 5
    // rows_per_unit, 6 units_per_batch, 7 rows_per_batch, then TensorAccessorArgs(output).
    std::vector<uint32_t> writer_compile_time_args = {
        cb_rm_out_idx,       // 0: cb_rm_out
        out_pages_per_unit,  // 1: out_pages_per_unit
        out_l1_stride,       // 2: out_l1_stride
        out_write_bytes,     // 3: out_write_bytes
        dst_page_size,       // 4: dst_page_size
        rows_per_unit,       // 5: rows_per_unit
        units_per_batch,     // 6: units_per_batch
        rows_per_batch,      // 7: rows_per_batch
    };
    tt::tt_metal::TensorAccessorArgs(*dst_buffer).append_to(writer_compile_time_args);
    const tt::tt_metal::KernelHandle writer_kernel_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/normalization/row_centralize/device/kernels/dataflow/writer_row_centralize.cpp",
        all_cores,
        tt::tt_metal::WriterDataMovementConfig(writer_compile_time_args));

    // ---- Runtime args: one core, all units (the loop keeps the multi-core shape for a later split) -------------
    // reader: 0 src_addr, 1 num_units, 2 start_id
    // compute: 0 num_units
    // writer: 0 dst_addr, 1 num_units, 2 start_id
    std::vector<CoreCoord> cores;
    cores.reserve(num_cores);
    for (uint32_t i = 0, start_id = 0; i < num_cores; ++i) {
        const CoreCoord core = {i / num_cores_y, i % num_cores_y};
        uint32_t units_per_core = 0;
        if (core_group_1.contains(core)) {
            units_per_core = units_per_core_group_1;
        } else if (core_group_2.contains(core)) {
            units_per_core = units_per_core_group_2;
        } else {
            TT_THROW("row_centralize: core {} is in neither work group", core.str());
        }
        tt::tt_metal::SetRuntimeArgs(program, reader_kernel_id, core, {src_addr, units_per_core, start_id});
        tt::tt_metal::SetRuntimeArgs(program, compute_kernel_id, core, {units_per_core});
        tt::tt_metal::SetRuntimeArgs(program, writer_kernel_id, core, {dst_addr, units_per_core, start_id});
        cores.push_back(core);
        start_id += units_per_core;
    }

    return {
        std::move(program),
        RowCentralizeSharedVariables{
            .reader_kernel_id = reader_kernel_id,
            .compute_kernel_id = compute_kernel_id,
            .writer_kernel_id = writer_kernel_id,
            .all_cores = all_cores,
            .cores = std::move(cores),
            .num_cores = num_cores}};
}

void RowCentralizeProgramFactory::override_runtime_arguments(
    cached_program_t& cached_program,
    [[maybe_unused]] const RowCentralizeParams& operation_attributes,
    const RowCentralizeInputs& tensor_args,
    Tensor& tensor_return_value) {
    // A cached program is reused for new tensors of the same shape: patch every buffer address on every core.
    auto& program = cached_program.program;
    const auto& shared = cached_program.shared_variables;
    const uint32_t src_addr = tensor_args.input.buffer()->address();
    const uint32_t dst_addr = tensor_return_value.buffer()->address();
    for (const auto& core : shared.cores) {
        auto& reader_args = tt::tt_metal::GetRuntimeArgs(program, shared.reader_kernel_id, core);
        reader_args[0] = src_addr;
        auto& writer_args = tt::tt_metal::GetRuntimeArgs(program, shared.writer_kernel_id, core);
        writer_args[0] = dst_addr;
    }
}

}  // namespace ttnn::operations::normalization::row_centralize::program
