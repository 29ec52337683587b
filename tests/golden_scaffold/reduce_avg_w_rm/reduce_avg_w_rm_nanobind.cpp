// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "reduce_avg_w_rm_nanobind.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>

#include "reduce_avg_w_rm.hpp"
#include "ttnn-nanobind/bind_function.hpp"

namespace ttnn::operations::reduce_avg_w_rm {

void bind_reduce_avg_w_rm_operation(nb::module_& mod) {
    const auto* doc = R"doc(
        reduce_avg_w_rm: ROW_MAJOR output, last dimension reduced to 1.

        Args:
            input (ttnn.Tensor): rank 4, ROW_MAJOR layout, BFLOAT16, on device.

        Keyword Args:
            compute_kernel_config (ttnn.DeviceComputeKernelConfig, optional): Compute kernel configuration. Defaults to `None`.
            memory_config (ttnn.MemoryConfig, optional): memory configuration of the output. Defaults to the input's.

        Returns:
            ttnn.Tensor: the output tensor (ROW_MAJOR).
    )doc";

    // Argument order and defaults match ttnn::reduce_avg_w_rm in reduce_avg_w_rm.hpp (defaults as C++ values).
    ttnn::bind_function<"reduce_avg_w_rm">(
        mod,
        doc,
        ttnn::overload_t(
            &ttnn::reduce_avg_w_rm,
            nb::arg("input"),
            nb::kw_only(),
            nb::arg("compute_kernel_config") = nb::none(),
            nb::arg("memory_config") = nb::none()));
}

}  // namespace ttnn::operations::reduce_avg_w_rm
