// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "standardize_w_rm_nanobind.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>

#include "standardize_w_rm.hpp"
#include "ttnn-nanobind/bind_function.hpp"

namespace ttnn::operations::standardize_w_rm {

void bind_standardize_w_rm_operation(nb::module_& mod) {
    const auto* doc = R"doc(
        standardize_w_rm: ROW_MAJOR output, same shape as the input.

        Args:
            input (ttnn.Tensor): rank >=2, ROW_MAJOR layout, BFLOAT16/FLOAT32, on device.

        Keyword Args:
            epsilon (float, optional): Small constant for numerical stability. Defaults to `1e-5`.
            memory_config (ttnn.MemoryConfig, optional): memory configuration of the output. Defaults to the input's.

        Returns:
            ttnn.Tensor: the output tensor (ROW_MAJOR).
    )doc";

    // Argument order and defaults match ttnn::standardize_w_rm in standardize_w_rm.hpp (defaults as C++ values).
    ttnn::bind_function<"standardize_w_rm">(
        mod,
        doc,
        ttnn::overload_t(
            &ttnn::standardize_w_rm,
            nb::arg("input"),
            nb::kw_only(),
            nb::arg("epsilon") = 1e-5f,
            nb::arg("memory_config") = nb::none()));
}

}  // namespace ttnn::operations::standardize_w_rm
