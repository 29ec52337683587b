// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 6 stub reader for tilize_untilize: moves real input data into c_0 one work unit at a time, so the
// pipeline runs end to end without hanging. Stage 7 keeps this skeleton and adds what the op needs (e.g. filling
// the scaler tile). TensorAccessor + noc_async_read pattern as in the tilize / untilize dataflow kernels.

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    // Compile-time args (factory: reader_compile_time_args)
    constexpr uint32_t cb_in = get_compile_time_arg_val(0);              // c_0: passthrough input
    constexpr uint32_t in_pages_per_unit = get_compile_time_arg_val(1);  // pages pushed per unit
    constexpr uint32_t in_l1_stride = get_compile_time_arg_val(2);       // L1 bytes between rows/pages
    constexpr uint32_t in_read_bytes = get_compile_time_arg_val(3);      // bytes read per row/page
    constexpr uint32_t src_page_size = get_compile_time_arg_val(4);      // input page size
    constexpr uint32_t rows_per_unit = get_compile_time_arg_val(5);      // rows per unit
    constexpr uint32_t units_per_batch = get_compile_time_arg_val(6);    // units per batch slice
    constexpr uint32_t rows_per_batch = get_compile_time_arg_val(7);     // rows per batch slice
    constexpr auto src_args = TensorAccessorArgs<8>();

    // Runtime args (factory: SetRuntimeArgs per core)
    const uint32_t src_addr = get_arg_val<uint32_t>(0);   // input buffer address
    const uint32_t num_units = get_arg_val<uint32_t>(1);  // units this core processes
    const uint32_t start_id = get_arg_val<uint32_t>(2);   // first unit of this core

    const auto src = TensorAccessor(src_args, src_addr, src_page_size);

    // Main loop: one work unit = Wt page(s) of c_0.
    for (uint32_t i = 0; i < num_units; ++i) {
        const uint32_t unit = start_id + i;
        cb_reserve_back(cb_in, in_pages_per_unit);
        const uint32_t l1_write_addr = get_write_ptr(cb_in);
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
        cb_push_back(cb_in, in_pages_per_unit);
    }
}
