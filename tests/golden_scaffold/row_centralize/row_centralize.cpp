// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "row_centralize.hpp"

#include "device/row_centralize_device_operation.hpp"

namespace ttnn {

// Stage 3 (registration) is this call: the public op forwards to the ttnn::prim::row_centralize device operation,
// which validates, computes the output spec and runs the program factory.
Tensor row_centralize(const Tensor& input, float epsilon, const std::optional<MemoryConfig>& memory_config) {
    return ttnn::prim::row_centralize(input, epsilon, memory_config.value_or(input.memory_config()));
}

}  // namespace ttnn
