# SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
#
# SPDX-License-Identifier: Apache-2.0
"""Stage 4 (device operation) for image_rotate: validation passes and the program factory is selected.

Pass condition (factory-builder): the call raises RuntimeError mentioning kernel/program/factory (the factory is
still a stub), never one about selecting a factory. Uses the `device` fixture from tt-metal's conftest.py.
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


# Valid values for the op's parameters (required ones must be given).
PARAMS = {"angle": 1.0}


def _call(shape, device):
    return ttnn.image_rotate(*_inputs(shape, device), **PARAMS)


def test_device_op_called(device):
    with pytest.raises(RuntimeError) as exc:
        _call((1, 1, 32, 32), device)
    message = str(exc.value).lower()
    assert any(word in message for word in ("kernel", "program", "factory")), f"unexpected error: {exc.value}"


def test_program_factory_selected(device):
    with pytest.raises(RuntimeError) as exc:
        _call((1, 1, 32, 32), device)
    message = str(exc.value).lower()
    assert "select" not in message, f"program factory selection failed: {exc.value}"
    assert any(word in message for word in ("kernel", "program", "factory")), f"unexpected error: {exc.value}"
