// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "row_centralize_nanobind.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>

#include "row_centralize.hpp"
#include "ttnn-nanobind/bind_function.hpp"

namespace ttnn::operations::row_centralize {

void bind_row_centralize_operation(nb::module_& mod) {
    const auto* doc = R"doc(
        row_centralize: ROW_MAJOR output, same shape as the input.

        Args:
            input (ttnn.Tensor): rank >=2, ROW_MAJOR layout, BFLOAT16, on device.

        Keyword Args:
            epsilon (float, optional): Small constant for numerical stability in rsqrt. Defaults to `1e-5`.
            memory_config (ttnn.MemoryConfig, optional): memory configuration of the output. Defaults to the input's.

        Returns:
            ttnn.Tensor: the output tensor (ROW_MAJOR).
    )doc";

    // Argument order and defaults match ttnn::row_centralize in row_centralize.hpp (defaults as C++ values).
    ttnn::bind_function<"row_centralize">(
        mod,
        doc,
        ttnn::overload_t(
            &ttnn::row_centralize,
            nb::arg("input"),
            nb::kw_only(),
            nb::arg("epsilon") = 1e-5f,
            nb::arg("memory_config") = nb::none()));
}

}  // namespace ttnn::operations::row_centralize
