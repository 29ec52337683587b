// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <array>
#include <optional>

#include "ttnn/tensor/tensor.hpp"

namespace ttnn::operations::pool::image_rotate {

// Stage 2: what the program depends on besides the tensors (hashed into the program cache key).
struct ImageRotateParams {
    const float angle;
    const std::optional<std::array<float, 2>> center;
    const float fill;
    const bool expand;
    const tt::tt_metal::MemoryConfig output_mem_config;
};

// The op's tensor arguments (references: the device operation never owns its inputs).
struct ImageRotateInputs {
    const Tensor& input;
};

}  // namespace ttnn::operations::pool::image_rotate
