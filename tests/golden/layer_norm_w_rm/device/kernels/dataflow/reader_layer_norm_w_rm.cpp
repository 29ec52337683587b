// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 6 stub reader for layer_norm_w_rm: moves real input data into c_0 one work unit at a time, so the
// pipeline runs end to end without hanging. Stage 7 keeps this skeleton and adds what the op needs (e.g. filling
// the scaler tile). TensorAccessor + noc_async_read pattern as in the tilize / untilize dataflow kernels.

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    // Compile-time args (factory: reader_compile_time_args)
    constexpr uint32_t cb_in_rm = get_compile_time_arg_val(0);                 // c_0: passthrough input
    constexpr uint32_t cb_scaler = get_compile_time_arg_val(1);                // c_2: one page, once
    constexpr uint32_t cb_epsilon = get_compile_time_arg_val(2);               // c_7: one page, once
    constexpr uint32_t cb_gamma_rm = get_compile_time_arg_val(3);              // c_10: one page, once
    constexpr uint32_t cb_beta_rm = get_compile_time_arg_val(4);               // c_12: one page, once
    constexpr uint32_t in_pages_per_unit = get_compile_time_arg_val(5);        // pages pushed per unit
    constexpr uint32_t in_l1_stride = get_compile_time_arg_val(6);             // L1 bytes between rows/pages
    constexpr uint32_t in_read_bytes = get_compile_time_arg_val(7);            // bytes read per row/page
    constexpr uint32_t src_page_size = get_compile_time_arg_val(8);            // input page size
    constexpr uint32_t rows_per_unit = get_compile_time_arg_val(9);            // rows per unit
    constexpr uint32_t units_per_batch = get_compile_time_arg_val(10);         // units per batch slice
    constexpr uint32_t rows_per_batch = get_compile_time_arg_val(11);          // rows per batch slice
    constexpr uint32_t cb_gamma_rm_read_bytes = get_compile_time_arg_val(12);  // bytes of gamma read
    constexpr uint32_t cb_beta_rm_read_bytes = get_compile_time_arg_val(13);   // bytes of beta read
    constexpr uint32_t gamma_page_size = get_compile_time_arg_val(14);         // gamma page size
    constexpr uint32_t beta_page_size = get_compile_time_arg_val(15);          // beta page size
    constexpr auto src_args = TensorAccessorArgs<16>();
    constexpr auto gamma_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    constexpr auto beta_args = TensorAccessorArgs<gamma_args.next_compile_time_args_offset()>();

    // Runtime args (factory: SetRuntimeArgs per core)
    const uint32_t src_addr = get_arg_val<uint32_t>(0);    // input buffer address
    const uint32_t gamma_addr = get_arg_val<uint32_t>(1);  // gamma buffer address
    const uint32_t beta_addr = get_arg_val<uint32_t>(2);   // beta buffer address
    const uint32_t num_units = get_arg_val<uint32_t>(3);   // units this core processes
    const uint32_t start_id = get_arg_val<uint32_t>(4);    // first unit of this core

    const auto src = TensorAccessor(src_args, src_addr, src_page_size);

    // c_2 cb_scaler: one page, pushed once before the main loop (its consumer pops it once).
    // Stage 7 fills it (generate_reduce_scaler with the packed bfloat16 scaler); the stub pushes it unfilled.
    cb_reserve_back(cb_scaler, 1);
    cb_push_back(cb_scaler, 1);

    // c_7 cb_epsilon: one page, pushed once before the main loop (its consumer pops it once).
    // Stage 7 fills it (see the spec's data flow); the stub pushes it unfilled.
    cb_reserve_back(cb_epsilon, 1);
    cb_push_back(cb_epsilon, 1);

    // c_10 cb_gamma_rm: one page, pushed once before the main loop (its consumer pops it once).
    {
        const auto gamma = TensorAccessor(gamma_args, gamma_addr, gamma_page_size);
        cb_reserve_back(cb_gamma_rm, 1);
        noc_async_read(gamma.get_noc_addr(0), get_write_ptr(cb_gamma_rm), cb_gamma_rm_read_bytes);
        noc_async_read_barrier();
        cb_push_back(cb_gamma_rm, 1);
    }

    // c_12 cb_beta_rm: one page, pushed once before the main loop (its consumer pops it once).
    {
        const auto beta = TensorAccessor(beta_args, beta_addr, beta_page_size);
        cb_reserve_back(cb_beta_rm, 1);
        noc_async_read(beta.get_noc_addr(0), get_write_ptr(cb_beta_rm), cb_beta_rm_read_bytes);
        noc_async_read_barrier();
        cb_push_back(cb_beta_rm, 1);
    }

    // Main loop: one work unit = Wt page(s) of c_0.
    for (uint32_t i = 0; i < num_units; ++i) {
        const uint32_t unit = start_id + i;
        cb_reserve_back(cb_in_rm, in_pages_per_unit);
        const uint32_t l1_write_addr = get_write_ptr(cb_in_rm);
        // Row-major tensor: the unit is rows_per_unit consecutive rows (sticks) of one batch slice; the last unit of
        // a slice may be partial (rows past the slice are not read).
        const uint32_t batch = unit / units_per_batch;
        const uint32_t first_row = (unit % units_per_batch) * rows_per_unit;
        for (uint32_t r = 0; r < rows_per_unit; ++r) {
            if (first_row + r < rows_per_batch) {
                const uint32_t row = batch * rows_per_batch + first_row + r;
                noc_async_read(src.get_noc_addr(row), l1_write_addr + r * in_l1_stride, in_read_bytes);
            }
        }
        noc_async_read_barrier();
        cb_push_back(cb_in_rm, in_pages_per_unit);
    }
}
