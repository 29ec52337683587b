// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <array>
#include <optional>

#include "ttnn/tensor/tensor.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// Stage 1 (API exists): the public op, image_rotate: ROW_MAJOR output, same shape as the input.
// A free function (tt-metal's current form, bound with ttnn::bind_function). Defaults live
// here and are repeated as C++ values in image_rotate_nanobind.cpp.
Tensor image_rotate(
    const Tensor& input,
    float angle,
    std::optional<std::array<float, 2>> center = std::nullopt,
    float fill = 0.0f,
    bool expand = false,
    const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
