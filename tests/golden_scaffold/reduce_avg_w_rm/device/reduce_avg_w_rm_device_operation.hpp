// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <variant>

#include "reduce_avg_w_rm_device_operation_types.hpp"
#include "reduce_avg_w_rm_program_factory.hpp"
#include "ttnn/decorators.hpp"
#include "ttnn/device_operation.hpp"
#include "ttnn/tensor/tensor.hpp"

namespace ttnn::operations::reduction::reduce_avg_w_rm {

// Stage 2 (validation): the device operation. Only static functions: the launch machinery calls them with the
// attributes and tensor arguments; nothing is stored in the struct.
struct ReduceAvgWRmDeviceOperation {
    using operation_attributes_t = ReduceAvgWRmParams;
    using tensor_args_t = ReduceAvgWRmInputs;
    using spec_return_value_t = TensorSpec;
    using tensor_return_value_t = Tensor;
    using program_factory_t = std::variant<program::ReduceAvgWRmProgramFactory>;

    static program_factory_t select_program_factory(const operation_attributes_t&, const tensor_args_t&);
    static void validate_on_program_cache_hit(const operation_attributes_t&, const tensor_args_t&);
    static void validate_on_program_cache_miss(const operation_attributes_t&, const tensor_args_t&);
    static spec_return_value_t compute_output_specs(const operation_attributes_t&, const tensor_args_t&);
    static tensor_return_value_t create_output_tensors(const operation_attributes_t&, const tensor_args_t&);
    static tt::stl::hash::hash_t compute_program_hash(const operation_attributes_t&, const tensor_args_t&);
};

}  // namespace ttnn::operations::reduction::reduce_avg_w_rm

namespace ttnn::prim {

// The primitive: a free function that launches the device operation (ttnn::device_operation::launch).
ttnn::operations::reduction::reduce_avg_w_rm::ReduceAvgWRmDeviceOperation::tensor_return_value_t reduce_avg_w_rm(
    const Tensor& input,
    std::optional<ttnn::DeviceComputeKernelConfig> compute_kernel_config,
    const tt::tt_metal::MemoryConfig& output_mem_config);

}  // namespace ttnn::prim
