// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include "ttnn-nanobind/nanobind_fwd.hpp"

namespace ttnn::operations::image_rotate {

// Called from the category's nanobind module (or ttnn-nanobind/__init__.cpp): makes ttnn.image_rotate exist.
void bind_image_rotate_operation(nb::module_& mod);

}  // namespace ttnn::operations::image_rotate
