// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "image_rotate.hpp"

#include "device/image_rotate_device_operation.hpp"

namespace ttnn {

// Stage 3 (registration) is this call: the public op forwards to the ttnn::prim::image_rotate device operation,
// which validates, computes the output spec and runs the program factory.
Tensor image_rotate(
    const Tensor& input,
    float angle,
    std::optional<std::array<float, 2>> center,
    float fill,
    bool expand,
    const std::optional<MemoryConfig>& memory_config) {
    return ttnn::prim::image_rotate(input, angle, center, fill, expand, memory_config.value_or(input.memory_config()));
}

}  // namespace ttnn
