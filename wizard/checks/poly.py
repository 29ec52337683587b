"""Symbolic page counts: C++ integer expressions as polynomials over named symbols.

Two counts are proven equal when their normal forms are equal. Anything we cannot expand
(a division of symbols, a function call, a ternary) becomes an opaque atom named by its
normalised text, so ``a / b`` on both sides still compares equal, and a mismatch is reported
with both expressions rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

Monomial = tuple[str, ...]  # sorted symbol names, repeated for powers


@dataclass(frozen=True)
class Poly:
    terms: tuple[tuple[Monomial, Fraction], ...] = ()

    @staticmethod
    def of(d: Mapping[Monomial, Fraction]) -> Poly:
        return Poly(tuple(sorted((m, c) for m, c in d.items() if c != 0)))

    @staticmethod
    def const(c: int | Fraction) -> Poly:
        return Poly.of({(): Fraction(c)})

    @staticmethod
    def sym(name: str) -> Poly:
        return Poly.of({(name,): Fraction(1)})

    def as_dict(self) -> dict[Monomial, Fraction]:
        return dict(self.terms)

    def __add__(self, other: Poly) -> Poly:
        d = self.as_dict()
        for m, c in other.terms:
            d[m] = d.get(m, Fraction(0)) + c
        return Poly.of(d)

    def __neg__(self) -> Poly:
        return Poly.of({m: -c for m, c in self.terms})

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __mul__(self, other: Poly) -> Poly:
        d: dict[Monomial, Fraction] = {}
        for m1, c1 in self.terms:
            for m2, c2 in other.terms:
                m = tuple(sorted(m1 + m2))
                d[m] = d.get(m, Fraction(0)) + c1 * c2
        return Poly.of(d)

    @property
    def is_const(self) -> bool:
        return all(not m for m, _ in self.terms)

    @property
    def value(self) -> Fraction | None:
        if not self.is_const:
            return None
        return self.terms[0][1] if self.terms else Fraction(0)

    @property
    def symbols(self) -> set[str]:
        return {s for m, _ in self.terms for s in m}

    def subst(self, env: Mapping[str, Poly]) -> Poly:
        out = Poly.const(0)
        for m, c in self.terms:
            t = Poly.const(c)
            for s in m:
                t = t * env.get(s, Poly.sym(s))
            out = out + t
        return out

    def nonneg_coeffs(self) -> bool:
        return all(c >= 0 for _, c in self.terms)

    def nonneg_if_positive(self) -> bool:
        """True when the value is >= 0 for every assignment of integers >= 1 to the symbols.

        Sufficient test: with each symbol s = 1 + t (t >= 0) every coefficient is >= 0.
        (Sizes, tile counts and unit counts in a factory are >= 1.)
        """
        return self.subst({s: Poly.const(1) + Poly.sym(s) for s in self.symbols}).nonneg_coeffs()

    def __str__(self) -> str:
        if not self.terms:
            return "0"
        out = []
        for m, c in sorted(self.terms, key=lambda t: (-len(t[0]), t[0])):
            mono = "*".join(m)
            if not m:
                piece = str(abs(c))
            elif abs(c) == 1:
                piece = mono
            else:
                piece = f"{abs(c)}*{mono}"
            sign = "-" if c < 0 else "+"
            out.append((sign, piece))
        first_sign, first = out[0]
        text = ("-" if first_sign == "-" else "") + first
        for sign, piece in out[1:]:
            text += f" {sign} {piece}"
        return text


class PolyError(ValueError):
    pass


_TOKEN = re.compile(
    r"\s*(?:(?P<num>0[xX][0-9a-fA-F']+|\d[\d']*)(?:[uUlL]{0,3})\b"
    r"|(?P<name>(?:::)?[A-Za-z_]\w*(?:\s*::\s*[A-Za-z_]\w*)*(?:\s*(?:\.|->)\s*[A-Za-z_]\w*)*)"
    r"|(?P<op>[-+*/%()<>?:,\[\]{}&|!=~^]))"
)
_CASTS = ("static_cast", "reinterpret_cast", "const_cast", "uint32_t", "int32_t", "uint64_t", "int", "size_t", "uint16_t",
          "uint8_t", "std::uint32_t", "std::size_t", "bool", "unsigned")


def normalise(text: str) -> str:
    return " ".join(text.split())


def _join(values: list[str]) -> str:
    out = ""
    for v in values:
        if out and (out[-1].isalnum() or out[-1] == "_") and (v[0].isalnum() or v[0] == "_"):
            out += " "
        out += v
    return out


def canon(text: str) -> str:
    """Whitespace-insensitive text of an expression, for naming opaque atoms (`W / 32` == `W/32`)."""
    vals: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return normalise(text)
        kind = m.lastgroup or "op"
        vals.append(m.group(kind).replace(" ", ""))
        pos = m.end()
    return _join(vals)


def parse_poly(text: str, resolve: Callable[[str], Poly | None] | None = None) -> Poly:
    """Parse a C++ integer expression; identifiers go through ``resolve`` (None keeps them symbolic)."""
    p = _Parser(text, resolve or (lambda _n: None))
    out = p.expr()
    if p.pos < len(p.toks):
        # something we do not model (ternary, comparison...): keep the whole text opaque
        return Poly.sym(f"[{canon(text)}]")
    return out


class _Parser:
    def __init__(self, text: str, resolve: Callable[[str], Poly | None]) -> None:
        self.text = text
        self.resolve = resolve
        self.toks: list[tuple[str, str, int, int]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise PolyError(f"cannot read `{text[pos:pos + 20]}` in `{text}`")
            kind = m.lastgroup or "op"
            self.toks.append((kind, m.group(kind).replace(" ", ""), m.start(kind), m.end()))
            pos = m.end()
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.pos][:2] if self.pos < len(self.toks) else None

    def take(self) -> tuple[str, str, int, int]:
        t = self.toks[self.pos]
        self.pos += 1
        return t

    def expr(self) -> Poly:
        out = self.term()
        while (t := self.peek()) and t[1] in "+-" and t[0] == "op":
            self.take()
            rhs = self.term()
            out = out + rhs if t[1] == "+" else out - rhs
        return out

    def term(self) -> Poly:
        start = self.pos
        out = self.unary()
        while (t := self.peek()) and t[0] == "op" and t[1] in "*/%":
            self.take()
            rhs = self.unary()
            if t[1] == "*":
                out = out * rhs
            else:
                a, b = out.value, rhs.value
                if a is not None and b is not None and b != 0:
                    out = Poly.const(a // b if t[1] == "/" else a % b)
                elif t[1] == "/" and b is not None and b != 0 and all((c / b).denominator == 1 for _, c in out.terms):
                    out = Poly.of({m: c / b for m, c in out.terms})
                else:
                    out = Poly.sym(f"[{self._span(start)}]")
        return out

    def _span(self, start: int) -> str:
        return _join([t[1] for t in self.toks[start : self.pos]])

    def unary(self) -> Poly:
        t = self.peek()
        if t and t[0] == "op" and t[1] in "+-":
            self.take()
            v = self.unary()
            return -v if t[1] == "-" else v
        return self.atom()

    def atom(self) -> Poly:
        if self.pos >= len(self.toks):
            raise PolyError(f"expression `{self.text}` ends early")
        kind, val, a, b = self.take()
        if kind == "num":
            return Poly.const(int(val.replace("'", ""), 0) if val.lower().startswith("0x") else int(val.replace("'", "")))
        if kind == "op" and val == "(":
            # C-style cast `(uint32_t)x` or a parenthesised expression
            if self.pos + 1 < len(self.toks) and self.toks[self.pos][1] in _CASTS and self.toks[self.pos + 1][1] == ")":
                self.pos += 2
                return self.unary()
            inner = self.expr()
            self._expect(")")
            return inner
        if kind == "name":
            start = self.pos - 1
            if self.peek() == ("op", "<") and val in ("static_cast", "reinterpret_cast", "const_cast"):
                depth = 0
                while self.pos < len(self.toks):
                    _k, v, _a, _b = self.take()
                    depth += v == "<"
                    depth -= v == ">"
                    if depth == 0:
                        break
                self._expect("(")
                inner = self.expr()
                self._expect(")")
                return inner
            if self.peek() == ("op", "(") or self.peek() == ("op", "<"):
                # a function call (or template call): opaque, named by its text
                self._skip_balanced()
                return Poly.sym(f"[{self._span(start)}]")
            if val in _CASTS[1:] and self.peek() == ("op", "{"):
                self._skip_balanced()
                return Poly.sym(f"[{self._span(start)}]")
            resolved = self.resolve(val)
            return resolved if resolved is not None else Poly.sym(val)
        raise PolyError(f"unexpected `{val}` in `{self.text}`")

    def _expect(self, v: str) -> None:
        if self.pos >= len(self.toks) or self.toks[self.pos][1] != v:
            raise PolyError(f"expected `{v}` in `{self.text}`")
        self.pos += 1

    def _skip_balanced(self) -> None:
        pairs = {"(": ")", "<": ">", "{": "}", "[": "]"}
        if self.pos < len(self.toks) and self.toks[self.pos][1] == "<":
            depth = 0
            while self.pos < len(self.toks):
                v = self.take()[1]
                depth += v == "<"
                depth -= v == ">"
                if depth == 0:
                    break
        if self.pos < len(self.toks) and self.toks[self.pos][1] in pairs:
            opener = self.toks[self.pos][1]
            closer = pairs[opener]
            depth = 0
            while self.pos < len(self.toks):
                v = self.take()[1]
                depth += v == opener
                depth -= v == closer
                if depth == 0:
                    break


def try_poly(text: str, resolve: Callable[[str], Poly | None] | None = None) -> Poly:
    """parse_poly that never raises: unreadable text becomes one opaque atom."""
    try:
        return parse_poly(text, resolve)
    except (PolyError, RecursionError, ValueError):
        return Poly.sym(f"[{canon(text)}]")


@dataclass
class Env:
    """Name -> expression text, resolved recursively into Polys (cycle-safe)."""

    exprs: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, Poly] = field(default_factory=dict)
    atom: Callable[[str], int | None] | None = None  # literal names, e.g. tt::CBIndex::c_16 -> 16

    def resolve(self, name: str, _seen: frozenset[str] = frozenset()) -> Poly | None:
        if self.atom is not None and (lit := self.atom(name)) is not None:
            return Poly.const(lit)
        if name in self.fixed:
            return self.fixed[name]
        if name not in self.exprs or name in _seen:
            return None
        seen = _seen | {name}
        p = try_poly(self.exprs[name], lambda n: self.resolve(n, seen))
        if len(p.terms) == 1 and p.terms[0][1] == 1 and len(p.terms[0][0]) == 1 and p.terms[0][0][0].startswith("["):
            return Poly.sym(name)  # an opaque value: its name reads better than its text and compares the same
        return p

    def poly(self, text: str) -> Poly:
        return try_poly(text, self.resolve)
