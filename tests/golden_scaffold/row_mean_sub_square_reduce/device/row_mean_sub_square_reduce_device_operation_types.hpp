// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <optional>

#include "ttnn/tensor/tensor.hpp"

namespace ttnn::operations::reduction::row_mean_sub_square_reduce {

// Stage 2: what the program depends on besides the tensors (hashed into the program cache key).
struct RowMeanSubSquareReduceParams {
    const std::optional<tt::tt_metal::DataType> output_dtype;
    const tt::tt_metal::MemoryConfig output_mem_config;
};

// The op's tensor arguments (references: the device operation never owns its inputs).
struct RowMeanSubSquareReduceInputs {
    const Tensor& input;
};

}  // namespace ttnn::operations::reduction::row_mean_sub_square_reduce
