"""A small C++ reader for the idioms tt-metal factories and kernels use.

Not a C++ parser: it masks comments and string literals (keeping every offset, so line numbers
stay exact), finds calls with balanced parentheses, splits top-level arguments, and finds the
control blocks (for / while / if / else) that enclose a position, with a loop's trip count when
the header has the plain ``for (uint32_t i = a; i < b; ++i)`` form.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from dataclasses import dataclass, field

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}


_LEXEMES = re.compile(
    r"(?P<lc>//[^\n]*)"
    r"|(?P<bc>/\*.*?(?:\*/|\Z))"
    r"|(?P<raw>(?<![\w])R\"(?P<delim>[^()\\\s]{0,16})\(.*?\)(?P=delim)\")"
    r"|(?P<str>\"(?:[^\"\\\n]|\\.)*\"?)"
    r"|(?P<chr>(?<![\w'])'(?:[^'\\\n]|\\.){1,8}')",
    re.S,
)
_NOT_NL = re.compile(r"[^\n]")


def mask(text: str, *, strings: bool = True) -> str:
    return _mask(text, strings)


@lru_cache(maxsize=64)
def _mask(text: str, strings: bool) -> str:
    """Blank comments (and, with ``strings``, string/char literal contents) with spaces.

    Newlines survive so offsets and line numbers in the result equal those of ``text``.
    Quotes are kept so a masked string still reads as a token.
    """

    def sub(m: re.Match[str]) -> str:
        kind = m.lastgroup if m.lastgroup != "delim" else "raw"
        tok = m.group(0)
        if kind in ("lc", "bc"):
            return _NOT_NL.sub(" ", tok)
        if not strings or len(tok) < 2:
            return tok
        if kind == "raw":
            return tok[:2] + _NOT_NL.sub(" ", tok[2:-1]) + tok[-1]
        return tok[0] + _NOT_NL.sub(" ", tok[1:-1]) + tok[-1]

    return _LEXEMES.sub(sub, text)


class LineIndex:
    """Offset -> 1-based line and column."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def col(self, offset: int) -> int:
        return offset - self.starts[self.line(offset) - 1] + 1


_BRACKET = re.compile(r"[()\[\]{}]")


@lru_cache(maxsize=64)
def bracket_pairs(masked: str) -> dict[int, int]:
    """Open-bracket offset -> its closing offset, for every balanced pair (computed once per text)."""
    pairs: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for m in _BRACKET.finditer(masked):
        c, k = m.group(0), m.start()
        if c in _OPEN:
            stack.append((_OPEN[c], k))
        elif stack and stack[-1][0] == c:
            pairs[stack.pop()[1]] = k
        else:
            # a stray closer: drop the innermost opens that cannot match it
            while stack and stack[-1][0] != c:
                stack.pop()
            if stack:
                pairs[stack.pop()[1]] = k
    return pairs


def match_close(masked: str, open_idx: int) -> int:
    """Index of the bracket closing the one at ``open_idx`` (or len(masked) when unbalanced)."""
    return bracket_pairs(masked).get(open_idx, len(masked))


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside (), [], {} (and template angle brackets after a name)."""
    parts: list[str] = []
    depth, angle, start = 0, 0, 0
    for k, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "<" and depth == 0 and k > 0 and (text[k - 1].isalnum() or text[k - 1] == "_"):
            # template argument list, e.g. std::map<uint8_t, tt::DataFormat>; a comparison is `a < b` with spaces
            angle += 1
        elif c == ">" and angle and depth == 0:
            angle -= 1
        elif c == sep and depth == 0 and angle == 0:
            parts.append(text[start:k])
            start = k + 1
    tail = text[start:]
    if tail.strip():
        parts.append(tail)  # a trailing comma (`{a, b,}`) adds no element
    return [p.strip() for p in parts]


@dataclass
class Call:
    name: str  # the matched function name, without namespace qualification
    qualified: str  # as written, e.g. "tt::tt_metal::create_cb"
    template: str | None  # text between <...> after the name, if any
    args: list[str]  # top-level arguments as written in the source (strings intact)
    start: int  # offset of the name
    open: int  # offset of "("
    end: int  # offset of ")"
    line: int
    qstart: int = 0  # offset of the qualified name (namespace prefix included)

    def arg(self, k: int) -> str | None:
        return self.args[k] if k < len(self.args) else None


def find_calls(text: str, masked: str, names: str, lines: LineIndex | None = None, *, methods: bool = False) -> list[Call]:
    """Calls of functions whose unqualified name matches the regex ``names``.

    ``masked`` is ``mask(text)``; matching runs on it (so calls in comments are ignored) and
    the arguments are cut from ``text`` (so string literals keep their contents).
    """
    lines = lines or LineIndex(text)
    pat = _call_pattern(names, methods)
    calls: list[Call] = []
    for m in pat.finditer(masked):
        k = m.end()
        template = None
        if m.group(2):
            close = _match_angle(masked, k - 1)
            if close < 0:
                continue
            template = text[k:close].strip()
            k = close + 1
        while k < len(masked) and masked[k].isspace():
            k += 1
        if k >= len(masked) or masked[k] != "(":
            continue
        close = match_close(masked, k)
        args = split_top(text[k + 1 : close]) if text[k + 1 : close].strip() else []
        q = _QUAL.search(masked, max(0, m.start(1) - 160), m.start(1)) if masked[m.start(1) - 1 : m.start(1)] in (":", " ") else None
        qual = q.group(1).replace(" ", "") if q else ""
        qstart = q.start(1) if q else m.start(1)
        calls.append(Call(m.group(1), qual + m.group(1), template, args, m.start(1), k, close, lines.line(m.start(1)), qstart))
    return calls


_QUAL = re.compile(r"((?:[A-Za-z_]\w*\s*::\s*)+)$")


@lru_cache(maxsize=64)
def _call_pattern(names: str, methods: bool) -> re.Pattern[str]:
    behind = r"(?<![\w])" if methods else r"(?<![\w.])(?<!->)"
    return re.compile(behind + r"(" + names + r")(?!\w)\s*(<)?")


def _match_angle(masked: str, k: int) -> int:
    depth = 0
    for j in range(k, min(len(masked), k + 400)):
        c = masked[j]
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
            if depth == 0:
                return j
        elif c in ";{}":
            return -1
    return -1


@dataclass
class Block:
    """A control statement's body: the span [body_start, body_end) and what it means for counting."""

    kind: str  # "for" | "while" | "do" | "if" | "else" | "range-for"
    header: str  # the text inside the parentheses (for / while / if), "" for else / do
    line: int
    body_start: int
    body_end: int
    start: int = 0  # offset of the keyword
    step: tuple[str, str] | None = None  # (step, count with step 1) for `i += step` loops
    loop_var: str | None = None
    count: str | None = None  # trip count as a C++ expression when the header is simple
    why_unknown: str = ""  # when a loop's count is unknown: the reason

    def contains(self, offset: int) -> bool:
        return self.body_start <= offset < self.body_end


_FOR_INIT = re.compile(r"^(?:[\w:<>]+\s+)*?(\w+)\s*(?:=\s*(.+)|\{\s*(.*)\s*\}|\(\s*(.*)\s*\))$", re.S)
_FOR_COND = re.compile(r"^(\w+)\s*(<=|<|!=)\s*(.+)$|^(.+?)\s*(>=|>)\s*(\w+)$", re.S)


def loop_count(header: str) -> tuple[str | None, str | None, str]:
    """(loop variable, trip count expression, reason when unknown) of a ``for`` header.

    A step other than 1 (``i += s``) gives no count; ``loop_step`` says what the step and the
    step-1 count are, for a caller that can resolve ``s``.
    """
    var, count, why, _step = loop_count_step(header)
    return var, count, why


def loop_count_step(header: str) -> tuple[str | None, str | None, str, tuple[str, str] | None]:
    """loop_count plus (step, count with step 1) for `i += step` loops."""
    parts = split_top(header, ";")
    if len(parts) != 3:
        return None, None, f"for ({header.strip()}) is not an init; condition; step loop", None
    init, cond, step = (p.strip() for p in parts)
    init = split_top(init)[0] if init else init  # `uint32_t i = 0, n = 0`: the first declarator is the counter
    mi = _FOR_INIT.match(init)
    if not mi:
        return None, None, f"loop initialiser `{init}` is not `i = start`", None
    var = mi.group(1)
    start = (mi.group(2) or mi.group(3) or mi.group(4) or "").strip()
    mc = _FOR_COND.match(cond)
    if not mc:
        return var, None, f"loop condition `{cond}` is not `{var} < bound`", None
    if mc.group(1):
        cvar, op, bound = mc.group(1), mc.group(2), mc.group(3).strip()
    else:
        bound, op, cvar = mc.group(4).strip(), {">": "<", ">=": "<="}[mc.group(5)], mc.group(6)
    if cvar != var:
        return var, None, f"loop condition `{cond}` tests `{cvar}`, not the loop variable `{var}`", None
    if start in ("", "0", "0u", "0U"):
        count = bound if op != "<=" else f"({bound}) + 1"
    else:
        count = f"({bound}) - ({start})" if op != "<=" else f"({bound}) - ({start}) + 1"
    norm_step = step.replace(" ", "")
    if norm_step in (f"++{var}", f"{var}++", f"{var}+=1", f"{var}={var}+1"):
        return var, count, "", None
    ms = re.fullmatch(re.escape(var) + r"\+=(.+)|" + re.escape(var) + "=" + re.escape(var) + r"\+(.+)", norm_step)
    if ms:
        return var, None, f"loop step `{step}` is not 1", (ms.group(1) or ms.group(2), count)
    return var, None, f"loop step `{step}` is not `++{var}`", None


_CTRL = re.compile(r"(?<![\w.])(for|while|if|else|do|switch)\b")


def control_blocks(masked: str, lines: LineIndex | None = None) -> list[Block]:
    """Every for / while / do / if / else / switch body in the masked text."""
    lines = lines or LineIndex(masked)
    blocks: list[Block] = []
    for m in _CTRL.finditer(masked):
        kw = m.group(1)
        k = m.end()
        header = ""
        while k < len(masked) and masked[k].isspace():
            k += 1
        if kw in ("for", "while", "if", "switch"):
            if kw == "if" and masked.startswith("constexpr", k):
                k += len("constexpr")
                while k < len(masked) and masked[k].isspace():
                    k += 1
            if k >= len(masked) or masked[k] != "(":
                continue
            close = match_close(masked, k)
            header = masked[k + 1 : close]
            if kw == "while" and _is_do_while_tail(masked, m.start()):
                continue
            k = close + 1
        elif kw == "else":
            # `else if` is handled by the `if` match; its body is the if's
            rest = masked[k:].lstrip()
            if rest.startswith("if") and not (len(rest) > 2 and (rest[2].isalnum() or rest[2] == "_")):
                continue
        while k < len(masked) and masked[k].isspace():
            k += 1
        if k < len(masked) and masked[k] == "{":
            body_start, body_end = k, match_close(masked, k) + 1
        else:
            body_start, body_end = k, _statement_end(masked, k)
        block = Block(kw, header, lines.line(m.start()), body_start, body_end, m.start())
        if kw == "for":
            if ":" in header and ";" not in header:
                block.kind = "range-for"
                block.why_unknown = f"range-for ({' '.join(header.split())}) has no countable bound"
            else:
                block.loop_var, block.count, block.why_unknown, block.step = loop_count_step(header)
        elif kw in ("while", "do"):
            block.why_unknown = f"`{kw}` loop at line {block.line} has no countable bound"
        blocks.append(block)
    return blocks


def _is_do_while_tail(masked: str, at: int) -> bool:
    k = at - 1
    while k >= 0 and masked[k].isspace():
        k -= 1
    return k >= 0 and masked[k] == "}" and _block_keyword_before(masked, k) == "do"


def _block_keyword_before(masked: str, close_idx: int) -> str:
    depth = 0
    for j in range(close_idx, -1, -1):
        if masked[j] == "}":
            depth += 1
        elif masked[j] == "{":
            depth -= 1
            if depth == 0:
                m = re.search(r"(\w+)\s*$", masked[:j])
                return m.group(1) if m else ""
    return ""


def _statement_end(masked: str, k: int) -> int:
    """End offset (exclusive) of the single statement starting at k."""
    m = _CTRL.match(masked, k)
    if m and m.group(1) in ("for", "while", "if", "switch"):
        j = m.end()
        while j < len(masked) and masked[j].isspace():
            j += 1
        if j < len(masked) and masked[j] == "(":
            j = match_close(masked, j) + 1
        while j < len(masked) and masked[j].isspace():
            j += 1
        if j < len(masked) and masked[j] == "{":
            return match_close(masked, j) + 1
        return _statement_end(masked, j)
    depth = 0
    for j in range(k, len(masked)):
        c = masked[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return j
            depth -= 1
        elif c == ";" and depth == 0:
            return j + 1
    return len(masked)


def enclosing(blocks: list[Block], offset: int) -> list[Block]:
    """Blocks whose body contains ``offset``, outermost first."""
    found = [b for b in blocks if b.contains(offset)]
    found.sort(key=lambda b: (b.body_start, -b.body_end))
    return found


@dataclass
class Decl:
    """``[qualifiers] type name = init;`` (or ``name{init}`` / ``name(init)``) and plain ``name = value;`` assignments."""

    name: str
    type: str
    init: str
    line: int
    start: int
    maybe_unused: bool = False
    assignments: list[tuple[str, int]] = field(default_factory=list)  # later `name = value;` (value, line)


_DECL = re.compile(
    r"\s*(\[\[maybe_unused\]\]\s*)?((?:(?:const|constexpr|static|volatile|inline)\s+)*)"
    r"(?!return\b|else\b|case\b|delete\b|new\b|throw\b|goto\b|using\b|typedef\b)"
    r"((?:[A-Za-z_][\w]*\s*::\s*)*[A-Za-z_]\w*(?:\s*<[^;{}()]*?>)?(?:\s+(?:const|int|long))*\s*[*&]?)\s+"
    r"(\[\[maybe_unused\]\]\s*)?([A-Za-z_]\w*)\s*(=|\{|\((?!\s*\)))",
)
_STMT_START = re.compile(r"^|[;{}()]", re.M)
_ASSIGN = re.compile(r"(?:^|(?<=[;{}]))\s*([A-Za-z_]\w*)\s*=(?!=)\s*", re.M)


def declarations(text: str, masked: str, lines: LineIndex | None = None) -> dict[str, list[Decl]]:
    """Variable declarations with an initialiser, by name (a name may be declared in several scopes).

    Cached per text: callers must not mutate the result.
    """
    return _declarations(text, masked)


@lru_cache(maxsize=64)
def _declarations(text: str, masked: str) -> dict[str, list[Decl]]:
    lines = LineIndex(text)
    out: dict[str, list[Decl]] = {}
    seen: set[int] = set()
    for s in _STMT_START.finditer(masked):
        m = _DECL.match(masked, s.end())
        if not m or m.start(5) in seen:
            continue
        seen.add(m.start(5))
        typ = " ".join(m.group(3).split())
        if typ in ("return", "else", "co_return", "case"):
            continue
        name = m.group(5)
        opener = m.group(6)
        k = m.end() - 1
        if opener == "=":
            end = _statement_end(masked, m.end())
            init = text[m.end() : end].rstrip(";").strip()
        else:
            close = match_close(masked, k)
            init = text[k + 1 : close].strip()
            end = close + 1
        d = Decl(name, typ, init, lines.line(m.start(5)), m.start(5), bool(m.group(1) or m.group(4)))
        out.setdefault(name, []).append(d)
    for m in _ASSIGN.finditer(masked):
        name = m.group(1)
        if name in out:
            end = _statement_end(masked, m.end())
            out[name][-1].assignments.append((text[m.end() : end].rstrip(";").strip(), lines.line(m.start(1))))
    return out


def ident_re(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])" + re.escape(name) + r"(?!\w)")


_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def string_literal(arg: str) -> str | None:
    """The value of ``"..."`` (or adjacent ``"a" "b"`` pieces); None when ``arg`` is not only string literals."""
    pieces = _STRING.findall(arg)
    if not pieces or _STRING.sub("", arg).strip():
        return None
    return "".join(pieces)


_FUNC_HEAD = re.compile(r"\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*(?:const\s*|noexcept\s*|override\s*)*\{")


def functions(masked: str, lines: LineIndex | None = None) -> list[tuple[str, int, int, int]]:
    """Function bodies not nested in another function: (name, body open, body close, line)."""
    lines = lines or LineIndex(masked)
    out: list[tuple[str, int, int, int]] = []
    pos = 0
    while True:
        m = _FUNC_HEAD.search(masked, pos)
        if not m:
            return out
        if m.group(1) in ("if", "for", "while", "switch", "catch"):
            pos = m.end()
            continue
        open_ = m.end() - 1
        close = match_close(masked, open_)
        out.append((m.group(1), open_, close, lines.line(m.start(1))))
        pos = close + 1


_PP = re.compile(r"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b([^\n]*)", re.M)


def pp_conditionals(masked: str, lines: LineIndex | None = None) -> list[tuple[int, int, str, int]]:
    """Spans under #if / #ifdef / #else ...: (start, end, condition as written, line)."""
    lines = lines or LineIndex(masked)
    out: list[tuple[int, int, str, int]] = []
    stack: list[tuple[int, str, int]] = []
    for m in _PP.finditer(masked):
        kind, rest = m.group(1), " ".join(m.group(2).split())
        if kind in ("if", "ifdef", "ifndef"):
            stack.append((m.end(), f"#{kind} {rest}".strip(), lines.line(m.start())))
        elif kind in ("elif", "else") and stack:
            start, cond, line = stack.pop()
            out.append((start, m.start(), cond, line))
            stack.append((m.end(), f"#{kind} {rest}".strip() + f" (of {cond})", lines.line(m.start())))
        elif kind == "endif" and stack:
            start, cond, line = stack.pop()
            out.append((start, m.start(), cond, line))
    return out
