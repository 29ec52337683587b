// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "layer_norm_w_rm_nanobind.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>

#include "layer_norm_w_rm.hpp"
#include "ttnn-nanobind/bind_function.hpp"

namespace ttnn::operations::layer_norm_w_rm {

void bind_layer_norm_w_rm_operation(nb::module_& mod) {
    const auto* doc = R"doc(
        layer_norm_w_rm: ROW_MAJOR output, same shape as the input.

        Args:
            input (ttnn.Tensor): rank >=2, ROW_MAJOR layout, BFLOAT16/FLOAT32, on device.
            gamma (ttnn.Tensor): ROW_MAJOR layout, on device.
            beta (ttnn.Tensor): ROW_MAJOR layout, on device.

        Keyword Args:
            epsilon (float, optional): Numerical stability constant. Defaults to `1e-5`.
            memory_config (ttnn.MemoryConfig, optional): memory configuration of the output. Defaults to the input's.

        Returns:
            ttnn.Tensor: the output tensor (ROW_MAJOR).
    )doc";

    // Argument order and defaults match ttnn::layer_norm_w_rm in layer_norm_w_rm.hpp (defaults as C++ values).
    ttnn::bind_function<"layer_norm_w_rm">(
        mod,
        doc,
        ttnn::overload_t(
            &ttnn::layer_norm_w_rm,
            nb::arg("input"),
            nb::arg("gamma"),
            nb::arg("beta"),
            nb::kw_only(),
            nb::arg("epsilon") = 1e-5f,
            nb::arg("memory_config") = nb::none()));
}

}  // namespace ttnn::operations::layer_norm_w_rm
