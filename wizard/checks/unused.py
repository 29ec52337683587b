"""The -Werror unused-variable risk in host C++ (factory, device op).

tt-metal builds host code with -Werror, and Stage 5 often declares what only Stage 6 uses, so
an unused scalar local breaks the build between stages (domain.md 8, item 4). Kernels are not
checked: tt-metal's JIT builds them with -Wno-unused-variable. Class-typed locals are skipped
(compilers do not warn when construction may have effects); ``auto`` locals are warnings
because their type decides whether the compiler complains.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from wizard.checks import cpp_scan as cs
from wizard.model import Finding, Severity

CHECK = "unused"
_SCALAR = re.compile(
    r"^(?:std\s*::\s*)?(?:u?int(?:8|16|32|64)_t|int|unsigned(?:\s+(?:int|long|short|char))?|long(?:\s+long)?|short|size_t|"
    r"bool|float|double|char|uint|(?:tt\s*::\s*)?(?:tt_metal\s*::\s*)?DataFormat|(?:tt\s*::\s*tt_metal\s*::\s*)?CoreCoord|"
    r"(?:tt\s*::\s*tt_metal\s*::\s*)?KernelHandle|(?:tt\s*::\s*tt_metal\s*::\s*)?CBHandle|MathFidelity|auto)\s*[*&]?$"
)
_FUNC_OPEN = re.compile(r"(\)|\bconst|\boverride|\bnoexcept|\bmutable|\bfinal)\s*$")


def _braces(masked: str) -> list[tuple[int, int]]:
    return sorted((o, c) for o, c in cs.bracket_pairs(masked).items() if masked[o] == "{")


def _scope(pairs: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    inner = None
    for o, c in pairs:
        if o < offset < c:
            inner = (o, c)
        elif o > offset:
            break
    return inner


def _code_spans(masked: str, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Brace pairs that open a function body, lambda or control statement (after `)` or a qualifier)."""
    return [(o, c) for o, c in pairs if _FUNC_OPEN.search(masked, max(0, o - 80), o)]


def _in_function(masked: str, spans: list[tuple[int, int]], offset: int) -> bool:
    for o, c in spans:
        if o < offset < c:
            return True
        if o > offset:
            break
    return False


def check_unused(files: Mapping[str, str]) -> list[Finding]:
    out: list[Finding] = []
    for path, text in sorted(files.items()):
        if not path.endswith(".cpp") or "/kernels/" in f"/{path}":
            continue
        out += unused_in(path, text)
    return out


def unused_in(path: str, text: str) -> list[Finding]:
    masked = cs.mask(text)
    lines = cs.LineIndex(text)
    pairs = _braces(masked)
    spans = _code_spans(masked, pairs)
    out: list[Finding] = []
    for name, decls in cs.declarations(text, masked, lines).items():
        for d in decls:
            typ = d.type
            if d.maybe_unused or not _SCALAR.match(typ) or not _in_function(masked, spans, d.start):
                continue
            scope = _scope(pairs, d.start)
            if scope is None:
                continue
            after = cs._statement_end(masked, d.start)
            if cs.ident_re(name).search(masked, after, scope[1]):
                continue
            if _is_param_or_member(masked, d.start):
                continue
            auto = typ.startswith("auto")
            sev = Severity.WARNING if auto else Severity.ERROR
            why = " if its type is a scalar" if auto else ""
            out.append(Finding(CHECK, path, d.line, f"`{name}` is never used: breaks the -Werror build{why}; use it or mark it [[maybe_unused]]", sev))
    for m in re.finditer(r"\bauto\s*&{0,2}\s*\[([^\]]+)\]\s*=", masked):
        names = [n.strip() for n in m.group(1).split(",") if n.strip()]
        if "[[maybe_unused]]" in masked[max(0, m.start() - 20) : m.start()] or not _in_function(masked, spans, m.start()):
            continue
        scope = _scope(pairs, m.start())
        if scope is None:
            continue
        after = cs._statement_end(masked, m.end())
        used = [n for n in names if cs.ident_re(n).search(masked, after, scope[1])]
        if not used:
            out.append(Finding(CHECK, path, lines.line(m.start()), f"none of the structured bindings [{', '.join(names)}] is used: breaks the -Werror build; mark it [[maybe_unused]]"))
    out += _unused_params(path, text, masked, lines, spans)
    return out


def _is_param_or_member(masked: str, start: int) -> bool:
    # a declaration matched inside a parameter list `(uint32_t x = 0)` is a default argument
    depth = 0
    for k in range(start - 1, max(-1, start - 400), -1):
        c = masked[k]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                return True
            depth -= 1
        elif c in ";{}":
            return False
    return False


_FUNC_DEF = re.compile(r"\b([A-Za-z_][\w:]*)\s*\(")


def _unused_params(path: str, text: str, masked: str, lines: cs.LineIndex, spans: list[tuple[int, int]]) -> list[Finding]:
    """Named, unused parameters of function definitions (-Wunused-parameter, part of -Wextra)."""
    out: list[Finding] = []
    for m in _FUNC_DEF.finditer(masked):
        if m.group(1) in ("if", "for", "while", "switch", "return", "sizeof", "catch") or _in_function(masked, spans, m.start()):
            continue
        close = cs.match_close(masked, m.end() - 1)
        k = close + 1
        tail = re.match(r"(\s*(?:const|override|noexcept|final|mutable|->\s*[\w:<>&*\s]+?)\s*)*\s*\{", masked[k : k + 200])
        if not tail:
            continue
        body_open = k + tail.end() - 1
        body_close = cs.match_close(masked, body_open)
        params = cs.split_top(masked[m.end() : close])
        for p in params:
            if not p or p == "void" or "[[maybe_unused]]" in p or "..." in p:
                continue
            pm = re.search(r"([A-Za-z_]\w*)\s*(?:=\s*.*)?$", p)
            if not pm or len(p.split()) < 2 and "&" not in p and "*" not in p:
                continue  # unnamed parameter (type only)
            name = pm.group(1)
            if re.fullmatch(r"(const|int|unsigned|long|auto|\w+_t)", name) or p.strip().endswith(("&", "*")):
                continue
            if not cs.ident_re(name).search(masked, body_open, body_close):
                line = lines.line(m.end() + masked[m.end() : close].find(p))
                out.append(Finding(CHECK, path, line, f"parameter `{name}` of {m.group(1)}() is never used: -Wunused-parameter breaks a -Wextra -Werror build; mark it [[maybe_unused]] or leave it unnamed", Severity.WARNING))
    return out
