// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 4 (device operation): validation, program-factory selection, output spec, program hash and the
// ttnn::prim::image_rotate entry point. Form modelled on scaffolded ops such as
// ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_device_operation.cpp.

#include "image_rotate_device_operation.hpp"

#include <tt-metalium/constants.hpp>

#include "ttnn/tensor/tensor_spec.hpp"
#include "ttnn/tensor/types.hpp"

namespace ttnn::operations::pool::image_rotate {

using namespace tt;
using namespace tt::tt_metal;

ImageRotateDeviceOperation::program_factory_t ImageRotateDeviceOperation::select_program_factory(
    [[maybe_unused]] const operation_attributes_t& operation_attributes,
    [[maybe_unused]] const tensor_args_t& tensor_args) {
    // One factory: ROW_MAJOR input, work split across the grid with split_work_to_cores.
    return program::ImageRotateProgramFactory{};
}

void ImageRotateDeviceOperation::validate_on_program_cache_hit(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    validate_on_program_cache_miss(operation_attributes, tensor_args);
}

void ImageRotateDeviceOperation::validate_on_program_cache_miss(
    [[maybe_unused]] const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;

    // input_tensor (primary input: the work split and the first input CB follow it)
    // spec: Storage: Must be on device (DRAM)
    TT_FATAL(input.storage_type() == StorageType::DEVICE, "Input tensor must be on device");
    TT_FATAL(input.buffer() != nullptr, "input_tensor must be allocated in buffers on device");
    // spec: Rank: Must be 4D (N, H, W, C)
    TT_FATAL(input.logical_shape().rank() == 4, "Input tensor must be 4D (N, H, W, C)");
    // spec: Layout: ROW_MAJOR_LAYOUT
    TT_FATAL(input.layout() == Layout::ROW_MAJOR, "Input tensor must be in ROW_MAJOR layout");
    // spec: Dtype: bfloat16 or float32
    TT_FATAL(
        input.dtype() == DataType::BFLOAT16 || input.dtype() == DataType::FLOAT32,
        "Input tensor dtype must be bfloat16 or float32");
    // spec: Memory: INTERLEAVED only
    TT_FATAL(
        input.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED,
        "Input tensor must be DRAM interleaved");
    // spec: Channel alignment: C must be aligned to 32 bytes
    TT_FATAL(
        (input.logical_shape()[-1] * input.element_size()) % 32 == 0, "Channel dimension must be aligned to 32 bytes");

    // parameters
    // spec: expand: Must be false
    TT_FATAL(!operation_attributes.expand, "expand must be false");
}

ImageRotateDeviceOperation::spec_return_value_t ImageRotateDeviceOperation::compute_output_specs(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;
    // Output shape: same as the input (spec: Same as input: (N, H, W, C)).
    const ttnn::Shape output_shape = input.logical_shape();
    const ttnn::Shape output_padded = input.padded_shape();
    return TensorSpec(
        output_shape,
        TensorLayout::fromPaddedShape(
            input.dtype(),
            PageConfig(Layout::ROW_MAJOR),
            operation_attributes.output_mem_config,
            output_shape,
            output_padded));
}

tt::stl::hash::hash_t ImageRotateDeviceOperation::compute_program_hash(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    // Everything the factory bakes into the program (compile-time args, CB sizes) must be in the hash.
    return tt::tt_metal::operation::hash_operation<ImageRotateDeviceOperation>(
        operation_attributes,
        tensor_args.input.dtype(),
        tensor_args.input.memory_config(),
        tensor_args.input.padded_shape());
}

ImageRotateDeviceOperation::tensor_return_value_t ImageRotateDeviceOperation::create_output_tensors(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    return create_device_tensor(compute_output_specs(operation_attributes, tensor_args), tensor_args.input.device());
}

}  // namespace ttnn::operations::pool::image_rotate

namespace ttnn::prim {

ttnn::operations::pool::image_rotate::ImageRotateDeviceOperation::tensor_return_value_t image_rotate(
    const Tensor& input,
    float angle,
    std::optional<std::array<float, 2>> center,
    float fill,
    bool expand,
    const tt::tt_metal::MemoryConfig& output_mem_config) {
    using OperationType = ttnn::operations::pool::image_rotate::ImageRotateDeviceOperation;
    return ttnn::device_operation::launch<OperationType>(
        OperationType::operation_attributes_t{
            .angle = angle, .center = center, .fill = fill, .expand = expand, .output_mem_config = output_mem_config},
        OperationType::tensor_args_t{.input = input});
}

}  // namespace ttnn::prim
