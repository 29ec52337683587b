# SPDX-FileCopyrightText: © 2026 Tenstorrent AI ULC
#
# SPDX-License-Identifier: Apache-2.0
"""Stage 2 (validation) for image_rotate: validate_on_program_cache_miss rejects bad inputs, accepts good ones.

Pass conditions (scaffolder): a wrong rank raises RuntimeError mentioning rank/dimension/shape, a wrong layout one
mentioning layout/row_major/tile (or our own TT_FATAL text), and a valid input never raises a validation-looking
error (the stub program factory's "not yet implemented" error is expected). Uses tt-metal's `device` fixture.
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


VALID_SHAPE = (1, 1, 32, 32)
VALIDATION_WORDS = ("rank", "layout", "dtype", "dimension", "must be", "expected")
PROGRAM_WORDS = ("kernel", "program")


def _call_with_primary(shape, device, layout=LAYOUT):
    """The op with a primary input of `shape` / `layout` (other inputs valid for VALID_SHAPE's width)."""
    tensors = _inputs(VALID_SHAPE, device)
    tensors[0] = _to_device(torch.randn(shape, dtype=TORCH_DTYPE), device, layout=layout)
    return ttnn.image_rotate(*tensors, **PARAMS)


def _expect_error(words, shape, device, layout=LAYOUT):
    with pytest.raises(RuntimeError) as exc:
        _call_with_primary(shape, device, layout)
    message = str(exc.value).lower()
    assert any(w in message for w in words), f"expected an error mentioning one of {words}, got: {exc.value}"


def test_wrong_rank_raises(device):
    # spec: rank 4
    _expect_error(('rank', 'dimension', 'shape', 'input tensor must be 4d (n, h, w, c)'), (32, 32), device)


def test_wrong_layout_raises(device):
    # spec: ROW_MAJOR layout
    _expect_error(('layout', 'row_major', 'tile', 'input tensor must be in row_major layout'), VALID_SHAPE, device, layout=ttnn.TILE_LAYOUT)


def test_valid_input_does_not_raise_validation_error(device):
    try:
        _call(VALID_SHAPE, device)
    except RuntimeError as exc:
        message = str(exc).lower()
        if any(w in message for w in PROGRAM_WORDS):
            return  # the stub program factory: validation passed
        assert not any(w in message for w in VALIDATION_WORDS), f"a valid input failed validation: {exc}"
