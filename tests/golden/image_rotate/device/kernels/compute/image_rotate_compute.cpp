// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 6 stub compute kernel for image_rotate: passthrough (1-to-1) from c_1 to c_5 per work
// unit (1 page(s) in, 1 out); the pages are forwarded without touching the data (they are not tiles).
// Pushes and pops balance per CB, so it cannot deadlock. Stage 7 replaces the body with the real math.

#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/common.h"

void kernel_main() {
    // Compile-time args (factory: compute_compile_time_args)
    constexpr uint32_t cb_input = get_compile_time_arg_val(0);            // c_1: passthrough input
    constexpr uint32_t cb_output = get_compile_time_arg_val(1);           // c_5: passthrough output
    constexpr uint32_t cb_scalar = get_compile_time_arg_val(2);           // c_3: one page popped once
    constexpr uint32_t in_pages_per_unit = get_compile_time_arg_val(3);   // pages popped per unit
    constexpr uint32_t out_pages_per_unit = get_compile_time_arg_val(4);  // pages pushed per unit
    // Runtime args (factory: SetRuntimeArgs per core; the unit count differs between core groups)
    const uint32_t num_units = get_arg_val<uint32_t>(0);  // units this core processes

    // c_3 cb_scalar: its one page arrives once (popped after the loop).
    cb_wait_front(cb_scalar, 1);

    for (uint32_t i = 0; i < num_units; ++i) {
        cb_wait_front(cb_input, in_pages_per_unit);
        cb_reserve_back(cb_output, out_pages_per_unit);
        cb_push_back(cb_output, out_pages_per_unit);
        cb_pop_front(cb_input, in_pages_per_unit);
    }
    cb_pop_front(cb_scalar, 1);
}
