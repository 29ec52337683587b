// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn-nanobind/nanobind_fwd.hpp"

namespace ttnn::operations::row_centralize {

// Called from the category's nanobind module (or ttnn-nanobind/__init__.cpp): makes ttnn.row_centralize exist.
void bind_row_centralize_operation(nb::module_& mod);

}  // namespace ttnn::operations::row_centralize
