// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 6 stub compute kernel for reduce_avg_w_rm: passthrough (N-to-1) from c_0 to c_16 per work
// unit (Wt page(s) in, 1 out), copying tiles through DST.
// Pushes and pops balance per CB, so it cannot deadlock. Stage 7 replaces the body with the real math.
// Current compute init model (api/compute/tile_move_copy.h): compute_kernel_hw_startup(icb, ocb) once as the first
// compute call, then copy_init(icb) before copy_tile (the older combined inits are deprecated).
// DST handling: tile_regs_acquire/commit/wait/release around copy_tile + pack_tile, one tile at a time.

#include <cstdint>

#include "api/compute/cb_api.h"
#include "api/compute/common.h"
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack.h"
#include "api/compute/reg_api.h"
#include "api/compute/tile_move_copy.h"

void kernel_main() {
    // Compile-time args (factory: compute_compile_time_args)
    constexpr uint32_t cb_in = get_compile_time_arg_val(0);               // c_0: passthrough input
    constexpr uint32_t cb_out = get_compile_time_arg_val(1);              // c_16: passthrough output
    constexpr uint32_t cb_scaler = get_compile_time_arg_val(2);           // c_2: one page popped once
    constexpr uint32_t in_pages_per_unit = get_compile_time_arg_val(3);   // pages popped per unit
    constexpr uint32_t out_pages_per_unit = get_compile_time_arg_val(4);  // pages pushed per unit
    // Runtime args (factory: SetRuntimeArgs per core; the unit count differs between core groups)
    const uint32_t num_units = get_arg_val<uint32_t>(0);  // units this core processes

    compute_kernel_hw_startup(cb_in, cb_out);  // one-time unpack/math/pack configuration

    // c_2 cb_scaler: its one page arrives once (popped after the loop).
    cb_wait_front(cb_scaler, 1);

    static_assert(
        out_pages_per_unit <= in_pages_per_unit, "the passthrough copies tile p of the input to tile p of the output");
    copy_init(cb_in);

    for (uint32_t i = 0; i < num_units; ++i) {
        cb_wait_front(cb_in, in_pages_per_unit);
        cb_reserve_back(cb_out, out_pages_per_unit);
        for (uint32_t p = 0; p < out_pages_per_unit; ++p) {
            tile_regs_acquire();
            copy_tile(cb_in, p, 0);  // input tile p -> DST[0]
            tile_regs_commit();
            tile_regs_wait();
            pack_tile(0, cb_out);  // DST[0] -> next output tile
            tile_regs_release();
        }
        cb_push_back(cb_out, out_pages_per_unit);
        cb_pop_front(cb_in, in_pages_per_unit);
    }
    cb_pop_front(cb_scaler, 1);
}
