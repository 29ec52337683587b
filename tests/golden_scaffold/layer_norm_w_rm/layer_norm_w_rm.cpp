// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "layer_norm_w_rm.hpp"

#include "device/layer_norm_w_rm_device_operation.hpp"

namespace ttnn {

// Stage 3 (registration) is this call: the public op forwards to the ttnn::prim::layer_norm_w_rm device operation,
// which validates, computes the output spec and runs the program factory.
Tensor layer_norm_w_rm(
    const Tensor& input,
    const Tensor& gamma,
    const Tensor& beta,
    float epsilon,
    const std::optional<MemoryConfig>& memory_config) {
    return ttnn::prim::layer_norm_w_rm(input, gamma, beta, epsilon, memory_config.value_or(input.memory_config()));
}

}  // namespace ttnn
