// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn-nanobind/nanobind_fwd.hpp"

namespace ttnn::operations::row_mean_sub_square_reduce {

// Called from the category's nanobind module (or ttnn-nanobind/__init__.cpp): makes ttnn.row_mean_sub_square_reduce
// exist.
void bind_row_mean_sub_square_reduce_operation(nb::module_& mod);

}  // namespace ttnn::operations::row_mean_sub_square_reduce
