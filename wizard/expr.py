"""Safe symbolic size expressions: CB page counts, byte formulas and work-unit totals from spec cells.

Spec cells mix a formula with prose: ``2*Wt tiles``, ```Wt` tiles (one tile-row)``, ``Ht\\*Ct``,
``num_tiles_per_row tiles × input_tile_size``, ```4 * input_stick_nbytes * 2` (double-buffered, ...)``.
``parse_expr`` strips the markdown and the prose (backticks, escapes, unit words after a value, notes in
parentheses after a value) and parses what is left with a small recursive-descent parser into a tree
that ``Expr.evaluate`` walks. Nothing is ever passed to ``eval``: only numbers, names, ``+ - * / // %``,
parentheses and the functions in ``FUNCTIONS`` exist.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "ExprError",
    "Expr",
    "parse_expr",
    "sample_env",
    "div_up",
    "round_up",
    "normalize_dtype",
    "TILE_BYTES",
    "ELEMENT_BYTES",
    "FUNCTIONS",
]


class ExprError(ValueError):
    """A size expression that cannot be parsed or evaluated; the message names the offending token."""


# --------------------------------------------------------------------------------------------------------------
# Integer helpers (tt-metal's div_up / round_up)


def div_up(a: float, b: float) -> int:
    """Ceil division, ``tt::div_up``: exact for ints (no float rounding)."""
    if b == 0:
        raise ExprError("division by zero in div_up")
    if isinstance(a, int) and isinstance(b, int):
        return -((-a) // b)
    return math.ceil(a / b)


def round_up(a: float, b: float) -> int:
    """Round ``a`` up to a multiple of ``b``, ``tt::round_up``."""
    return div_up(a, b) * int(b)


def _ceil(x: float) -> int:
    return x if isinstance(x, int) else math.ceil(x)


def _floor(x: float) -> int:
    return x if isinstance(x, int) else math.floor(x)


def _min(*xs: float) -> float:
    if not xs:
        raise ExprError("min() needs at least one argument")
    return min(xs)


def _max(*xs: float) -> float:
    if not xs:
        raise ExprError("max() needs at least one argument")
    return max(xs)


# name -> (callable, allowed argument counts; None = any >= 1)
FUNCTIONS: dict[str, tuple[Callable[..., float], tuple[int, ...] | None]] = {
    "ceil": (_ceil, (1,)),
    "floor": (_floor, (1,)),
    "min": (_min, None),
    "max": (_max, None),
    "div_up": (div_up, (2,)),
    "round_up": (round_up, (2,)),
    "abs": (abs, (1,)),
}

# --------------------------------------------------------------------------------------------------------------
# Data types: tile bytes (tt::tile_size for a 32x32 tile) and element bytes


TILE_BYTES: dict[str, int] = {
    "bfloat16": 2048,
    "float32": 4096,
    "bfloat8_b": 1088,  # 256*4 data + 16*4 shared exponents
    "bfloat4_b": 576,  # 128*4 + 16*4
    "uint32": 4096,
    "int32": 4096,
    "uint16": 2048,
    "uint8": 1024,
    "int8": 1024,
}

# Block-float types exist only in TILE layout, so their "element size" never sizes a stick; 1 keeps sizes finite.
ELEMENT_BYTES: dict[str, int] = {
    "bfloat16": 2,
    "float32": 4,
    "bfloat8_b": 1,
    "bfloat4_b": 1,
    "uint32": 4,
    "int32": 4,
    "uint16": 2,
    "uint8": 1,
    "int8": 1,
}

# Other spellings met in specs and code: DataFormat names, ttnn.X, DataType::X.
_DTYPE_ALIASES = {
    "float16_b": "bfloat16",
    "bf16": "bfloat16",
    "fp32": "float32",
    "f32": "float32",
    "bfp8_b": "bfloat8_b",
    "bfp8": "bfloat8_b",
    "bfloat8": "bfloat8_b",
    "bfp4_b": "bfloat4_b",
    "bfp4": "bfloat4_b",
    "bfloat4": "bfloat4_b",
}


def normalize_dtype(name: str) -> str:
    """``"ttnn.bfloat16"``, ``"DataType::BFLOAT16"``, ``"Float16_b"`` -> ``"bfloat16"``; ExprError if unknown."""
    key = name.strip().strip("`").lower()
    for prefix in ("ttnn.", "datatype::", "datatype.", "tt::datatype::", "tt::dataformat::", "dataformat::"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    key = _DTYPE_ALIASES.get(key, key)
    if key not in TILE_BYTES:
        raise ExprError(f"unknown data type '{name}' (known: {', '.join(TILE_BYTES)})")
    return key


# --------------------------------------------------------------------------------------------------------------
# Expression tree: plain tuples so Expr stays hashable and cheap.
#   ("num", value) | ("name", id) | ("neg", node) | ("bin", op, left, right) | ("call", fname, (args...))

Node = tuple  # documented shape above; tuples keep the tree immutable

_BIN_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "//": 2, "%": 2}


@dataclass(frozen=True)
class Expr:
    """A parsed size expression. ``text`` is the normalised form (``"2*Wt"``), ``symbols`` the names it uses."""

    text: str
    symbols: frozenset[str]
    _node: Node = field(compare=False, repr=False, default=("num", 0))

    def __str__(self) -> str:
        return self.text

    @property
    def is_constant(self) -> bool:
        return not self.symbols

    def evaluate(self, env: Mapping[str, int | float]) -> float:
        """Value of the expression for ``env``; an int when every step is integral (``/`` that divides exactly)."""
        missing = sorted(s for s in self.symbols if s not in env)
        if missing:
            plural = "s" if len(missing) > 1 else ""
            hints = []
            for m in missing:
                close = difflib.get_close_matches(m, list(env), n=2, cutoff=0.7)
                if close:
                    hints.append(f"{m!r}: did you mean {' or '.join(close)}?")
            hint = f" ({'; '.join(hints)})" if hints else ""
            raise ExprError(
                f"unknown symbol{plural} {', '.join(repr(m) for m in missing)} in '{self.text}'{hint}; "
                "bind it with an override or edit the expression"
            )
        return _eval(self._node, env, self.text)

    def evaluate_int(self, env: Mapping[str, int | float]) -> int:
        """Like ``evaluate`` but the result must be a whole number (page counts, unit totals)."""
        value = self.evaluate(env)
        if isinstance(value, float):
            if not math.isfinite(value) or value != int(value):
                raise ExprError(f"'{self.text}' evaluates to {value:g}, not a whole number (use ceil(...) or div_up(a, b))")
            value = int(value)
        return value


def _eval(node: Node, env: Mapping[str, int | float], text: str) -> float:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "name":
        value = env[node[1]]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExprError(f"symbol '{node[1]}' is not a number ({value!r})")
        return value
    if kind == "neg":
        return -_eval(node[1], env, text)
    if kind == "call":
        fn, _ = FUNCTIONS[node[1]]
        return fn(*(_eval(a, env, text) for a in node[2]))
    op, left, right = node[1], _eval(node[2], env, text), _eval(node[3], env, text)
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        raise ExprError(f"division by zero in '{text}'")
    if op == "/":
        if isinstance(left, int) and isinstance(right, int) and left % right == 0:
            return left // right
        return left / right
    if op == "//":
        return left // right if isinstance(left, int) and isinstance(right, int) else math.floor(left / right)
    return left % right  # "%"


def _render(node: Node, parent_prec: int = 0, right_side: bool = False) -> str:
    kind = node[0]
    if kind == "num":
        v = node[1]
        return str(int(v)) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else str(v)
    if kind == "name":
        return node[1]
    if kind == "neg":
        return "-" + _render(node[1], 3)
    if kind == "call":
        return f"{node[1]}({', '.join(_render(a) for a in node[2])})"
    prec = _BIN_PREC[node[1]]
    s = f"{_render(node[2], prec)}{node[1]}{_render(node[3], prec, True)}"
    # Parenthesise when a lower-precedence op sits below, or on the right of a same-precedence op
    # (a-(b-c), a/(b*c)), so the text re-parses to the same tree.
    if prec < parent_prec or (right_side and prec == parent_prec):
        return f"({s})"
    return s


def _symbols(node: Node) -> set[str]:
    kind = node[0]
    if kind == "num":
        return set()
    if kind == "name":
        return {node[1]}
    if kind == "neg":
        return _symbols(node[1])
    if kind == "call":
        out: set[str] = set()
        for a in node[2]:
            out |= _symbols(a)
        return out
    return _symbols(node[2]) | _symbols(node[3])


# --------------------------------------------------------------------------------------------------------------
# Cleaning spec text, then tokenising

_UNICODE = {"×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "−": "-", "–": "-", "\u00a0": " "}
_UNIT_WORDS = r"tile[- ]rows?|tiles?|sticks?|pages?|bytes?|B|rows?|elements?|units?|cores?"
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<unit>(?<![A-Za-z0-9_])(?:"""
    + _UNIT_WORDS
    + r""")(?![A-Za-z0-9_]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>//|[-+*/%(),])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# Names that are size symbols even though they look like plain words (see _looks_like_prose).
_WORDLIKE_SYMBOLS = frozenset({"batch", "height", "width", "channels", "ntiles", "nblocks", "ncores", "stride"})


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num" | "name" | "unit" | "op" | "end"
    text: str
    pos: int


def _clean(text: str) -> str:
    s = text
    for k, v in _UNICODE.items():
        s = s.replace(k, v)
    s = re.sub(r"\*\*([^*]+?)\*\*", r"\1", s)  # **bold** markers; '**' (power) is not part of the language
    s = s.replace("`", "")
    s = re.sub(r"\\([*_\\|()\[\]#+\-.!])", r"\1", s)  # markdown escapes: Ht\*Ct -> Ht*Ct
    s = s.replace("<br>", " ").replace("<br/>", " ")
    return s.strip()


def _tokenise(s: str) -> list[_Tok]:
    """Every character becomes part of a token; characters outside the language are "other" tokens, allowed
    only inside a note that ``_strip_prose`` drops ("64 (= 2×32 sticks)")."""
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(s):
        kind = m.lastgroup or ""
        if kind != "ws":
            toks.append(_Tok(kind, m.group(), m.start()))
    return toks


def _is_operand_end(tok: _Tok | None) -> bool:
    return tok is not None and (tok.kind in ("num", "name") or tok.text == ")")


def _looks_like_call(prev: _Tok | None, paren: _Tok) -> bool:
    """``ceil(`` or ``foo(`` (a name touching the paren) is a call; ``Wt (note)`` with a space is a note."""
    if prev is None or prev.kind != "name":
        return False
    return prev.text in FUNCTIONS or prev.pos + len(prev.text) == paren.pos


def _matching_paren(toks: list[_Tok], i: int) -> int:
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text == "(":
            depth += 1
        elif toks[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1  # unbalanced note: swallow the rest


def _strip_prose(toks: list[_Tok], s: str) -> list[_Tok]:
    """Drop unit words and parenthesised notes that follow a value; turn number words into numbers."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        prev = out[-1] if out else None
        if t.kind == "other":
            raise ExprError(f"unexpected character {t.text!r} at position {t.pos + 1} in '{s}'")
        if t.kind == "unit":
            if _is_operand_end(prev):
                i += 1  # "2 tiles", "Wt tile-rows": the unit says what is counted, not how many
                continue
            if re.fullmatch(r"[A-Za-z_]\w*", t.text):
                t = _Tok("name", t.text, t.pos)  # "B" (batch) or "rows" used as a symbol
            else:
                raise ExprError(f"'{t.text}' at position {t.pos + 1} has no value before it")
        if t.text == "(" and _is_operand_end(prev) and not _looks_like_call(prev, t):
            # "Wt (one tile-row)", "N * H * W (batch * height * width)": a note, not implicit multiplication.
            i = _matching_paren(toks, i) + 1
            continue
        if t.kind == "name" and t.text.lower() in _NUMBER_WORDS and not _is_operand_end(prev):
            t = _Tok("num", str(_NUMBER_WORDS[t.text.lower()]), t.pos)
        if t.kind == "name" and t.text == "x" and prev is not None and prev.kind == "num":
            t = _Tok("op", "*", t.pos)  # "2 x Wt"
        out.append(t)
        i += 1
    return out


def _looks_like_prose(name: str) -> bool:
    """A plain lowercase English word ("lots", "dynamic") rather than a C++-style size symbol.

    Size symbols in specs are CamelCase/UPPER (Wt, NC, TILE_HW), snake_case (input_stick_nbytes) or single
    letters; a bare lowercase word of three or more letters is prose that leaked into a size cell.
    """
    from_env = name in _ENV_SYMBOLS or name in FUNCTIONS or name in _WORDLIKE_SYMBOLS
    return not from_env and len(name) >= 3 and name.isalpha() and name.islower()


class _Parser:
    """expr := term (('+'|'-') term)* ; term := unary (('*'|'/'|'//'|'%') unary)* ;
    unary := '-' unary | '+' unary | atom ; atom := num | name | name '(' args ')' | '(' expr ')'"""

    MAX_DEPTH = 64  # parentheses, unary signs and calls inside one another: real cells nest 2-3 deep

    def __init__(self, toks: list[_Tok], original: str) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0
        self.original = original.strip()

    def _enter(self, tok: _Tok) -> None:
        # recursive descent: bound the depth so a hostile cell is an ExprError, not a RecursionError
        self.depth += 1
        if self.depth > self.MAX_DEPTH:
            raise self.fail(tok, f"expression nested too deeply (over {self.MAX_DEPTH} levels)")

    def peek(self) -> _Tok:
        return self.toks[self.i] if self.i < len(self.toks) else _Tok("end", "", -1)

    def take(self) -> _Tok:
        t = self.peek()
        self.i += 1
        return t

    def fail(self, tok: _Tok, why: str) -> ExprError:
        where = f" at position {tok.pos + 1}" if tok.pos >= 0 else ""
        shown = f"'{tok.text}'" if tok.kind != "end" else "end of text"
        return ExprError(f"{why}: {shown}{where} in '{self.original}'")

    def parse(self) -> Node:
        if not self.toks:
            raise ExprError(f"no size expression in '{self.original}'")
        node = self.expr()
        t = self.peek()
        if t.kind != "end":
            why = "two values with no operator between them" if t.kind in ("num", "name") else "unexpected token"
            raise self.fail(t, why)
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.peek().text in ("+", "-") and self.peek().kind == "op":
            op = self.take().text
            node = ("bin", op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek().kind == "op" and self.peek().text in ("*", "/", "//", "%"):
            op = self.take().text
            node = ("bin", op, node, self.unary())
        return node

    def unary(self) -> Node:
        t = self.peek()
        if t.kind == "op" and t.text in ("-", "+"):
            self.take()
            self._enter(t)
            inner = self.unary()
            self.depth -= 1
            if t.text == "+":
                return inner
            return ("num", -inner[1]) if inner[0] == "num" else ("neg", inner)
        return self.atom()

    def atom(self) -> Node:
        t = self.take()
        if t.kind == "num":
            v: float = float(t.text) if any(c in t.text for c in ".eE") else int(t.text)
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return ("num", v)
        if t.kind == "name":
            if self.peek().text == "(" and t.text in FUNCTIONS:
                return self.call(t)
            if t.text in FUNCTIONS:
                raise self.fail(t, "function used without arguments")
            if self.peek().text == "(":
                raise self.fail(t, f"unknown function (known: {', '.join(FUNCTIONS)})")
            if _looks_like_prose(t.text):
                raise self.fail(t, "not a size expression (a word, not a symbol)")
            return ("name", t.text)
        if t.text == "(":
            self._enter(t)
            node = self.expr()
            self.depth -= 1
            close = self.take()
            if close.text != ")":
                raise self.fail(close, "expected ')'")
            return node
        if t.kind == "end":
            raise self.fail(t, "expression ends too early")
        raise self.fail(t, "expected a number or a symbol")

    def call(self, fname: _Tok) -> Node:
        self._enter(self.take())  # "("
        args: list[Node] = []
        if self.peek().text != ")":
            args.append(self.expr())
            while self.peek().text == ",":
                self.take()
                args.append(self.expr())
        close = self.take()
        if close.text != ")":
            raise self.fail(close, f"expected ',' or ')' in {fname.text}(...)")
        self.depth -= 1
        counts = FUNCTIONS[fname.text][1]
        if (counts is not None and len(args) not in counts) or not args:
            want = " or ".join(map(str, counts)) if counts else "at least 1"
            raise self.fail(fname, f"{fname.text}() takes {want} argument(s), got {len(args)}")
        return ("call", fname.text, tuple(args))


# Cells that say "no value" (N/A would otherwise parse as N / A).
_NO_VALUE = frozenset({"n/a", "na", "-", "--", "—", "–", "?", "tbd", "todo", "none", "unknown", "varies"})


_MAX_TOKENS = 400


@lru_cache(maxsize=4096)
def parse_expr(text: str) -> Expr:
    """Parse a spec cell into an ``Expr``; raises ExprError naming the offending token."""
    if not isinstance(text, str):
        raise ExprError(f"expected text, got {type(text).__name__}")
    if len(text) > 2000:
        raise ExprError("size expression too long (over 2000 characters)")
    cleaned = _clean(text)
    if cleaned.lower().rstrip(".") in _NO_VALUE:
        raise ExprError(f"no size given ('{text.strip()}'): enter a page count such as 2 or 2*Wt")
    toks = _strip_prose(_tokenise(cleaned), cleaned)
    if len(toks) > _MAX_TOKENS:  # evaluation and rendering recurse along the tree too: keep it small
        raise ExprError(f"size expression too complex (over {_MAX_TOKENS} tokens) in '{text.strip()[:60]}...'")
    node = _Parser(toks, text).parse()
    return Expr(text=_render(node), symbols=frozenset(_symbols(node)), _node=node)


# --------------------------------------------------------------------------------------------------------------
# Sample environment: the symbols a spec's formulas use, bound from a sample tensor shape.

TILE_HEIGHT = TILE_WIDTH = 32
FACE_HEIGHT = FACE_WIDTH = 16
TILE_HW = TILE_HEIGHT * TILE_WIDTH


def sample_env(shape: Sequence[int], dtype: str = "bfloat16", *, alignment: int = 32,
               dim_order: str = "NCHW") -> dict[str, int]:
    """Bind shape/dtype symbols for evaluating spec expressions (leading dims padded with 1; extra ones fold into N).

    ``dim_order`` says how the 4 dims are named: NCHW (default) or NHWC (channels last). The named symbols
    (N, C, H, W, batch, channels, height, width, HW) follow the names; the physical ones (stick size, sticks,
    tiles: Ht/Wt over the last two dims) follow the memory order, where a row-major stick is the last dim.
    """
    dims = [int(d) for d in shape]
    if not dims:
        raise ExprError("sample shape is empty")
    if any(d <= 0 for d in dims):
        raise ExprError(f"sample shape {tuple(dims)} has a dimension <= 0")
    if alignment <= 0:
        raise ExprError(f"alignment must be positive, got {alignment}")
    if dim_order not in ("NCHW", "NHWC"):
        raise ExprError(f"dimension order must be NCHW or NHWC, not {dim_order!r}")
    while len(dims) < 4:
        dims.insert(0, 1)
    if len(dims) > 4:  # rank > 4: outer dims behave as extra batch
        dims = [math.prod(dims[:-3]), *dims[-3:]]
    if dim_order == "NHWC":
        n, h, w, c = dims
    else:
        n, c, h, w = dims
    env = _physical_env(dims, dtype, alignment)
    env.update({
        "N": n, "C": c, "H": h, "W": w, "B": n,
        "batch": n, "batch_size": n, "channels": c, "height": h, "width": w, "HW": h * w,
    })  # fmt: skip
    return env


def _physical_env(dims: list[int], dtype: str, alignment: int) -> dict[str, int]:
    """Symbols of the memory layout: the 4 dims in memory order, the last one innermost."""
    outer, mid, rows_dim, inner = dims
    h, w = rows_dim, inner
    dt = normalize_dtype(dtype)
    tile = TILE_BYTES[dt]
    esize = ELEMENT_BYTES[dt]
    ht, wt = div_up(h, TILE_HEIGHT), div_up(w, TILE_WIDTH)
    stick = round_up(w * esize, alignment)
    nc = outer * mid
    env: dict[str, int] = {
        "NC": nc,
        "Ht": ht, "Wt": wt, "Ct": wt, "HtWt": ht * wt,
        "Hp": ht * TILE_HEIGHT, "Wp": wt * TILE_WIDTH,
        "tile_size": tile, "input_tile_size": tile, "output_tile_size": tile, "single_tile_size": tile,
        "in_tile_size": tile, "out_tile_size": tile,
        "element_size": esize, "datum_size": esize, "elem_size": esize,
        "TILE_HW": TILE_HW, "TILE_HEIGHT": TILE_HEIGHT, "TILE_WIDTH": TILE_WIDTH,
        "FACE_HEIGHT": FACE_HEIGHT, "FACE_WIDTH": FACE_WIDTH, "FACE_HW": FACE_HEIGHT * FACE_WIDTH,
        "stick_size": stick, "input_stick_nbytes": stick, "output_stick_nbytes": stick, "stick_nbytes": stick,
        "input_stick_size": stick, "output_stick_size": stick, "stick_size_bytes": stick, "row_size_bytes": stick,
        "num_tiles_per_row": wt, "tiles_per_row": wt, "ntiles_per_row": wt, "num_tiles_per_col": ht,
        "tiles_per_col": ht,
        "num_tile_rows": nc * ht, "tile_rows": nc * ht, "num_rows": nc * h, "num_sticks": nc * h,
        "total_sticks": nc * h, "num_tiles": nc * ht * wt, "total_tiles": nc * ht * wt,
        "physical_volume": nc * h * w, "logical_volume": nc * h * w, "volume": nc * h * w,
        "alignment": alignment,
    }  # fmt: skip
    return env


# Every symbol sample_env can bind (for the prose check in the parser).
_ENV_SYMBOLS = frozenset(sample_env((1, 1, 32, 32)))

