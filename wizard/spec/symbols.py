"""Expand symbols a spec defines itself (``out_ntiles_c = (C + FACE_WIDTH - 1) / FACE_WIDTH``) so an expression
that uses them can be evaluated against a sample shape."""

from __future__ import annotations

import re
from collections.abc import Mapping

from wizard.spec.vocab import SHAPE_SYMBOLS, try_expr


def expand_symbols(text: str, definitions: Mapping[str, str], known: frozenset[str] = SHAPE_SYMBOLS,
                   depth: int = 6) -> str:
    """``text`` with every symbol that ``known`` lacks but ``definitions`` has replaced by its (parenthesised)
    definition, repeatedly up to ``depth`` levels. Returns ``text`` unchanged when nothing applies or when the
    result would not parse (a definition that is itself prose)."""
    current = text
    for _ in range(depth):
        norm, symbols, err = try_expr(current)
        if err is not None or norm is None:
            return text
        todo = [s for s in symbols if s not in known and s in definitions and definitions[s] != s]
        if not todo:
            return norm
        for s in todo:
            norm = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(s)}(?![A-Za-z0-9_])", f"({definitions[s]})", norm)
        current = norm
    return text
