// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "image_rotate_program_factory.hpp"

namespace ttnn::operations::pool::image_rotate::program {

// Stage 3 stub: reaching this throw proves the op is registered and validated. Stage 5 replaces create() with the
// circular buffers and the work split, Stage 6 adds the kernels and override_runtime_arguments.
ImageRotateProgramFactory::cached_program_t ImageRotateProgramFactory::create(
    [[maybe_unused]] const ImageRotateParams& operation_attributes,
    [[maybe_unused]] const ImageRotateInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {
    TT_THROW("ImageRotateProgramFactory: program factory not yet implemented (Stages 5-6 fill in create())");
}

void ImageRotateProgramFactory::override_runtime_arguments(
    [[maybe_unused]] cached_program_t& cached_program,
    [[maybe_unused]] const ImageRotateParams& operation_attributes,
    [[maybe_unused]] const ImageRotateInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {}

}  // namespace ttnn::operations::pool::image_rotate::program
