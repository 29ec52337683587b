// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

#include "tilize_untilize_program_factory.hpp"

namespace ttnn::operations::data_movement::tilize_untilize::program {

// Stage 3 stub: reaching this throw proves the op is registered and validated. Stage 5 replaces create() with the
// circular buffers and the work split, Stage 6 adds the kernels and override_runtime_arguments.
TilizeUntilizeProgramFactory::cached_program_t TilizeUntilizeProgramFactory::create(
    [[maybe_unused]] const TilizeUntilizeParams& operation_attributes,
    [[maybe_unused]] const TilizeUntilizeInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {
    TT_THROW("TilizeUntilizeProgramFactory: program factory not yet implemented (Stages 5-6 fill in create())");
}

void TilizeUntilizeProgramFactory::override_runtime_arguments(
    [[maybe_unused]] cached_program_t& cached_program,
    [[maybe_unused]] const TilizeUntilizeParams& operation_attributes,
    [[maybe_unused]] const TilizeUntilizeInputs& tensor_args,
    [[maybe_unused]] Tensor& tensor_return_value) {}

}  // namespace ttnn::operations::data_movement::tilize_untilize::program
