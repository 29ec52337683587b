// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "layer_norm_w_rm_program_factory.hpp"

namespace ttnn::operations::normalization::layer_norm_w_rm::program {

// Stage 3 stub: reaching this throw proves the op is registered and validated. Stage 5 replaces create() with the
// circular buffers and the work split, Stage 6 adds the kernels and override_runtime_arguments.
LayerNormWRmProgramFactory::cached_program_t LayerNormWRmProgramFactory::create(
    [[maybe_unused]] const LayerNormWRmParams& operation_attributes,
    [[maybe_unused]] const LayerNormWRmInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {
    TT_THROW("LayerNormWRmProgramFactory: program factory not yet implemented (Stages 5-6 fill in create())");
}

void LayerNormWRmProgramFactory::override_runtime_arguments(
    [[maybe_unused]] cached_program_t& cached_program,
    [[maybe_unused]] const LayerNormWRmParams& operation_attributes,
    [[maybe_unused]] const LayerNormWRmInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {}

}  // namespace ttnn::operations::normalization::layer_norm_w_rm::program
