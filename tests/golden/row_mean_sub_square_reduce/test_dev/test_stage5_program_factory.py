# SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
#
# SPDX-License-Identifier: Apache-2.0
"""Stage 5 (program factory) for row_mean_sub_square_reduce: CBs and the work split are created, then the factory stops with
"Kernel creation not yet implemented".

Pass condition (factory-builder): RuntimeError containing "kernel" and not "circular", for a one-tile input and a
larger one. Uses the `device` fixture from tt-metal's conftest.py.
"""

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (run stage tests in tt-metal's Python env)")
ttnn = pytest.importorskip("ttnn", reason="ttnn is not installed (run stage tests in tt-metal's Python env)")
if getattr(ttnn, "__file__", None) is None:  # only the checkout's ttnn/ source folder (a namespace package)
    pytest.skip("ttnn is not installed (import found only the ttnn/ source folder)", allow_module_level=True)

DTYPE = ttnn.bfloat16
TORCH_DTYPE = torch.bfloat16
LAYOUT = ttnn.ROW_MAJOR_LAYOUT


def _to_device(torch_tensor, device, layout=LAYOUT):
    return ttnn.from_torch(torch_tensor, dtype=DTYPE, layout=layout, device=device, memory_config=ttnn.DRAM_MEMORY_CONFIG)


def _inputs(shape, device):
    """The op's tensor arguments for an input of `shape` (secondary tensors span the last dim)."""
    torch.manual_seed(0)
    tensors = [_to_device(torch.randn(shape, dtype=TORCH_DTYPE), device)]
    return tensors


# Valid values for the op's parameters.
PARAMS = {}


def _call(shape, device):
    return ttnn.row_mean_sub_square_reduce(*_inputs(shape, device), **PARAMS)


def _expect_kernel_error(shape, device):
    with pytest.raises(RuntimeError) as exc:
        _call(shape, device)
    message = str(exc.value).lower()
    assert "kernel" in message, f"expected the factory to stop at kernel creation, got: {exc.value}"
    assert "circular" not in message, f"circular buffer creation failed: {exc.value}"


def test_program_factory_creates_cbs(device):
    _expect_kernel_error((1, 1, 32, 32), device)


def test_work_distribution(device):
    # A larger input (many work units): the work split runs over several cores.
    _expect_kernel_error((1, 32, 64, 64), device)
