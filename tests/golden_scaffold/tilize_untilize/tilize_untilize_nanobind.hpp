// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn-nanobind/nanobind_fwd.hpp"

namespace ttnn::operations::tilize_untilize {

// Called from the category's nanobind module (or ttnn-nanobind/__init__.cpp): makes ttnn.tilize_untilize exist.
void bind_tilize_untilize_operation(nb::module_& mod);

}  // namespace ttnn::operations::tilize_untilize
