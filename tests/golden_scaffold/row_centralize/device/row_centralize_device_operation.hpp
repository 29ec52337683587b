// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <variant>

#include "row_centralize_device_operation_types.hpp"
#include "row_centralize_program_factory.hpp"
#include "ttnn/decorators.hpp"
#include "ttnn/device_operation.hpp"
#include "ttnn/tensor/tensor.hpp"

namespace ttnn::operations::normalization::row_centralize {

// Stage 2 (validation): the device operation. Only static functions: the launch machinery calls them with the
// attributes and tensor arguments; nothing is stored in the struct.
struct RowCentralizeDeviceOperation {
    using operation_attributes_t = RowCentralizeParams;
    using tensor_args_t = RowCentralizeInputs;
    using spec_return_value_t = TensorSpec;
    using tensor_return_value_t = Tensor;
    using program_factory_t = std::variant<program::RowCentralizeProgramFactory>;

    static program_factory_t select_program_factory(const operation_attributes_t&, const tensor_args_t&);
    static void validate_on_program_cache_hit(const operation_attributes_t&, const tensor_args_t&);
    static void validate_on_program_cache_miss(const operation_attributes_t&, const tensor_args_t&);
    static spec_return_value_t compute_output_specs(const operation_attributes_t&, const tensor_args_t&);
    static tensor_return_value_t create_output_tensors(const operation_attributes_t&, const tensor_args_t&);
    static tt::stl::hash::hash_t compute_program_hash(const operation_attributes_t&, const tensor_args_t&);
};

}  // namespace ttnn::operations::normalization::row_centralize

namespace ttnn::prim {

// The primitive: a free function that launches the device operation (ttnn::device_operation::launch).
ttnn::operations::normalization::row_centralize::RowCentralizeDeviceOperation::tensor_return_value_t row_centralize(
    const Tensor& input, float epsilon, const tt::tt_metal::MemoryConfig& output_mem_config);

}  // namespace ttnn::prim
