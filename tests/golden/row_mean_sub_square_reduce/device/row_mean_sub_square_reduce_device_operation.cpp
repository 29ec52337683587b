// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 4 (device operation): validation, program-factory selection, output spec, program hash and the
// ttnn::prim::row_mean_sub_square_reduce entry point. Form modelled on scaffolded ops such as
// ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_device_operation.cpp.

#include "row_mean_sub_square_reduce_device_operation.hpp"

#include <tt-metalium/constants.hpp>

#include "ttnn/tensor/tensor_spec.hpp"
#include "ttnn/tensor/types.hpp"

namespace ttnn::operations::reduction::row_mean_sub_square_reduce {

using namespace tt;
using namespace tt::tt_metal;

RowMeanSubSquareReduceDeviceOperation::program_factory_t RowMeanSubSquareReduceDeviceOperation::select_program_factory(
    [[maybe_unused]] const operation_attributes_t& operation_attributes,
    [[maybe_unused]] const tensor_args_t& tensor_args) {
    // One factory: ROW_MAJOR input, work split across the grid with split_work_to_cores.
    return program::RowMeanSubSquareReduceProgramFactory{};
}

void RowMeanSubSquareReduceDeviceOperation::validate_on_program_cache_hit(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    validate_on_program_cache_miss(operation_attributes, tensor_args);
}

void RowMeanSubSquareReduceDeviceOperation::validate_on_program_cache_miss(
    [[maybe_unused]] const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;

    // input_tensor (primary input: the work split and the first input CB follow it)
    // spec: Device: Must be on device
    TT_FATAL(input.storage_type() == StorageType::DEVICE, "Input tensor must be on device");
    TT_FATAL(input.buffer() != nullptr, "input_tensor must be allocated in buffers on device");
    // spec: Rank: Must be 4D [N, C, H, W]
    TT_FATAL(input.logical_shape().rank() == 4, "Input tensor must be 4D");
    // spec: Layout: ROW_MAJOR
    TT_FATAL(input.layout() == Layout::ROW_MAJOR, "Input must be in ROW_MAJOR layout");
    // spec: Dtype: BFLOAT16
    TT_FATAL(input.dtype() == DataType::BFLOAT16, "Input dtype must be BFLOAT16");
    // spec: Memory: INTERLEAVED on DRAM
    TT_FATAL(
        input.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED &&
            input.memory_config().buffer_type() == BufferType::DRAM,
        "Input must be DRAM interleaved");
    // spec: Width: W >= 1
    TT_FATAL(input.logical_shape()[-1] > 0, "Width must be at least 1");

    // Requirements in the spec with no generated check (add them by hand if they must raise):
    //   input_tensor: Alignment: W must be divisible by TILE_WIDTH (32) or will be padded
}

RowMeanSubSquareReduceDeviceOperation::spec_return_value_t RowMeanSubSquareReduceDeviceOperation::compute_output_specs(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;
    // Output shape: last dim 1 (logical), padded to one tile column (32).
    // Spec: [N, C, H, TILE_WIDTH] where TILE_WIDTH = 32
    ttnn::SmallVector<uint32_t> dims(input.logical_shape().cbegin(), input.logical_shape().cend());
    dims.back() = 1;
    const ttnn::Shape output_shape(dims);
    ttnn::SmallVector<uint32_t> padded_dims(input.padded_shape().cbegin(), input.padded_shape().cend());
    padded_dims.back() = tt::constants::TILE_WIDTH;
    const ttnn::Shape output_padded(padded_dims);
    return TensorSpec(
        output_shape,
        TensorLayout::fromPaddedShape(
            operation_attributes.output_dtype.value_or(input.dtype()),
            PageConfig(Layout::ROW_MAJOR),
            operation_attributes.output_mem_config,
            output_shape,
            output_padded));
}

tt::stl::hash::hash_t RowMeanSubSquareReduceDeviceOperation::compute_program_hash(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    // Everything the factory bakes into the program (compile-time args, CB sizes) must be in the hash.
    return tt::tt_metal::operation::hash_operation<RowMeanSubSquareReduceDeviceOperation>(
        operation_attributes,
        tensor_args.input.dtype(),
        tensor_args.input.memory_config(),
        tensor_args.input.padded_shape());
}

RowMeanSubSquareReduceDeviceOperation::tensor_return_value_t
RowMeanSubSquareReduceDeviceOperation::create_output_tensors(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    return create_device_tensor(compute_output_specs(operation_attributes, tensor_args), tensor_args.input.device());
}

}  // namespace ttnn::operations::reduction::row_mean_sub_square_reduce

namespace ttnn::prim {

ttnn::operations::reduction::row_mean_sub_square_reduce::RowMeanSubSquareReduceDeviceOperation::tensor_return_value_t
row_mean_sub_square_reduce(
    const Tensor& input,
    std::optional<tt::tt_metal::DataType> output_dtype,
    const tt::tt_metal::MemoryConfig& output_mem_config) {
    using OperationType =
        ttnn::operations::reduction::row_mean_sub_square_reduce::RowMeanSubSquareReduceDeviceOperation;
    return ttnn::device_operation::launch<OperationType>(
        OperationType::operation_attributes_t{.output_dtype = output_dtype, .output_mem_config = output_mem_config},
        OperationType::tensor_args_t{.input = input});
}

}  // namespace ttnn::prim
