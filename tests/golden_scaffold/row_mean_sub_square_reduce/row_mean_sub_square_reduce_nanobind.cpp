// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "row_mean_sub_square_reduce_nanobind.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>

#include "row_mean_sub_square_reduce.hpp"
#include "ttnn-nanobind/bind_function.hpp"

namespace ttnn::operations::row_mean_sub_square_reduce {

void bind_row_mean_sub_square_reduce_operation(nb::module_& mod) {
    const auto* doc = R"doc(
        row_mean_sub_square_reduce: ROW_MAJOR output, last dimension reduced to 1.

        Args:
            input (ttnn.Tensor): rank 4, ROW_MAJOR layout, BFLOAT16, on device.

        Keyword Args:
            output_dtype (ttnn.DataType, optional): Output data type. Defaults to `None`.
            memory_config (ttnn.MemoryConfig, optional): memory configuration of the output. Defaults to the input's.

        Returns:
            ttnn.Tensor: the output tensor (ROW_MAJOR).
    )doc";

    // Argument order and defaults match ttnn::row_mean_sub_square_reduce in row_mean_sub_square_reduce.hpp (defaults as
    // C++ values).
    ttnn::bind_function<"row_mean_sub_square_reduce">(
        mod,
        doc,
        ttnn::overload_t(
            &ttnn::row_mean_sub_square_reduce,
            nb::arg("input"),
            nb::kw_only(),
            nb::arg("output_dtype") = nb::none(),
            nb::arg("memory_config") = nb::none()));
}

}  // namespace ttnn::operations::row_mean_sub_square_reduce
