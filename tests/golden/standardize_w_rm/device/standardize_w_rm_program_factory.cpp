// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Program factory for standardize_w_rm (Stage 6: CBs, work split, stub kernels and runtime args).
// Structure modelled on ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_program_factory.cpp
// (create_cb per CB, TensorAccessorArgs) and the multi-core runtime-arg loop of
// ttnn/cpp/ttnn/operations/full/device/full_program_factory.cpp.

#include "standardize_w_rm_program_factory.hpp"

#include <algorithm>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/math.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <tt-metalium/work_split.hpp>

#include "ttnn/operations/cb_utils.hpp"

namespace ttnn::operations::reduction::standardize_w_rm::program {

using namespace tt;
using namespace tt::tt_metal;

StandardizeWRmProgramFactory::cached_program_t StandardizeWRmProgramFactory::create(
    [[maybe_unused]] const StandardizeWRmParams& operation_attributes,
    const StandardizeWRmInputs& tensor_args,
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
    // the spec's total 'Ht' ignores the batch dims; the factory splits NC * Ht units
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

    // c_0 cb_in_rm: Input RM sticks (reader -> compute, lifetime block)
    // Pages: tile; spec size: 2*Wt.
    // Stub: the reader pushes Wt page(s) per unit; compute pops them.
    constexpr uint32_t cb_in_rm_idx = tt::CBIndex::c_0;
    const uint32_t cb_in_rm_page_size = input_tile_size;
    const uint32_t cb_in_rm_num_pages = 2 * Wt;
    tt::tt_metal::create_cb(
        cb_in_rm_idx, program, all_cores, cb_in_rm_page_size, cb_in_rm_num_pages, input_data_format);

    // c_1 cb_in_tiled: Tiled input (persists for bcast_sub) (compute -> compute, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_in_tiled_idx = tt::CBIndex::c_1;
    const uint32_t cb_in_tiled_page_size = input_tile_size;
    const uint32_t cb_in_tiled_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_in_tiled_idx, program, all_cores, cb_in_tiled_page_size, cb_in_tiled_num_pages, input_data_format);

    // c_2 cb_scaler: Scaler (1/W) for both reduces (reader -> compute, lifetime program)
    // Pages: tile; spec size: 1; reduce scaler: always Float16_b.
    // Stub: one page pushed once by the reader, popped once by the compute.
    constexpr uint32_t cb_scaler_idx = tt::CBIndex::c_2;
    const uint32_t cb_scaler_page_size = tt::tile_size(tt::DataFormat::Float16_b);
    const uint32_t cb_scaler_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_scaler_idx, program, all_cores, cb_scaler_page_size, cb_scaler_num_pages, tt::DataFormat::Float16_b);

    // c_3 cb_mean_tiled: Mean tile output from first reduce (compute -> compute, lifetime block)
    // Pages: tile; spec size: 1.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_mean_tiled_idx = tt::CBIndex::c_3;
    const uint32_t cb_mean_tiled_page_size = input_tile_size;
    const uint32_t cb_mean_tiled_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_mean_tiled_idx, program, all_cores, cb_mean_tiled_page_size, cb_mean_tiled_num_pages, input_data_format);

    // c_4 cb_centralized: Centralized tiles (input - mean) (compute -> compute, lifetime row)
    // Pages: tile; spec size: Wt.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_centralized_idx = tt::CBIndex::c_4;
    const uint32_t cb_centralized_page_size = input_tile_size;
    const uint32_t cb_centralized_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_centralized_idx, program, all_cores, cb_centralized_page_size, cb_centralized_num_pages, input_data_format);

    // c_5 cb_squared: Squared tiles ((x-mean)^2) (compute -> compute, lifetime block)
    // Pages: tile; spec size: Wt.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_squared_idx = tt::CBIndex::c_5;
    const uint32_t cb_squared_page_size = input_tile_size;
    const uint32_t cb_squared_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_squared_idx, program, all_cores, cb_squared_page_size, cb_squared_num_pages, input_data_format);

    // c_6 cb_variance: Variance tile from second reduce (compute -> compute, lifetime block)
    // Pages: tile; spec size: 1.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_variance_idx = tt::CBIndex::c_6;
    const uint32_t cb_variance_page_size = input_tile_size;
    const uint32_t cb_variance_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_variance_idx, program, all_cores, cb_variance_page_size, cb_variance_num_pages, input_data_format);

    // c_7 cb_epsilon: Epsilon scalar tile (reader -> compute, lifetime program)
    // Pages: tile; spec size: 1.
    // Stub: one page pushed once by the reader, popped once by the compute.
    constexpr uint32_t cb_epsilon_idx = tt::CBIndex::c_7;
    const uint32_t cb_epsilon_page_size = input_tile_size;
    const uint32_t cb_epsilon_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_epsilon_idx, program, all_cores, cb_epsilon_page_size, cb_epsilon_num_pages, input_data_format);

    // c_8 cb_rsqrt: Rsqrt result tile (compute -> compute, lifetime block)
    // Pages: tile; spec size: 1.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_rsqrt_idx = tt::CBIndex::c_8;
    const uint32_t cb_rsqrt_page_size = input_tile_size;
    const uint32_t cb_rsqrt_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_rsqrt_idx, program, all_cores, cb_rsqrt_page_size, cb_rsqrt_num_pages, input_data_format);

    // c_16 cb_out_rm: Output RM sticks (compute -> writer, lifetime block)
    // Pages: tile; spec size: 2*Wt.
    // Stub: compute pushes Wt page(s) per unit; the writer pops them.
    constexpr uint32_t cb_out_rm_idx = tt::CBIndex::c_16;
    const uint32_t cb_out_rm_page_size = output_tile_size;
    const uint32_t cb_out_rm_num_pages = 2 * Wt;
    tt::tt_metal::create_cb(
        cb_out_rm_idx, program, all_cores, cb_out_rm_page_size, cb_out_rm_num_pages, output_data_format);

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
    const uint32_t in_l1_stride = cb_in_rm_page_size * in_pages_per_unit / rows_per_unit;
    const uint32_t in_read_bytes = std::min(input_stick_size, in_l1_stride);
    // output page = one row (stick)
    const uint32_t dst_page_size = output_stick_size_aligned;
    const uint32_t out_l1_stride = cb_out_rm_page_size * out_pages_per_unit / rows_per_unit;
    const uint32_t out_write_bytes = std::min(output_stick_size, out_l1_stride);

    TT_FATAL(
        cb_in_rm_num_pages >= in_pages_per_unit,
        "standardize_w_rm: c_0 (cb_in_rm) holds {} pages but one work unit needs {}",
        cb_in_rm_num_pages,
        in_pages_per_unit);
    TT_FATAL(
        cb_out_rm_num_pages >= out_pages_per_unit,
        "standardize_w_rm: c_16 (cb_out_rm) holds {} pages but one work unit needs {}",
        cb_out_rm_num_pages,
        out_pages_per_unit);

    // ---- Reader: RISCV_1 (NCRISC) on NOC 0 (ReaderDataMovementConfig) ----------------------------------------------
    // Compile-time args: 0 cb_in_rm, 1 cb_scaler, 2 cb_epsilon, 3 in_pages_per_unit, 4 in_l1_stride, 5 in_read_bytes, 6
    // src_page_size, 7 rows_per_unit, 8 units_per_batch, 9 rows_per_batch, then TensorAccessorArgs(input).
    std::vector<uint32_t> reader_compile_time_args = {
        cb_in_rm_idx,       // 0: cb_in_rm
        cb_scaler_idx,      // 1: cb_scaler
        cb_epsilon_idx,     // 2: cb_epsilon
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
        "ttnn/cpp/ttnn/operations/reduction/standardize_w_rm/device/kernels/dataflow/reader_standardize_w_rm.cpp",
        all_cores,
        tt::tt_metal::ReaderDataMovementConfig(reader_compile_time_args));

    // ---- Compute: TRISC 0-2 (unpack, math, pack) --------------------------------------------------------------------
    // The unit count differs between the two core groups; it is a runtime arg (one kernel over all cores, no
    // per-group compile variants), so only the per-shape values below are baked into the binary.
    // Compile-time args: 0 cb_in_rm, 1 cb_out_rm, 2 cb_scaler, 3 cb_epsilon, 4 in_pages_per_unit, 5 out_pages_per_unit.
    const std::vector<uint32_t> compute_compile_time_args = {
        cb_in_rm_idx,        // 0: cb_in_rm
        cb_out_rm_idx,       // 1: cb_out_rm
        cb_scaler_idx,       // 2: cb_scaler
        cb_epsilon_idx,      // 3: cb_epsilon
        in_pages_per_unit,   // 4: in_pages_per_unit
        out_pages_per_unit,  // 5: out_pages_per_unit
    };
    const tt::tt_metal::KernelHandle compute_kernel_id = tt::tt_metal::CreateKernel(
        program,
        "ttnn/cpp/ttnn/operations/reduction/standardize_w_rm/device/kernels/compute/standardize_w_rm_compute.cpp",
        all_cores,
        tt::tt_metal::ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = compute_compile_time_args});

    // ---- Writer: RISCV_0 (BRISC) on NOC 1 (WriterDataMovementConfig) -----------------------------------------------
    // Compile-time args: 0 cb_out_rm, 1 out_pages_per_unit, 2 out_l1_stride, 3 out_write_bytes, 4 dst_page_size, 5
    // rows_per_unit, 6 units_per_batch, 7 rows_per_batch, then TensorAccessorArgs(output).
    std::vector<uint32_t> writer_compile_time_args = {
        cb_out_rm_idx,       // 0: cb_out_rm
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
        "ttnn/cpp/ttnn/operations/reduction/standardize_w_rm/device/kernels/dataflow/writer_standardize_w_rm.cpp",
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
            TT_THROW("standardize_w_rm: core {} is in neither work group", core.str());
        }
        tt::tt_metal::SetRuntimeArgs(program, reader_kernel_id, core, {src_addr, units_per_core, start_id});
        tt::tt_metal::SetRuntimeArgs(program, compute_kernel_id, core, {units_per_core});
        tt::tt_metal::SetRuntimeArgs(program, writer_kernel_id, core, {dst_addr, units_per_core, start_id});
        cores.push_back(core);
        start_id += units_per_core;
    }

    return {
        std::move(program),
        StandardizeWRmSharedVariables{
            .reader_kernel_id = reader_kernel_id,
            .compute_kernel_id = compute_kernel_id,
            .writer_kernel_id = writer_kernel_id,
            .all_cores = all_cores,
            .cores = std::move(cores),
            .num_cores = num_cores}};
}

void StandardizeWRmProgramFactory::override_runtime_arguments(
    cached_program_t& cached_program,
    [[maybe_unused]] const StandardizeWRmParams& operation_attributes,
    const StandardizeWRmInputs& tensor_args,
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

}  // namespace ttnn::operations::reduction::standardize_w_rm::program
