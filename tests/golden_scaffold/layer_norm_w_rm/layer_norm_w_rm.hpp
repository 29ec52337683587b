// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn/tensor/tensor.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// Stage 1 (API exists): the public op, layer_norm_w_rm: ROW_MAJOR output, same shape as the input.
// A free function (tt-metal's current form, bound with ttnn::bind_function). Defaults live
// here and are repeated as C++ values in layer_norm_w_rm_nanobind.cpp.
Tensor layer_norm_w_rm(
    const Tensor& input,
    const Tensor& gamma,
    const Tensor& beta,
    float epsilon = 1e-5f,
    const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
