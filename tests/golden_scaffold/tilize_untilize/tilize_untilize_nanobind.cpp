// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "tilize_untilize_nanobind.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>

#include "tilize_untilize.hpp"
#include "ttnn-nanobind/bind_function.hpp"

namespace ttnn::operations::tilize_untilize {

void bind_tilize_untilize_operation(nb::module_& mod) {
    const auto* doc = R"doc(
        tilize_untilize: ROW_MAJOR output, same shape as the input.

        Args:
            input (ttnn.Tensor): rank 4, ROW_MAJOR layout, BFLOAT16/FLOAT32, on device.

        Keyword Args:
            output_dtype (ttnn.DataType, optional): Output data type. Defaults to `None`.
            memory_config (ttnn.MemoryConfig, optional): memory configuration of the output. Defaults to the input's.

        Returns:
            ttnn.Tensor: the output tensor (ROW_MAJOR).
    )doc";

    // Argument order and defaults match ttnn::tilize_untilize in tilize_untilize.hpp (defaults as C++ values).
    ttnn::bind_function<"tilize_untilize">(
        mod,
        doc,
        ttnn::overload_t(
            &ttnn::tilize_untilize,
            nb::arg("input"),
            nb::kw_only(),
            nb::arg("output_dtype") = nb::none(),
            nb::arg("memory_config") = nb::none()));
}

}  // namespace ttnn::operations::tilize_untilize
