// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 6 stub reader for image_rotate: moves real input data into c_1 one work unit at a time, so the
// pipeline runs end to end without hanging. Stage 7 keeps this skeleton and adds what the op needs (e.g. filling
// the scaler tile). TensorAccessor + noc_async_read pattern as in the tilize / untilize dataflow kernels.

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    // Compile-time args (factory: reader_compile_time_args)
    constexpr uint32_t cb_input = get_compile_time_arg_val(0);           // c_1: passthrough input
    constexpr uint32_t cb_scalar = get_compile_time_arg_val(1);          // c_3: one page, once
    constexpr uint32_t in_pages_per_unit = get_compile_time_arg_val(2);  // pages pushed per unit
    constexpr uint32_t in_read_bytes = get_compile_time_arg_val(3);      // bytes read per row/page
    constexpr uint32_t src_page_size = get_compile_time_arg_val(4);      // input page size
    constexpr auto src_args = TensorAccessorArgs<5>();

    // Runtime args (factory: SetRuntimeArgs per core)
    const uint32_t src_addr = get_arg_val<uint32_t>(0);   // input buffer address
    const uint32_t num_units = get_arg_val<uint32_t>(1);  // units this core processes
    const uint32_t start_id = get_arg_val<uint32_t>(2);   // first unit of this core

    const auto src = TensorAccessor(src_args, src_addr, src_page_size);

    // c_3 cb_scalar: one page, pushed once before the main loop (its consumer pops it once).
    // Stage 7 fills it (see the spec's data flow); the stub pushes it unfilled.
    cb_reserve_back(cb_scalar, 1);
    cb_push_back(cb_scalar, 1);

    // Main loop: one work unit = 1 page(s) of c_1.
    for (uint32_t i = 0; i < num_units; ++i) {
        const uint32_t unit = start_id + i;
        cb_reserve_back(cb_input, in_pages_per_unit);
        const uint32_t l1_write_addr = get_write_ptr(cb_input);
        // Row-major tensor: a unit is one row (stick); its page id is the unit id.
        noc_async_read(src.get_noc_addr(unit), l1_write_addr, in_read_bytes);
        noc_async_read_barrier();
        cb_push_back(cb_input, in_pages_per_unit);
    }
}
