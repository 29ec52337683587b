// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#pragma once

#include <vector>

#include "image_rotate_device_operation_types.hpp"
#include "ttnn/device_operation.hpp"

namespace ttnn::operations::pool::image_rotate::program {

// What create() hands to override_runtime_arguments(): the kernels and every core that has runtime args, so a
// cached program can be re-pointed at new buffers without being rebuilt.
struct ImageRotateSharedVariables {
    tt::tt_metal::KernelHandle reader_kernel_id = 0;
    tt::tt_metal::KernelHandle compute_kernel_id = 0;
    tt::tt_metal::KernelHandle writer_kernel_id = 0;
    tt::tt_metal::CoreRangeSet all_cores;
    std::vector<tt::tt_metal::CoreCoord> cores;  // in work-assignment order
    uint32_t num_cores = 0;
};

struct ImageRotateProgramFactory {
    using shared_variables_t = ImageRotateSharedVariables;
    using cached_program_t = ttnn::device_operation::CachedProgram<shared_variables_t>;

    static cached_program_t create(
        const ImageRotateParams& operation_attributes,
        const ImageRotateInputs& tensor_args,
        Tensor& tensor_return_value);

    static void override_runtime_arguments(
        cached_program_t& cached_program,
        const ImageRotateParams& operation_attributes,
        const ImageRotateInputs& tensor_args,
        Tensor& tensor_return_value);
};

}  // namespace ttnn::operations::pool::image_rotate::program
