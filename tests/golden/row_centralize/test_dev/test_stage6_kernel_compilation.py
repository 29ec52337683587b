# SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
#
# SPDX-License-Identifier: Apache-2.0
"""Stage 6 (kernel compilation) for row_centralize: the stub kernels JIT-compile, the program runs to completion
(no hang) and the output has the right shape and dtype. Values are not checked (Stage 7).

Pass condition (factory-builder): no RuntimeError mentioning ".cpp" or "error:", a non-None result, correct
shape/dtype. A kernel hang is caught by the runner's timeout (and TT_METAL_OPERATION_TIMEOUT_SECONDS); the
timeout mark below also stops it when pytest-timeout is installed. Uses the `device` fixture from conftest.py.
"""

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (run stage tests in tt-metal's Python env)")
ttnn = pytest.importorskip("ttnn", reason="ttnn is not installed (run stage tests in tt-metal's Python env)")
if getattr(ttnn, "__file__", None) is None:  # only the checkout's ttnn/ source folder (a namespace package)
    pytest.skip("ttnn is not installed (import found only the ttnn/ source folder)", allow_module_level=True)

pytestmark = pytest.mark.timeout(60)

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
    return ttnn.row_centralize(*_inputs(shape, device), **PARAMS)


SHAPES = [
    (1, 1, 32, 32),
    (1, 1, 64, 128),
    (4, 2, 64, 64),
    (2, 5, 224, 64),
]


def _expected_shape(shape):
    return list(shape)


def _run(shape, device):
    try:
        return _call(shape, device)
    except RuntimeError as exc:
        message = str(exc)
        if ".cpp" in message or "error:" in message:
            pytest.fail(f"kernel compilation failed:\n{message}")
        raise


def test_kernels_compile_at_runtime(device):
    _run(SHAPES[0], device)


def test_program_executes_without_hang(device):
    assert _run(SHAPES[0], device) is not None


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_output_shape_dtype(shape, device):
    output = _run(shape, device)
    assert output is not None
    assert list(output.shape) == _expected_shape(shape), f"shape {list(output.shape)} != {_expected_shape(shape)}"
    assert output.dtype == ttnn.bfloat16
    assert output.layout == ttnn.ROW_MAJOR_LAYOUT


def test_multi_tile_execution(device):
    # Several units per core and both core groups of the work split (when multi-core).
    output = _run(SHAPES[-1], device)
    assert list(output.shape) == _expected_shape(SHAPES[-1])
