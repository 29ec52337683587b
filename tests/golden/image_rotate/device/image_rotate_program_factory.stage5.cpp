// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Program factory for image_rotate (Stage 5: circular buffers and work split; kernels come in Stage 6).
// Structure modelled on ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_program_factory.cpp
// (create_cb per CB, TensorAccessorArgs) and the multi-core runtime-arg loop of
// ttnn/cpp/ttnn/operations/full/device/full_program_factory.cpp.

#include "image_rotate_program_factory.hpp"

#include <algorithm>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/math.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <tt-metalium/work_split.hpp>

#include "ttnn/operations/cb_utils.hpp"

namespace ttnn::operations::pool::image_rotate::program {

using namespace tt;
using namespace tt::tt_metal;

ImageRotateProgramFactory::cached_program_t ImageRotateProgramFactory::create(
    [[maybe_unused]] const ImageRotateParams& operation_attributes,
    const ImageRotateInputs& tensor_args,
    Tensor& tensor_return_value) {
    // ---- Tensors and their metadata (padded shapes: pages of the buffers follow the padded shape) ----------------
    const auto& input = tensor_args.input;
    const auto& output = tensor_return_value;
    auto* src_buffer = input.buffer();
    [[maybe_unused]] auto* dst_buffer = output.buffer();
    const tt::DataFormat input_data_format = tt::tt_metal::datatype_to_dataformat_converter(input.dtype());
    const tt::DataFormat output_data_format = tt::tt_metal::datatype_to_dataformat_converter(output.dtype());
    const uint32_t element_size = input.element_size();
    // row width (elements): one stick / page of a row-major tensor
    const uint32_t W = input.padded_shape()[-1];
    const uint32_t H = input.padded_shape()[-2];
    // all leading (batch) dims folded together
    const uint32_t NC = static_cast<uint32_t>(input.physical_volume() / (static_cast<uint64_t>(H) * W));
    // NHWC input: channels (one stick)
    const uint32_t input_channels = input.padded_shape()[-1];
    // bytes of one input row
    const uint32_t input_stick_size = W * input.element_size();
    // input page size (row-major): NEVER hard-code the alignment
    const uint32_t input_stick_size_aligned = tt::round_up(input_stick_size, src_buffer->alignment());
    [[maybe_unused]] const uint32_t out_W = output.padded_shape()[-1];
    // bytes of one output row
    [[maybe_unused]] const uint32_t output_stick_size = out_W * output.element_size();
    // output page size (row-major)
    [[maybe_unused]] const uint32_t output_stick_size_aligned =
        tt::round_up(output_stick_size, dst_buffer->alignment());

    tt::tt_metal::Program program{};

    // ---- Work split ------------------------------------------------------------------------------------------------
    // Unit: one stick. Batch-aware total: NC * H.
    // the spec's total 'N*H*W'; the factory computes it as NC * H (W, H = the tensor's last two dims, NC = all dims
    // before them) (the input is NHWC: its sticks are its pixels) work units (sticks) over the whole batch
    const uint32_t num_units = NC * H;
    // split_work_to_cores gives group 1 one unit more than group 2 when the units do not divide evenly.
    const auto grid = input.device()->compute_with_storage_grid_size();
    [[maybe_unused]] const uint32_t num_cores_y = grid.y;
    [[maybe_unused]] const auto
        [num_cores, all_cores, core_group_1, core_group_2, units_per_core_group_1, units_per_core_group_2] =
            tt::tt_metal::split_work_to_cores(grid, num_units);

    // ---- Circular buffers: one block per CB of the spec's table -----------------------------------------------------

    // c_1 cb_input: 4 corner input sticks (reader -> compute, lifetime block)
    // Pages: bytes; spec size: 4*input_stick_nbytes*2; one page of that many bytes.
    // Stub: the reader pushes 1 page(s) per unit; compute pops them.
    constexpr uint32_t cb_input_idx = tt::CBIndex::c_1;
    const uint32_t cb_input_page_size = 4 * input_stick_size_aligned * 2;
    const uint32_t cb_input_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_input_idx, program, all_cores, cb_input_page_size, cb_input_num_pages, input_data_format);

    // c_3 cb_scalar: Bilinear weights (reader -> compute, lifetime block)
    // Pages: bytes; spec size: TILE_HW*element_size*2; one page of that many bytes.
    // Stub: one page pushed once by the reader, popped once by the compute.
    constexpr uint32_t cb_scalar_idx = tt::CBIndex::c_3;
    const uint32_t cb_scalar_page_size = tt::constants::TILE_HW * element_size * 2;
    const uint32_t cb_scalar_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_scalar_idx, program, all_cores, cb_scalar_page_size, cb_scalar_num_pages, input_data_format);

    // c_5 cb_output: Output sticks (compute -> writer, lifetime block)
    // Pages: bytes; spec size: FACE_WIDTH*element_size*out_ntiles_c*2; one page of that many bytes.
    // Stub: compute pushes 1 page(s) per unit; the writer pops them.
    constexpr uint32_t cb_output_idx = tt::CBIndex::c_5;
    const uint32_t cb_output_page_size =
        tt::constants::FACE_WIDTH * element_size *
        ((input_channels + tt::constants::FACE_WIDTH - 1) / tt::constants::FACE_WIDTH) * 2;
    const uint32_t cb_output_num_pages = 1;
    tt::tt_metal::create_cb(
        cb_output_idx, program, all_cores, cb_output_page_size, cb_output_num_pages, output_data_format);

    // Stage 5 stops here on purpose: the Stage 5 test expects this error (kernels arrive in Stage 6).
    TT_THROW("image_rotate: Kernel creation not yet implemented");
}

void ImageRotateProgramFactory::override_runtime_arguments(
    cached_program_t& cached_program,
    [[maybe_unused]] const ImageRotateParams& operation_attributes,
    const ImageRotateInputs& tensor_args,
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

}  // namespace ttnn::operations::pool::image_rotate::program
