// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 4 (device operation): validation, program-factory selection, output spec, program hash and the
// ttnn::prim::layer_norm_w_rm entry point. Form modelled on scaffolded ops such as
// ttnn/cpp/ttnn/operations/reduction/variance_w_rm/device/variance_w_rm_device_operation.cpp.

#include "layer_norm_w_rm_device_operation.hpp"

#include <tt-metalium/constants.hpp>

#include "ttnn/tensor/tensor_spec.hpp"
#include "ttnn/tensor/types.hpp"

namespace ttnn::operations::normalization::layer_norm_w_rm {

using namespace tt;
using namespace tt::tt_metal;

LayerNormWRmDeviceOperation::program_factory_t LayerNormWRmDeviceOperation::select_program_factory(
    [[maybe_unused]] const operation_attributes_t& operation_attributes,
    [[maybe_unused]] const tensor_args_t& tensor_args) {
    // One factory: ROW_MAJOR input, work split on a single core.
    return program::LayerNormWRmProgramFactory{};
}

void LayerNormWRmDeviceOperation::validate_on_program_cache_hit(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    validate_on_program_cache_miss(operation_attributes, tensor_args);
}

void LayerNormWRmDeviceOperation::validate_on_program_cache_miss(
    [[maybe_unused]] const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;
    const auto& gamma = tensor_args.gamma;
    const auto& beta = tensor_args.beta;

    // input_tensor (primary input: the work split and the first input CB follow it)
    // spec: Device: Must be on device
    TT_FATAL(input.storage_type() == StorageType::DEVICE, "input tensor must be on device");
    TT_FATAL(input.buffer() != nullptr, "input_tensor must be allocated in buffers on device");
    // spec: Rank: Must be at least 2D
    TT_FATAL(input.logical_shape().rank() >= 2, "input tensor must have at least 2 dimensions");
    // spec: Layout: ROW_MAJOR
    TT_FATAL(input.layout() == Layout::ROW_MAJOR, "input tensor must be in ROW_MAJOR layout");
    // spec: Memory: INTERLEAVED
    TT_FATAL(
        input.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED, "input tensor must be interleaved");
    // spec: Dtype: BFLOAT16 or FLOAT32
    TT_FATAL(
        input.dtype() == DataType::BFLOAT16 || input.dtype() == DataType::FLOAT32,
        "unsupported dtype: only BFLOAT16 and FLOAT32 are supported");

    // gamma
    TT_FATAL(gamma.storage_type() == StorageType::DEVICE, "gamma must be on device");
    TT_FATAL(gamma.buffer() != nullptr, "gamma must be allocated in buffers on device");
    // spec: Shape: [1, ..., 1, W] matching input width
    TT_FATAL(gamma.logical_shape()[-1] == input.logical_shape()[-1], "gamma shape must match input width");
    // spec: Layout: ROW_MAJOR
    TT_FATAL(gamma.layout() == Layout::ROW_MAJOR, "gamma must be in ROW_MAJOR layout");
    // spec: Memory: INTERLEAVED in DRAM
    TT_FATAL(
        gamma.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED &&
            gamma.memory_config().buffer_type() == BufferType::DRAM,
        "gamma must be interleaved in DRAM");
    // spec: Device: Same device as input
    TT_FATAL(gamma.device() == input.device(), "gamma must be on same device as input");
    // spec: Dtype: Same as input
    TT_FATAL(gamma.dtype() == input.dtype(), "gamma dtype must match input dtype");

    // beta
    TT_FATAL(beta.storage_type() == StorageType::DEVICE, "beta must be on device");
    TT_FATAL(beta.buffer() != nullptr, "beta must be allocated in buffers on device");
    // spec: Shape: [1, ..., 1, W] matching input width
    TT_FATAL(beta.logical_shape()[-1] == input.logical_shape()[-1], "beta shape must match input width");
    // spec: Layout: ROW_MAJOR
    TT_FATAL(beta.layout() == Layout::ROW_MAJOR, "beta must be in ROW_MAJOR layout");
    // spec: Memory: INTERLEAVED in DRAM
    TT_FATAL(
        beta.memory_config().memory_layout() == TensorMemoryLayout::INTERLEAVED &&
            beta.memory_config().buffer_type() == BufferType::DRAM,
        "beta must be interleaved in DRAM");
    // spec: Device: Same device as input
    TT_FATAL(beta.device() == input.device(), "beta must be on same device as input");
    // spec: Dtype: Same as input
    TT_FATAL(beta.dtype() == input.dtype(), "beta dtype must match input dtype");

    // parameters
    // spec: epsilon: > 0
    TT_FATAL(operation_attributes.epsilon > 0.0f, "epsilon must be > 0");
}

LayerNormWRmDeviceOperation::spec_return_value_t LayerNormWRmDeviceOperation::compute_output_specs(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    const auto& input = tensor_args.input;
    // Output shape: same as the input (spec: Same as input: [..., H, W] [..., ceil(H/32)*32, ceil(W/32)*32]).
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

tt::stl::hash::hash_t LayerNormWRmDeviceOperation::compute_program_hash(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    // Everything the factory bakes into the program (compile-time args, CB sizes) must be in the hash.
    return tt::tt_metal::operation::hash_operation<LayerNormWRmDeviceOperation>(
        operation_attributes,
        tensor_args.input.dtype(),
        tensor_args.input.memory_config(),
        tensor_args.input.padded_shape(),
        tensor_args.gamma.dtype(),
        tensor_args.gamma.memory_config(),
        tensor_args.gamma.padded_shape(),
        tensor_args.beta.dtype(),
        tensor_args.beta.memory_config(),
        tensor_args.beta.padded_shape());
}

LayerNormWRmDeviceOperation::tensor_return_value_t LayerNormWRmDeviceOperation::create_output_tensors(
    const operation_attributes_t& operation_attributes, const tensor_args_t& tensor_args) {
    return create_device_tensor(compute_output_specs(operation_attributes, tensor_args), tensor_args.input.device());
}

}  // namespace ttnn::operations::normalization::layer_norm_w_rm

namespace ttnn::prim {

ttnn::operations::normalization::layer_norm_w_rm::LayerNormWRmDeviceOperation::tensor_return_value_t layer_norm_w_rm(
    const Tensor& input,
    const Tensor& gamma,
    const Tensor& beta,
    float epsilon,
    const tt::tt_metal::MemoryConfig& output_mem_config) {
    using OperationType = ttnn::operations::normalization::layer_norm_w_rm::LayerNormWRmDeviceOperation;
    return ttnn::device_operation::launch<OperationType>(
        OperationType::operation_attributes_t{.epsilon = epsilon, .output_mem_config = output_mem_config},
        OperationType::tensor_args_t{.input = input, .gamma = gamma, .beta = beta});
}

}  // namespace ttnn::prim
