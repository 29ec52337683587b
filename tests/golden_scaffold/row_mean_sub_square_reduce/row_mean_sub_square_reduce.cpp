// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "row_mean_sub_square_reduce.hpp"

#include "device/row_mean_sub_square_reduce_device_operation.hpp"

namespace ttnn {

// Stage 3 (registration) is this call: the public op forwards to the ttnn::prim::row_mean_sub_square_reduce device
// operation, which validates, computes the output spec and runs the program factory.
Tensor row_mean_sub_square_reduce(
    const Tensor& input,
    std::optional<tt::tt_metal::DataType> output_dtype,
    const std::optional<MemoryConfig>& memory_config) {
    return ttnn::prim::row_mean_sub_square_reduce(input, output_dtype, memory_config.value_or(input.memory_config()));
}

}  // namespace ttnn
