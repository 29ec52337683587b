// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Program factory for tilize_untilize (Stage 5: circular buffers and work split; kernels come in Stage 6).
// Structure modelled on ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_program_factory.cpp
// (create_cb per CB, TensorAccessorArgs) and the multi-core runtime-arg loop of
// ttnn/cpp/ttnn/operations/full/device/full_program_factory.cpp.

#include "tilize_untilize_program_factory.hpp"

#include <algorithm>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/math.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <tt-metalium/work_split.hpp>

#include "ttnn/operations/cb_utils.hpp"

namespace ttnn::operations::data_movement::tilize_untilize::program {

using namespace tt;
using namespace tt::tt_metal;

TilizeUntilizeProgramFactory::cached_program_t TilizeUntilizeProgramFactory::create(
    [[maybe_unused]] const TilizeUntilizeParams& operation_attributes,
    const TilizeUntilizeInputs& tensor_args,
    Tensor& tensor_return_value) {
    // ---- Tensors and their metadata (padded shapes: pages of the buffers follow the padded shape) ----------------
    const auto& input = tensor_args.input;
    const auto& output = tensor_return_value;
    [[maybe_unused]] auto* src_buffer = input.buffer();
    [[maybe_unused]] auto* dst_buffer = output.buffer();
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
    [[maybe_unused]] const uint32_t input_stick_size = W * input.element_size();
    // input page size (row-major): NEVER hard-code the alignment
    [[maybe_unused]] const uint32_t input_stick_size_aligned = tt::round_up(input_stick_size, src_buffer->alignment());
    [[maybe_unused]] const uint32_t out_W = output.padded_shape()[-1];
    // bytes of one output row
    [[maybe_unused]] const uint32_t output_stick_size = out_W * output.element_size();
    // output page size (row-major)
    [[maybe_unused]] const uint32_t output_stick_size_aligned =
        tt::round_up(output_stick_size, dst_buffer->alignment());

    tt::tt_metal::Program program{};

    // ---- Work split ------------------------------------------------------------------------------------------------
    // Unit: one tile-row. Batch-aware total: NC * Ht.
    // single core (as the spec says): all units on core (0, 0)
    // work units (tile-rows) over the whole batch
    const uint32_t num_units = NC * Ht;
    const CoreRangeSet all_cores(CoreRange(CoreCoord{0, 0}, CoreCoord{0, 0}));
    [[maybe_unused]] const uint32_t num_cores = 1;
    [[maybe_unused]] const uint32_t num_cores_y = 1;
    [[maybe_unused]] const CoreRangeSet& core_group_1 = all_cores;
    [[maybe_unused]] const CoreRangeSet core_group_2{};
    [[maybe_unused]] const uint32_t units_per_core_group_1 = num_units;
    [[maybe_unused]] const uint32_t units_per_core_group_2 = 0;

    // ---- Circular buffers: one block per CB of the spec's table -----------------------------------------------------

    // c_0 CB_in: Row-major input staging (reader -> compute, lifetime block)
    // Pages: tile; spec size: num_tiles_per_row.
    // Stub: the reader pushes Wt page(s) per unit; compute pops them.
    constexpr uint32_t cb_in_idx = tt::CBIndex::c_0;
    const uint32_t cb_in_page_size = input_tile_size;
    const uint32_t cb_in_num_pages = Wt;
    tt::tt_metal::create_cb(cb_in_idx, program, all_cores, cb_in_page_size, cb_in_num_pages, input_data_format);

    // c_1 CB_tiled: Tiled intermediate (compute -> compute, lifetime block)
    // Pages: tile; spec size: num_tiles_per_row.
    // Stub: not touched (compute-internal); Stage 7 produces and consumes it.
    constexpr uint32_t cb_tiled_idx = tt::CBIndex::c_1;
    const uint32_t cb_tiled_page_size = input_tile_size;
    const uint32_t cb_tiled_num_pages = Wt;
    tt::tt_metal::create_cb(
        cb_tiled_idx, program, all_cores, cb_tiled_page_size, cb_tiled_num_pages, input_data_format);

    // c_16 CB_out: Row-major output staging (compute -> writer, lifetime block)
    // Pages: tile; spec size: num_tiles_per_row.
    // Stub: compute pushes Wt page(s) per unit; the writer pops them.
    constexpr uint32_t cb_out_idx = tt::CBIndex::c_16;
    const uint32_t cb_out_page_size = output_tile_size;
    const uint32_t cb_out_num_pages = Wt;
    tt::tt_metal::create_cb(cb_out_idx, program, all_cores, cb_out_page_size, cb_out_num_pages, output_data_format);

    // Stage 5 stops here on purpose: the Stage 5 test expects this error (kernels arrive in Stage 6).
    TT_THROW("tilize_untilize: Kernel creation not yet implemented");
}

void TilizeUntilizeProgramFactory::override_runtime_arguments(
    cached_program_t& cached_program,
    [[maybe_unused]] const TilizeUntilizeParams& operation_attributes,
    const TilizeUntilizeInputs& tensor_args,
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

}  // namespace ttnn::operations::data_movement::tilize_untilize::program
