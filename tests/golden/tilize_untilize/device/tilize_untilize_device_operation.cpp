// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 4 (device operation): validation, program-factory selection, output spec, program hash and the
// ttnn::prim::tilize_untilize entry point. Form modelled on scaffolded ops such as
// ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_device_operation.cpp.

#include "tilize_untilize_device_operation.hpp"

#include <tt-metalium/constants.hpp>

#include "ttnn/tensor/tensor_spec.hpp"
#include "ttnn/tensor/types.hpp"

namespace ttnn::operations::data_movement::tilize_untilize {

using namespace tt;
using namespace tt::tt_metal;

TilizeUntilizeDeviceOperation::program_factory_t TilizeUntilizeDeviceOperation::select_program_factory(
    [[maybe_unused]] const operation_attributes_t& operation_attributes,
    [[maybe_unused]] const tensor_args_t& tensor_args) {
    // One factory: ROW_MAJOR input, work split on a single core.
    return program::TilizeUntilizeProgramFactory{};
}

void TilizeUntilizeDeviceOperation::validate_on_program_cache_hit(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    validate_on_program_cache_miss(operation_attributes, tensor_args);
}

void TilizeUntilizeDeviceOperation::validate_on_program_cache_miss(
    [[maybe_unused]] const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;

    // input_tensor (primary input: the work split and the first input CB follow it)
    // spec: Device: Must be on device
    TT_FATAL(input.storage_type() == StorageType::DEVICE, "Input must be on device");
    TT_FATAL(input.buffer() != nullptr, "input_tensor must be allocated in buffers on device");
    // spec: Rank: Must be 4D
    TT_FATAL(input.logical_shape().rank() == 4, "Input tensor must be 4D (NCHW)");
    // spec: Layout: ROW_MAJOR_LAYOUT
    TT_FATAL(input.layout() == Layout::ROW_MAJOR, "Input must be in ROW_MAJOR layout");
    // spec: Memory: INTERLEAVED
    TT_FATAL(
        input.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED,
        "Input must be interleaved (not sharded)");
    // spec: Dtype: BFLOAT16 or FLOAT32
    TT_FATAL(input.dtype() == DataType::BFLOAT16 || input.dtype() == DataType::FLOAT32, "Unsupported dtype");
    // spec: Height: Multiple of 32
    TT_FATAL(
        input.logical_shape()[-2] % tt::constants::TILE_HEIGHT == 0, "Height must be multiple of TILE_HEIGHT (32)");
    // spec: Width: Multiple of 32
    TT_FATAL(input.logical_shape()[-1] % tt::constants::TILE_WIDTH == 0, "Width must be multiple of TILE_WIDTH (32)");
}

TilizeUntilizeDeviceOperation::spec_return_value_t TilizeUntilizeDeviceOperation::compute_output_specs(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;
    // Output shape: same as the input (spec: Same as input shape).
    const ttnn::Shape output_shape = input.logical_shape();
    const ttnn::Shape output_padded = input.padded_shape();
    return TensorSpec(
        output_shape,
        TensorLayout::fromPaddedShape(
            operation_attributes.output_dtype.value_or(input.dtype()),
            PageConfig(Layout::ROW_MAJOR),
            operation_attributes.output_mem_config,
            output_shape,
            output_padded));
}

tt::stl::hash::hash_t TilizeUntilizeDeviceOperation::compute_program_hash(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    // Everything the factory bakes into the program (compile-time args, CB sizes) must be in the hash.
    return tt::tt_metal::operation::hash_operation<TilizeUntilizeDeviceOperation>(
        operation_attributes,
        tensor_args.input.dtype(),
        tensor_args.input.memory_config(),
        tensor_args.input.padded_shape());
}

TilizeUntilizeDeviceOperation::tensor_return_value_t TilizeUntilizeDeviceOperation::create_output_tensors(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    return create_device_tensor(compute_output_specs(operation_attributes, tensor_args), tensor_args.input.device());
}

}  // namespace ttnn::operations::data_movement::tilize_untilize

namespace ttnn::prim {

ttnn::operations::data_movement::tilize_untilize::TilizeUntilizeDeviceOperation::tensor_return_value_t tilize_untilize(
    const Tensor& input,
    std::optional<tt::tt_metal::DataType> output_dtype,
    const tt::tt_metal::MemoryConfig& output_mem_config) {
    using OperationType = ttnn::operations::data_movement::tilize_untilize::TilizeUntilizeDeviceOperation;
    return ttnn::device_operation::launch<OperationType>(
        OperationType::operation_attributes_t{.output_dtype = output_dtype, .output_mem_config = output_mem_config},
        OperationType::tensor_args_t{.input = input});
}

}  // namespace ttnn::prim
