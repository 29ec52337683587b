# SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
#
# SPDX-License-Identifier: Apache-2.0
"""Stage 3 (registration) for row_centralize: ttnn.row_centralize reaches the device operation's program factory.

Pass condition (scaffolder): the op completes, or fails with a program-level error (kernel, program, circular
buffer, cb_, noc, risc) and not a validation error. Uses tt-metal's `device` fixture.
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
    return ttnn.row_centralize(*_inputs(shape, device), **PARAMS)


VALID_SHAPE = (1, 1, 32, 32)
PROGRAM_WORDS = ("kernel", "program", "circular buffer", "cb_", "noc", "risc")


def _expected_output_shape(shape):
    return tuple(shape)


def test_reaches_program_factory(device):
    try:
        _call(VALID_SHAPE, device)
    except RuntimeError as exc:
        message = str(exc).lower()
        assert any(w in message for w in PROGRAM_WORDS), f"expected a program-level error, got: {exc}"


def test_operation_returns_tensor_or_fails_in_program(device):
    try:
        output = _call(VALID_SHAPE, device)
    except RuntimeError as exc:
        message = str(exc).lower()
        assert any(w in message for w in PROGRAM_WORDS), f"expected a program-level error, got: {exc}"
        return
    assert isinstance(output, ttnn.Tensor), f"expected a ttnn.Tensor, got {type(output)}"
    assert tuple(output.shape) == _expected_output_shape(VALID_SHAPE), f"output shape {tuple(output.shape)}"
