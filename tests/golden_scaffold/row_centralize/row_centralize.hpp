// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn/tensor/tensor.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// Stage 1 (API exists): the public op, row_centralize: ROW_MAJOR output, same shape as the input.
// A free function (tt-metal's current form, bound with ttnn::bind_function). Defaults live
// here and are repeated as C++ values in row_centralize_nanobind.cpp.
Tensor row_centralize(
    const Tensor& input, float epsilon = 1e-5f, const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
