// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "image_rotate_nanobind.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>

#include "image_rotate.hpp"
#include "ttnn-nanobind/bind_function.hpp"

namespace ttnn::operations::image_rotate {

void bind_image_rotate_operation(nb::module_& mod) {
    const auto* doc = R"doc(
        image_rotate: ROW_MAJOR output, same shape as the input.

        Args:
            input (ttnn.Tensor): rank 4, ROW_MAJOR layout, BFLOAT16/FLOAT32, on device.

        Keyword Args:
            angle (float): Rotation angle in degrees. Positive = counter-clockwise.
            center (Tuple[float, float], optional): Rotation center point (cx, cy) in pixel coordinates. Defaults to `None`.
            fill (float, optional): Fill value for areas outside the rotated image. Defaults to `0.0`.
            expand (bool, optional): If true, return error. Only false is supported (same output dimensions). Defaults to `False`.
            memory_config (ttnn.MemoryConfig, optional): memory configuration of the output. Defaults to the input's.

        Returns:
            ttnn.Tensor: the output tensor (ROW_MAJOR).
    )doc";

    // Argument order and defaults match ttnn::image_rotate in image_rotate.hpp (defaults as C++ values).
    ttnn::bind_function<"image_rotate">(
        mod,
        doc,
        ttnn::overload_t(
            &ttnn::image_rotate,
            nb::arg("input"),
            nb::kw_only(),
            nb::arg("angle"),
            nb::arg("center") = nb::none(),
            nb::arg("fill") = 0.0f,
            nb::arg("expand") = false,
            nb::arg("memory_config") = nb::none()));
}

}  // namespace ttnn::operations::image_rotate
