"""The input tensor's dimension order: NCHW (tt-metal's default reading of a 4-D shape) or NHWC (channels last,
as image and conv-style ops declare: "shape (N, H, W, C) in NHWC format").

Why it matters: a spec's sizes name dimensions (``N * H * W`` pixels, a stick of ``C`` values). Reading an NHWC
sample shape as NCHW gives wrong totals and stick sizes without any warning.
"""

from __future__ import annotations

import re

from wizard.model import Confidence, OpSpec

NCHW, NHWC = "NCHW", "NHWC"
_NHWC = re.compile(r"\bNHWC\b|[\[(]\s*N\s*,\s*H\s*,\s*W\s*,\s*C\s*[\])]|\bchannels?[- ]last\b", re.IGNORECASE)
_NCHW = re.compile(r"\bNCHW\b|[\[(]\s*N\s*,\s*C\s*,\s*H\s*,\s*W\s*[\])]", re.IGNORECASE)


def _verdict(text: str) -> str | None:
    # a word of its own or an (N, H, W, C) tuple; "nhwc" inside an identifier (to_nhwc_layout) is not a statement
    if _NHWC.search(text):
        return NHWC
    if _NCHW.search(text):
        return NCHW
    return None


def extract_dim_order(spec: OpSpec) -> None:
    """From the input tensor's parameter description, then its requirement rows; else NCHW (default)."""
    for p in spec.parameters:
        if "tensor" in p.type.lower() or "tensor" in p.name.lower():
            found = _verdict(p.description)
            if found:
                spec.dim_order = found
                spec.mark("dim_order", p.line, Confidence.EXPLICIT)
            break  # only the first tensor parameter is the input the sample shape describes
    if "dim_order" in spec.prov:
        return
    for tensor, rows in spec.input_requirements.items():
        if tensor.lower() not in ("input", "input_tensor", "input_a", "a", "x"):
            continue
        for r in rows:
            found = _verdict(f"{r.property} {r.requirement}")
            if found:
                spec.dim_order = found
                spec.mark("dim_order", r.line, Confidence.EXPLICIT)
                return
    spec.dim_order = NCHW
    spec.mark("dim_order", None, Confidence.DEFAULT)
