// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <optional>

#include "ttnn/operations/core/compute_kernel/compute_kernel_config.hpp"
#include "ttnn/tensor/tensor.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// Stage 1 (API exists): the public op, reduce_avg_w_rm: ROW_MAJOR output, last dimension reduced to 1.
// A free function (tt-metal's current form, bound with ttnn::bind_function). Defaults live
// here and are repeated as C++ values in reduce_avg_w_rm_nanobind.cpp.
Tensor reduce_avg_w_rm(
    const Tensor& input,
    std::optional<ttnn::DeviceComputeKernelConfig> compute_kernel_config = std::nullopt,
    const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
