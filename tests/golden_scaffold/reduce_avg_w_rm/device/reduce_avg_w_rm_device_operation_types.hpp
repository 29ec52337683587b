// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <optional>

#include "ttnn/operations/core/compute_kernel/compute_kernel_config.hpp"
#include "ttnn/tensor/tensor.hpp"

namespace ttnn::operations::reduction::reduce_avg_w_rm {

// Stage 2: what the program depends on besides the tensors (hashed into the program cache key).
struct ReduceAvgWRmParams {
    const std::optional<ttnn::DeviceComputeKernelConfig> compute_kernel_config;
    const tt::tt_metal::MemoryConfig output_mem_config;
};

// The op's tensor arguments (references: the device operation never owns its inputs).
struct ReduceAvgWRmInputs {
    const Tensor& input;
};

}  // namespace ttnn::operations::reduction::reduce_avg_w_rm
