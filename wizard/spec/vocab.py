"""Small vocabularies shared by the extractors: kernel roles, CB ids, lifetimes, size expressions."""

from __future__ import annotations

import re

from wizard.expr import ExprError, parse_expr, sample_env
from wizard.model import Lifetime, Role

# ---------------------------------------------------------------------------------------------------------
# Kernel roles: "Reader (RISCV_0)", "RISCV_1 (writer)", "Compute (tilize)", "TRISC (Unpack/Math/Pack)" ...

_ROLE_WORDS: tuple[tuple[re.Pattern[str], Role], ...] = (
    (re.compile(r"\breader", re.I), Role.READER),
    (re.compile(r"\bwriter", re.I), Role.WRITER),
    (re.compile(r"compute|\btrisc|\bunpack|\bmath\b|\bpack\b|\btensix", re.I), Role.COMPUTE),
    (re.compile(r"\bhost\b|\bfactory\b|globally allocated", re.I), Role.HOST),
)


def role_of(text: str) -> Role:
    """Which kernel a producer/consumer/kernel cell names. Words win over RISC names: docs and code disagree
    on which RISC runs the reader (domain.md 0.6), but "reader"/"writer" are unambiguous."""
    s = text.strip()
    if not s or s in {"-", "—", "N/A", "n/a", "None", "none"}:
        return Role.UNKNOWN
    # "Compute/Reader", "Writer/Compute (untilize)": the first role named wins.
    hits = [(m.start(), role) for rx, role in _ROLE_WORDS if (m := rx.search(s))]
    if hits:
        return min(hits, key=lambda h: h[0])[1]
    # No role word: fall back to the planner's RISC convention (RISCV_0 reader, RISCV_1 writer, 2-4 compute).
    low = s.lower()
    if re.search(r"riscv_?0\b|\bbrisc\b", low):
        return Role.READER
    if re.search(r"riscv_?1\b|\bncrisc\b", low):
        return Role.WRITER
    if re.search(r"riscv_?[234]\b", low):
        return Role.COMPUTE
    return Role.UNKNOWN


def is_blank(text: str) -> bool:
    return text.strip().strip("`*").strip() in {"", "-", "—", "–", "N/A", "n/a", "None", "none", "TBD", "?"}


# ---------------------------------------------------------------------------------------------------------
# CB ids: c_0, CB_1, 16, c_in0, c_out0 (16+), c_intermed0 (24+), CBIndex::c_0, tt::CBIndex::c_16

_CB_ID_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"(?:tt::)?CBIndex::c_(\d{1,3})\b", re.I), 0),
    (re.compile(r"\bc_in(\d{1,2})\b", re.I), 0),
    (re.compile(r"\bc_out(\d{1,2})\b", re.I), 16),
    (re.compile(r"\bc_intermed(\d{1,2})\b", re.I), 24),
    (re.compile(r"\bc_(\d{1,3})\b", re.I), 0),
    (re.compile(r"\bCB[_ #]?(\d{1,3})\b", re.I), 0),
    (re.compile(r"^\s*#?(\d{1,3})\s*$"), 0),
)


def cb_index(cell: str) -> int | None:
    """The CB index a cell names, or None. Searches the whole cell (``c_0 (cb_in)`` and ``cb_in (c_0)``);
    a fractional id (``c_1.5``) names none."""
    s = cell.replace("`", "").replace("*", "").replace("\\", "")
    if re.search(r"(?:\bc_(?:in|out|intermed)?|\bCB[_ #]?|::c_)\d+[.,]\d", s, re.I):
        return None  # "c_1.5" is no CB id at all, not CB 1
    for rx, base in _CB_ID_PATTERNS:
        m = rx.search(s)
        if m:
            return base + int(m.group(1))
    return None


# Names like cb_in_rm, CB_rm_in, CB_tiled; not CB ids like CB_1 or c_0.
_NAME_RE = re.compile(r"\b(?:cb|CB)_[A-Za-z][A-Za-z0-9_]*\b|\b[A-Za-z][A-Za-z0-9_]*_cb\b")


def cb_names(cell: str) -> list[str]:
    """Names in a Name cell: one row can carry two (``cb_standardized / cb_output_tiled``)."""
    s = cell.replace("`", "").replace("**", "").replace("\\_", "_")
    s = re.sub(r"\([^)]*\)", " ", s)  # "(row-major input)" notes
    parts = re.split(r"\s*(?:/|,|;|\bor\b|\band\b|\|)\s*", s)
    out: list[str] = []
    for p in parts:
        p = p.strip()
        m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", p)
        if m and m.group(0) not in out:
            out.append(m.group(0))
    return out


def name_in_id_cell(cell: str) -> str | None:
    """``c_0 (cb_in)`` or ``cb_in (c_0)`` in a combined CB column: the name part."""
    s = cell.replace("`", "").replace("*", "")
    m = _NAME_RE.search(s)
    if m and cb_index(m.group(0)) is None:
        return m.group(0)
    return None


# ---------------------------------------------------------------------------------------------------------
# Lifetimes: Block, Row, Program, Kernel, Per-iter, Per tile-row, PERSISTENT (Phases 1-3), Program (read once)


def lifetime_of(text: str) -> Lifetime | None:
    """Map a Lifetime cell to the model's vocabulary; None when the words are not recognised.

    PERSISTENT (kept across the phases of one tile-row, popped before the next) is ROW, not PROGRAM:
    PROGRAM means pushed once and never popped, which the balance check exempts."""
    s = text.replace("*", "").replace("`", "").strip().lower()
    if not s:
        return None
    first = re.split(r"[\s(,;/]+", s, maxsplit=1)[0]
    if first in {"program", "kernel", "global", "static", "constant", "once"} or "program lifetime" in s:
        return Lifetime.PROGRAM
    if first in {"block", "per-iter", "per-iteration", "iteration", "tile", "per-tile", "transient", "streaming",
                 "phase", "per-phase", "pass", "per-pass", "temporary", "scratch", "chunk", "per-chunk"}:
        return Lifetime.BLOCK
    if first in {"row", "persistent", "tile-row", "per-row", "tile_row", "retained"}:
        return Lifetime.ROW
    if first == "per":
        rest = s[4:]
        if rest.startswith(("tile-row", "tile row", "row", "sample", "group", "batch")):
            return Lifetime.ROW
        if rest.startswith(("tile", "iter", "block", "phase", "pass", "unit", "stick", "page", "chunk")):
            return Lifetime.BLOCK
        if rest.startswith(("program", "kernel", "launch")):
            return Lifetime.PROGRAM
    return None


# ---------------------------------------------------------------------------------------------------------
# Symbols: what an expression may use without a warning

SHAPE_SYMBOLS = frozenset(sample_env((1, 1, 32, 32)))
BATCH_SYMBOLS = frozenset({"N", "C", "NC", "B", "batch", "batch_size", "channels", "physical_volume", "logical_volume",
                           "volume", "num_tile_rows", "tile_rows", "num_rows", "num_sticks", "total_sticks",
                           "num_tiles", "total_tiles", "NCHt", "Ht_total", "num_blocks", "total_rows", "nrows"})


def try_expr(text: str) -> tuple[str | None, frozenset[str], str | None]:
    """(normalised text, symbols, error) for a size cell; never raises."""
    try:
        e = parse_expr(text)
    except ExprError as exc:
        return None, frozenset(), str(exc)
    except RecursionError:
        return None, frozenset(), "expression nested too deeply"
    return e.text, e.symbols, None
