"""Runs inside the verify venv: an op's program, as its design describes it, through ``ttnn.generic_op`` on a mock device.

Reads a JSON program description (CBs with their sizes at a sample shape, the profile's grid,
the unit count to split, kernels with their compile-time args) and runs it the way a
program factory would, so tt-metal's own host-side checks fire: circular buffers beyond
L1, kernels placed outside the grid, duplicate CB indices, and the JIT build of every kernel
(dataflow kernels really compiled by the stand-in compiler; compute kernels as placeholders).
Results are zeros on a mock device, so nothing is said about values.

Usage: python mock_program.py PROGRAM.json   -> prints "PROGRAM-RESULT {json}" as its last line
"""

from __future__ import annotations

import json
import sys
import traceback


def _dtype(ttnn, name: str):  # noqa: ANN001, ANN202 - ttnn exists only in the venv
    return {
        "float32": ttnn.float32,
        "bfloat8_b": ttnn.bfloat8_b,
        "bfloat4_b": ttnn.bfloat4_b,
        "uint32": ttnn.uint32,
        "int32": ttnn.int32,
        "uint16": ttnn.uint16,
        "uint8": ttnn.uint8,
    }.get(name, ttnn.bfloat16)


def run(desc: dict) -> dict:
    import numpy as np
    import ttnn

    device = ttnn.open_device(device_id=0)
    try:
        dev_grid = device.compute_with_storage_grid_size()
        gx, gy = desc["grid"]
        units = max(1, int(desc["units"]))
        n_cores, all_cores, _g1, _g2, _u1, _u2 = ttnn.split_work_to_cores(ttnn.CoreCoord(gx, gy), units, bool(desc.get("row_wise")))
        host = ttnn.Tensor(np.zeros((1, 1, 32, 32), dtype=np.float32), ttnn.bfloat16).to(ttnn.TILE_LAYOUT)
        inp = host.to(device)
        out = ttnn.allocate_tensor_on_device(inp.spec, device)
        cbs = [
            ttnn.CBDescriptor(
                total_size=int(cb["total"]),
                core_ranges=all_cores,
                format_descriptors=[
                    ttnn.CBFormatDescriptor(buffer_index=int(cb["index"]), data_format=_dtype(ttnn, cb["dtype"]), page_size=int(cb["page_size"]))
                ],
            )
            for cb in desc["cbs"]
        ]
        kernels = []
        for k in desc["kernels"]:
            rt = ttnn.RuntimeArgs()
            for cr in all_cores.ranges():
                for x in range(cr.start.x, cr.end.x + 1):
                    for y in range(cr.start.y, cr.end.y + 1):
                        rt[x][y] = [0] * int(k.get("num_rt_args", 0))
            config = {
                "reader": ttnn.ReaderConfigDescriptor,
                "writer": ttnn.WriterConfigDescriptor,
                "compute": ttnn.ComputeConfigDescriptor,
            }[k["kind"]]()
            kernels.append(
                ttnn.KernelDescriptor(
                    kernel_source=k["path"],
                    source_type=ttnn.KernelDescriptor.SourceType.FILE_PATH,
                    core_ranges=all_cores,
                    compile_time_args=[int(v) for v in k["ct_args"]],
                    runtime_args=rt,
                    config=config,
                    compiler_include_paths=list(k.get("include_paths", [])),
                    defines=[(str(a), str(b)) for a, b in k.get("defines", {}).items()],
                )
            )
        program = ttnn.ProgramDescriptor(kernels=kernels, semaphores=[], cbs=cbs)
        info = {"device_grid": [int(dev_grid.x), int(dev_grid.y)], "cores": int(n_cores)}
        try:
            ttnn.generic_op([inp, out], program)
        except RuntimeError as exc:
            return {"ok": False, "error": str(exc), **info}
        return {"ok": True, **info}
    finally:
        ttnn.close_device(device)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        description = json.load(fh)
    try:
        result = run(description)
    except Exception as exc:  # noqa: BLE001 - reported to the wizard as a finding, not a traceback
        result = {"ok": False, "error": f"{exc.__class__.__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
    sys.stdout.flush()
    print("\nPROGRAM-RESULT " + json.dumps(result))
