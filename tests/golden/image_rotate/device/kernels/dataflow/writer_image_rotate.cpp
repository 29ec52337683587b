// SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
//
// SPDX-License-Identifier: Apache-2.0

// Stage 6 stub writer for image_rotate: drains c_5 one work unit at a time into the output tensor.
// Stage 7 usually keeps it as is. TensorAccessor + noc_async_write pattern as in the untilize dataflow kernels.

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    // Compile-time args (factory: writer_compile_time_args)
    constexpr uint32_t cb_output = get_compile_time_arg_val(0);           // c_5: passthrough output
    constexpr uint32_t out_pages_per_unit = get_compile_time_arg_val(1);  // pages popped per unit
    constexpr uint32_t out_write_bytes = get_compile_time_arg_val(2);     // bytes written per row/page
    constexpr uint32_t dst_page_size = get_compile_time_arg_val(3);       // output page size
    constexpr auto dst_args = TensorAccessorArgs<4>();

    // Runtime args (factory: SetRuntimeArgs per core)
    const uint32_t dst_addr = get_arg_val<uint32_t>(0);   // output buffer address
    const uint32_t num_units = get_arg_val<uint32_t>(1);  // units this core processes
    const uint32_t start_id = get_arg_val<uint32_t>(2);   // first unit of this core

    const auto dst = TensorAccessor(dst_args, dst_addr, dst_page_size);

    // Main loop: one work unit = 1 page(s) of c_5.
    for (uint32_t i = 0; i < num_units; ++i) {
        const uint32_t unit = start_id + i;
        cb_wait_front(cb_output, out_pages_per_unit);
        const uint32_t l1_read_addr = get_read_ptr(cb_output);
        noc_async_write(l1_read_addr, dst.get_noc_addr(unit), out_write_bytes);  // one row (stick) per unit
        noc_async_write_barrier();
        cb_pop_front(cb_output, out_pages_per_unit);
    }
}
