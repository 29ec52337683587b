// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <optional>

#include "ttnn/tensor/tensor.hpp"
#include "ttnn/types.hpp"

namespace ttnn {

// Stage 1 (API exists): the public op, row_mean_sub_square_reduce: ROW_MAJOR output, last dimension reduced to 1.
// A free function (tt-metal's current form, bound with ttnn::bind_function). Defaults live
// here and are repeated as C++ values in row_mean_sub_square_reduce_nanobind.cpp.
Tensor row_mean_sub_square_reduce(
    const Tensor& input,
    std::optional<tt::tt_metal::DataType> output_dtype = std::nullopt,
    const std::optional<MemoryConfig>& memory_config = std::nullopt);

}  // namespace ttnn
