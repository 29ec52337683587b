"""Expand symbols a spec defines itself (``out_ntiles_c = (C + FACE_WIDTH - 1) / FACE_WIDTH``) so an expression
that uses them can be evaluated against a sample shape."""

from __future__ import annotations

import re
from collections.abc import Mapping

from wizard.spec.vocab import BATCH_SYMBOLS, SHAPE_SYMBOLS, try_expr


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


# Names of quantities that count every batch slice: a symbol defined from one of them includes the batch.
_BATCH_NAME = re.compile(r"volume|batch|^(?:total|all)_(?:height|h|rows?|sticks?|tiles?|tile_rows?)$", re.I)


def is_batch_quantity(name: str) -> bool:
    return name in BATCH_SYMBOLS or bool(_BATCH_NAME.search(name))


def defined_with_batch(symbols: frozenset[str] | set[str], definitions: Mapping[str, str], depth: int = 6) -> bool:
    """Whether one of ``symbols`` is defined by the spec (``definitions``), directly or through other definitions,
    from a batch-including quantity (``Ht = total_height / TILE_HEIGHT``, ``Ht = physical_volume / (W * 32)``)."""
    todo, seen = set(symbols), set()
    for _ in range(depth):
        nxt: set[str] = set()
        for s in todo - seen:
            seen.add(s)
            if s not in definitions:
                continue
            _, used, err = try_expr(definitions[s])
            names = used if err is None else set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", definitions[s]))
            if any(is_batch_quantity(n) for n in names):
                return True
            nxt |= set(names)
        if not nxt - seen:
            return False
        todo = nxt
    return False
