// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 4 (device operation): validation, program-factory selection, output spec, program hash and the
// ttnn::prim::row_centralize entry point. Form modelled on scaffolded ops such as
// ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_device_operation.cpp.

#include "row_centralize_device_operation.hpp"

#include <tt-metalium/constants.hpp>

#include "ttnn/tensor/tensor_spec.hpp"
#include "ttnn/tensor/types.hpp"

namespace ttnn::operations::normalization::row_centralize {

using namespace tt;
using namespace tt::tt_metal;

RowCentralizeDeviceOperation::program_factory_t RowCentralizeDeviceOperation::select_program_factory(
    [[maybe_unused]] const operation_attributes_t& operation_attributes,
    [[maybe_unused]] const tensor_args_t& tensor_args) {
    // One factory: ROW_MAJOR input, work split on a single core.
    return program::RowCentralizeProgramFactory{};
}

void RowCentralizeDeviceOperation::validate_on_program_cache_hit(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    validate_on_program_cache_miss(operation_attributes, tensor_args);
}

void RowCentralizeDeviceOperation::validate_on_program_cache_miss(
    [[maybe_unused]] const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;

    // input_tensor (primary input: the work split and the first input CB follow it)
    // spec: Device: Must be on device
    TT_FATAL(input.storage_type() == StorageType::DEVICE, "Input tensor must be on device");
    TT_FATAL(input.buffer() != nullptr, "input_tensor must be allocated in buffers on device");
    // spec: Rank: >= 2
    TT_FATAL(input.logical_shape().rank() >= 2, "Input tensor must have rank >= 2");
    // spec: Layout: ROW_MAJOR
    TT_FATAL(input.layout() == Layout::ROW_MAJOR, "Input tensor must be in ROW_MAJOR layout");
    // spec: Dtype: BFLOAT16
    TT_FATAL(input.dtype() == DataType::BFLOAT16, "Input tensor dtype must be bfloat16");
    // spec: Memory layout: INTERLEAVED
    TT_FATAL(
        input.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED,
        "Input tensor must have interleaved memory layout");
    // spec: Last dim: Must be divisible by 32 (TILE_WIDTH)
    TT_FATAL(
        input.logical_shape()[-1] % tt::constants::TILE_WIDTH == 0,
        "Input tensor last dimension must be divisible by 32");

    // parameters
    // spec: epsilon: (0, inf)
    TT_FATAL(operation_attributes.epsilon > 0.0f, "epsilon must be (0, inf)");
}

RowCentralizeDeviceOperation::spec_return_value_t RowCentralizeDeviceOperation::compute_output_specs(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;
    // Output shape: same as the input (spec: Same as input (no dimension change)).
    const ttnn::Shape output_shape = input.logical_shape();
    const ttnn::Shape output_padded = input.padded_shape();
    return TensorSpec(
        output_shape,
        TensorLayout::fromPaddedShape(
            DataType::BFLOAT16,
            PageConfig(Layout::ROW_MAJOR),
            operation_attributes.output_mem_config,
            output_shape,
            output_padded));
}

tt::stl::hash::hash_t RowCentralizeDeviceOperation::compute_program_hash(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    // Everything the factory bakes into the program (compile-time args, CB sizes) must be in the hash.
    return tt::tt_metal::operation::hash_operation<RowCentralizeDeviceOperation>(
        operation_attributes,
        tensor_args.input.dtype(),
        tensor_args.input.memory_config(),
        tensor_args.input.padded_shape());
}

RowCentralizeDeviceOperation::tensor_return_value_t RowCentralizeDeviceOperation::create_output_tensors(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    return create_device_tensor(compute_output_specs(operation_attributes, tensor_args), tensor_args.input.device());
}

}  // namespace ttnn::operations::normalization::row_centralize

namespace ttnn::prim {

ttnn::operations::normalization::row_centralize::RowCentralizeDeviceOperation::tensor_return_value_t row_centralize(
    const Tensor& input, float epsilon, const tt::tt_metal::MemoryConfig& output_mem_config) {
    using OperationType = ttnn::operations::normalization::row_centralize::RowCentralizeDeviceOperation;
    return ttnn::device_operation::launch<OperationType>(
        OperationType::operation_attributes_t{.epsilon = epsilon, .output_mem_config = output_mem_config},
        OperationType::tensor_args_t{.input = input});
}

}  // namespace ttnn::prim
