// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn-nanobind/nanobind_fwd.hpp"

namespace ttnn::operations::reduce_avg_w_rm {

// Called from the category's nanobind module (or ttnn-nanobind/__init__.cpp): makes ttnn.reduce_avg_w_rm exist.
void bind_reduce_avg_w_rm_operation(nb::module_& mod);

}  // namespace ttnn::operations::reduce_avg_w_rm
