// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 6 stub writer for tilize_untilize: drains c_16 one work unit at a time into the output tensor.
// Stage 7 usually keeps it as is. TensorAccessor + noc_async_write pattern as in the untilize dataflow kernels.

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    // Compile-time args (factory: writer_compile_time_args)
    constexpr uint32_t cb_out = get_compile_time_arg_val(0);              // c_16: passthrough output
    constexpr uint32_t out_pages_per_unit = get_compile_time_arg_val(1);  // pages popped per unit
    constexpr uint32_t out_l1_stride = get_compile_time_arg_val(2);       // L1 bytes between rows/pages
    constexpr uint32_t out_write_bytes = get_compile_time_arg_val(3);     // bytes written per row/page
    constexpr uint32_t dst_page_size = get_compile_time_arg_val(4);       // output page size
    constexpr uint32_t rows_per_unit = get_compile_time_arg_val(5);       // rows per unit
    constexpr uint32_t units_per_batch = get_compile_time_arg_val(6);     // units per batch slice
    constexpr uint32_t rows_per_batch = get_compile_time_arg_val(7);      // rows per batch slice
    constexpr auto dst_args = TensorAccessorArgs<8>();

    // Runtime args (factory: SetRuntimeArgs per core)
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);   // output buffer address
    const uint32_t num_units = get_arg_val<uint32_t>(1);  // units this core processes
    const uint32_t start_id = get_arg_val<uint32_t>(2);   // first unit of this core

    const auto dst = TensorAccessor(dst_args, dst_addr, dst_page_size);

    // Main loop: one work unit = Wt page(s) of c_16.
    for (uint32_t i = 0; i < num_units; ++i) {
        const uint32_t unit = start_id + i;
        cb_wait_front(cb_out, out_pages_per_unit);
        const uint32_t l1_read_addr = get_read_ptr(cb_out);
        const uint32_t batch = unit / units_per_batch;
        const uint32_t first_row = (unit % units_per_batch) * rows_per_unit;
        for (uint32_t r = 0; r < rows_per_unit; ++r) {
            if (first_row + r < rows_per_batch) {
                const uint32_t row = batch * rows_per_batch + first_row + r;
                noc_async_write(l1_read_addr + r * out_l1_stride, dst.get_noc_addr(row), out_write_bytes);
            }
        }
        noc_async_write_barrier();
        cb_pop_front(cb_out, out_pages_per_unit);
    }
}
