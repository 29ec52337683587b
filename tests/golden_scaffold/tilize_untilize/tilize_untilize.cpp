// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "tilize_untilize.hpp"

#include "device/tilize_untilize_device_operation.hpp"

namespace ttnn {

// Stage 3 (registration) is this call: the public op forwards to the ttnn::prim::tilize_untilize device operation,
// which validates, computes the output spec and runs the program factory.
Tensor tilize_untilize(
    const Tensor& input,
    std::optional<tt::tt_metal::DataType> output_dtype,
    const std::optional<MemoryConfig>& memory_config) {
    return ttnn::prim::tilize_untilize(input, output_dtype, memory_config.value_or(input.memory_config()));
}

}  // namespace ttnn
