// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "row_mean_sub_square_reduce_program_factory.hpp"

namespace ttnn::operations::reduction::row_mean_sub_square_reduce::program {

// Stage 3 stub: reaching this throw proves the op is registered and validated. Stage 5 replaces create() with the
// circular buffers and the work split, Stage 6 adds the kernels and override_runtime_arguments.
RowMeanSubSquareReduceProgramFactory::cached_program_t RowMeanSubSquareReduceProgramFactory::create(
    [[maybe_unused]] const RowMeanSubSquareReduceParams& operation_attributes,
    [[maybe_unused]] const RowMeanSubSquareReduceInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {
    TT_THROW("RowMeanSubSquareReduceProgramFactory: program factory not yet implemented (Stages 5-6 fill in create())");
}

void RowMeanSubSquareReduceProgramFactory::override_runtime_arguments(
    [[maybe_unused]] cached_program_t& cached_program,
    [[maybe_unused]] const RowMeanSubSquareReduceParams& operation_attributes,
    [[maybe_unused]] const RowMeanSubSquareReduceInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {}

}  // namespace ttnn::operations::reduction::row_mean_sub_square_reduce::program
