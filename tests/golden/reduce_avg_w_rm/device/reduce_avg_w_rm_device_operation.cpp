// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 4 (device operation): validation, program-factory selection, output spec, program hash and the
// ttnn::prim::reduce_avg_w_rm entry point. Form modelled on scaffolded ops such as
// ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_device_operation.cpp.

#include "reduce_avg_w_rm_device_operation.hpp"

#include <tt-metalium/constants.hpp>

#include "ttnn/tensor/tensor_spec.hpp"
#include "ttnn/tensor/types.hpp"

namespace ttnn::operations::reduction::reduce_avg_w_rm {

using namespace tt;
using namespace tt::tt_metal;

ReduceAvgWRmDeviceOperation::program_factory_t ReduceAvgWRmDeviceOperation::select_program_factory(
    [[maybe_unused]] const operation_attributes_t& operation_attributes,
    [[maybe_unused]] const tensor_args_t& tensor_args) {
    // One factory: ROW_MAJOR input, work split across the grid with split_work_to_cores.
    return program::ReduceAvgWRmProgramFactory{};
}

void ReduceAvgWRmDeviceOperation::validate_on_program_cache_hit(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    validate_on_program_cache_miss(operation_attributes, tensor_args);
}

void ReduceAvgWRmDeviceOperation::validate_on_program_cache_miss(
    [[maybe_unused]] const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;

    // input_tensor (primary input: the work split and the first input CB follow it)
    TT_FATAL(input.storage_type() == StorageType::DEVICE, "input_tensor must be on device");
    TT_FATAL(input.buffer() != nullptr, "input_tensor must be allocated in buffers on device");
    // spec: Rank: 4 (N, C, H, W)
    TT_FATAL(input.logical_shape().rank() == 4, "Input tensor must have rank 4");
    // spec: Layout: ROW_MAJOR
    TT_FATAL(input.layout() == Layout::ROW_MAJOR, "Input tensor must be in ROW_MAJOR layout");
    // spec: Memory Layout: INTERLEAVED
    TT_FATAL(
        input.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED,
        "Input tensor must have INTERLEAVED memory layout");
    // spec: Data Type: BFLOAT16
    TT_FATAL(input.dtype() == DataType::BFLOAT16, "Input tensor must be BFLOAT16");
    // spec: Width: > 0
    TT_FATAL(input.logical_shape()[-1] > 0, "Input width must be positive");
    // spec: Height: Multiple of 32 (tile-aligned)
    TT_FATAL(
        input.logical_shape()[-2] % tt::constants::TILE_HEIGHT == 0,
        "Input height must be multiple of TILE_HEIGHT (32)");
    // spec: Width: Multiple of 32 (tile-aligned)
    TT_FATAL(
        input.logical_shape()[-1] % tt::constants::TILE_WIDTH == 0, "Input width must be multiple of TILE_WIDTH (32)");
}

ReduceAvgWRmDeviceOperation::spec_return_value_t ReduceAvgWRmDeviceOperation::compute_output_specs(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;
    // Output shape: last dim 1 (logical), padded to one tile column (32).
    // Spec: [N, C, H, 32] (physical), [N, C, H, 1] (logical)
    ttnn::SmallVector<uint32_t> dims(input.logical_shape().cbegin(), input.logical_shape().cend());
    dims.back() = 1;
    const ttnn::Shape output_shape(dims);
    ttnn::SmallVector<uint32_t> padded_dims(input.padded_shape().cbegin(), input.padded_shape().cend());
    padded_dims.back() = tt::constants::TILE_WIDTH;
    const ttnn::Shape output_padded(padded_dims);
    return TensorSpec(
        output_shape,
        TensorLayout::fromPaddedShape(
            input.dtype(),
            PageConfig(Layout::ROW_MAJOR),
            operation_attributes.output_mem_config,
            output_shape,
            output_padded));
}

tt::stl::hash::hash_t ReduceAvgWRmDeviceOperation::compute_program_hash(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    // Everything the factory bakes into the program (compile-time args, CB sizes) must be in the hash.
    return tt::tt_metal::operation::hash_operation<ReduceAvgWRmDeviceOperation>(
        operation_attributes,
        tensor_args.input.dtype(),
        tensor_args.input.memory_config(),
        tensor_args.input.padded_shape());
}

ReduceAvgWRmDeviceOperation::tensor_return_value_t ReduceAvgWRmDeviceOperation::create_output_tensors(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    return create_device_tensor(compute_output_specs(operation_attributes, tensor_args), tensor_args.input.device());
}

}  // namespace ttnn::operations::reduction::reduce_avg_w_rm

namespace ttnn::prim {

ttnn::operations::reduction::reduce_avg_w_rm::ReduceAvgWRmDeviceOperation::tensor_return_value_t reduce_avg_w_rm(
    const Tensor& input,
    std::optional<ttnn::DeviceComputeKernelConfig> compute_kernel_config,
    const tt::tt_metal::MemoryConfig& output_mem_config) {
    using OperationType = ttnn::operations::reduction::reduce_avg_w_rm::ReduceAvgWRmDeviceOperation;
    return ttnn::device_operation::launch<OperationType>(
        OperationType::operation_attributes_t{
            .compute_kernel_config = compute_kernel_config, .output_mem_config = output_mem_config},
        OperationType::tensor_args_t{.input = input});
}

}  // namespace ttnn::prim
