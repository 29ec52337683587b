// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn/tensor/tensor.hpp"

namespace ttnn::operations::normalization::layer_norm_w_rm {

// Stage 2: what the program depends on besides the tensors (hashed into the program cache key).
struct LayerNormWRmParams {
    const float epsilon;
    const tt::tt_metal::MemoryConfig output_mem_config;
};

// The op's tensor arguments (references: the device operation never owns its inputs).
struct LayerNormWRmInputs {
    const Tensor& input;
    const Tensor& gamma;
    const Tensor& beta;
};

}  // namespace ttnn::operations::normalization::layer_norm_w_rm
