// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "reduce_avg_w_rm.hpp"

#include "device/reduce_avg_w_rm_device_operation.hpp"

namespace ttnn {

// Stage 3 (registration) is this call: the public op forwards to the ttnn::prim::reduce_avg_w_rm device operation,
// which validates, computes the output spec and runs the program factory.
Tensor reduce_avg_w_rm(
    const Tensor& input,
    std::optional<ttnn::DeviceComputeKernelConfig> compute_kernel_config,
    const std::optional<MemoryConfig>& memory_config) {
    return ttnn::prim::reduce_avg_w_rm(input, compute_kernel_config, memory_config.value_or(input.memory_config()));
}

}  // namespace ttnn
