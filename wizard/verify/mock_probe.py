"""Runs inside the verify venv (its Python + the ttnn wheel): one program on a mock device.

Used by setup (stdlib + ttnn only; not imported by the wizard itself):
* opens a mock device from the cluster descriptor in ``TT_METAL_MOCK_CLUSTER_DESC_PATH``;
* asks ttnn for the TensorAccessorArgs compile-time args of an interleaved DRAM tile tensor
  and a row-major one (what a generated factory appends with ``TensorAccessorArgs(*buf)``);
* runs a known-good reader/writer copy program through ``ttnn.generic_op`` so tt-metal's JIT
  calls the stand-in compiler with its own command lines (logged, then turned into templates),
  and compiles the kernels for real with zig clang (the self-check);
* prints one JSON object on stdout (the last line).

Usage: python mock_probe.py READER.cpp WRITER.cpp
"""

from __future__ import annotations

import json
import sys


def _tensor(ttnn, device, shape, layout):  # noqa: ANN001 - ttnn is only importable in the venv
    import numpy as np

    host = ttnn.Tensor(np.zeros(shape, dtype=np.float32), ttnn.bfloat16).to(layout)
    return host.to(device)


def main(reader: str, writer: str) -> dict:
    import ttnn

    device = ttnn.open_device(device_id=0)
    try:
        grid = device.compute_with_storage_grid_size()
        shape = (1, 1, 32, 64)
        inp = _tensor(ttnn, device, shape, ttnn.TILE_LAYOUT)
        out = ttnn.allocate_tensor_on_device(inp.spec, device)
        rm = _tensor(ttnn, device, shape, ttnn.ROW_MAJOR_LAYOUT)
        ta_tile = [int(x) for x in ttnn.TensorAccessorArgs(inp).get_compile_time_args()]
        ta_rm = [int(x) for x in ttnn.TensorAccessorArgs(rm).get_compile_time_args()]

        core = ttnn.CoreCoord(0, 0)
        cores = ttnn.CoreRangeSet([ttnn.CoreRange(core, core)])
        tile_bytes = 2048
        num_pages = 2
        cb = ttnn.CBDescriptor(
            total_size=2 * tile_bytes,
            core_ranges=cores,
            format_descriptors=[ttnn.CBFormatDescriptor(buffer_index=0, data_format=ttnn.bfloat16, page_size=tile_bytes)],
        )
        r_rt = ttnn.RuntimeArgs()
        r_rt[0][0] = [inp.buffer_address(), num_pages, 0]
        w_rt = ttnn.RuntimeArgs()
        w_rt[0][0] = [out.buffer_address(), num_pages, 0]
        reader_ct = list(ttnn.TensorAccessorArgs(inp).get_compile_time_args())
        writer_ct = [0, *ttnn.TensorAccessorArgs(out).get_compile_time_args()]
        kernels = [
            ttnn.KernelDescriptor(
                kernel_source=reader,
                source_type=ttnn.KernelDescriptor.SourceType.FILE_PATH,
                core_ranges=cores,
                compile_time_args=reader_ct,
                runtime_args=r_rt,
                config=ttnn.ReaderConfigDescriptor(),
            ),
            ttnn.KernelDescriptor(
                kernel_source=writer,
                source_type=ttnn.KernelDescriptor.SourceType.FILE_PATH,
                core_ranges=cores,
                compile_time_args=writer_ct,
                runtime_args=w_rt,
                config=ttnn.WriterConfigDescriptor(),
            ),
        ]
        program = ttnn.ProgramDescriptor(kernels=kernels, semaphores=[], cbs=[cb])
        ttnn.generic_op([inp, out], program)
        return {
            "arch": str(device.arch()).split(".")[-1].lower(),
            "grid": [int(grid.x), int(grid.y)],
            "ta_ct_args_interleaved_dram_tile": ta_tile,
            "ta_ct_args_interleaved_dram_row_major": ta_rm,
            "reader_ct_args": [int(x) for x in reader_ct],
            "writer_ct_args": [int(x) for x in writer_ct],
        }
    finally:
        ttnn.close_device(device)


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2])
    sys.stdout.flush()
    print("\nPROBE-RESULT " + json.dumps(result))
