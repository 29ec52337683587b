"""Free-text sections kept for display and Stage 7: data flow, memory access, edge cases, test criteria,
and the symbol definitions a spec states (``Wt = ceil(W / TILE_WIDTH)``, ``const uint32_t x = ...;``)."""

from __future__ import annotations

import re

from wizard.model import Confidence, OpSpec
from wizard.spec.markdown import Document, plain
from wizard.spec.vocab import try_expr

EXPLICIT = Confidence.EXPLICIT


def extract_notes(doc: Document, spec: OpSpec) -> None:
    _data_flow(doc, spec)
    _memory_access(doc, spec)
    _edge_cases(doc, spec)
    _test_criteria(doc, spec)
    spec.symbols.update(symbol_definitions(doc))
    if spec.symbols:
        spec.mark("symbols", None, EXPLICIT)  # each written as "name = expr" in the spec (lines not kept)


def _data_flow(doc: Document, spec: OpSpec) -> None:
    sec = doc.section(r"^\W*(?:\d+[.)]?\s*)?data flow\W*$", r"data flow")
    if sec is None:
        return
    high = doc.first(r"high[- ]level flow", within=sec)
    target = high or sec
    subs = doc.children(target)
    end = subs[0].line - 1 if subs else target.end_line
    text = "\n".join(doc.lines[target.line : end]).strip("\n")
    spec.data_flow = text or doc.body(target)
    spec.mark("data_flow", target.line, EXPLICIT)


def _memory_access(doc: Document, spec: OpSpec) -> None:
    sec = doc.section(r"^\W*memory access patterns?\W*$", r"memory access")
    if sec is None:
        return
    subs = doc.children(sec)
    for sub in subs:
        spec.memory_access[sub.title] = doc.body(sub)
    if not subs and doc.body(sec).strip():
        spec.memory_access[sec.title] = doc.body(sec)
    spec.mark("memory_access", sec.line, EXPLICIT)


def _edge_cases(doc: Document, spec: OpSpec) -> None:
    sec = doc.section(r"^\W*edge cases?\W*$", r"edge cases?")
    if sec is None:
        return
    for t in doc.tables_in(sec):
        for r in t.rows:
            cells = [plain(c) for c in r.cells if c.strip()]
            if cells:
                spec.edge_cases.append(" -> ".join(cells[:2]) if len(cells) > 1 else cells[0])
    for b in doc.blocks_in(sec, "item"):
        spec.edge_cases.append(plain(b.text))
    if spec.edge_cases:
        spec.mark("edge_cases", sec.line, EXPLICIT)


def _test_criteria(doc: Document, spec: OpSpec) -> None:
    sec = doc.section(r"test criteria|testing criteria|^tests?$")
    if sec is None:
        return
    subs = doc.children(sec)
    groups = [(s.title, s) for s in subs] or [(sec.title, sec)]
    for title, h in groups:
        items = [plain(b.text) for b in doc.blocks_in(h) if b.kind in ("item", "para") and b.text.strip()]
        for t in doc.tables_in(h):  # v2: | Category | Purpose | Shape |
            items += [" | ".join(plain(c) for c in r.cells) for r in t.rows]
        for b in doc.blocks_in(h, "code"):
            items.append(b.text.strip())
        spec.test_criteria[title] = items
        if re.search(r"validation", title, re.I):
            spec.validation_behavior.extend(i for i in items if "->" in i or "→" in i or "error" in i.lower())
            spec.mark("validation_behavior", h.line, EXPLICIT)
    spec.mark("test_criteria", sec.line, EXPLICIT)


_SIZING_HEADING = re.compile(r"siz|notation|circular buffer|\bcb\b|work|core (?:assign|distrib)|symbols", re.I)
_DEF_RE = re.compile(
    r"^\s*(?:const(?:expr)?\s+)?(?P<int>u?int(?:32|16|64)?_t\s+|size_t\s+|int\s+|uint\s+)?(?:auto\s+)?"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<expr>[^=;][^;]*?)\s*;?\s*(?://.*|#.*)?$"
)


def symbol_definitions(doc: Document) -> dict[str, str]:
    """``name = expr`` found in code blocks, in backticks, and in "Notation:" lines; only parseable ones."""
    out: dict[str, str] = {}
    candidates: list[str] = []
    for b in doc.blocks:
        if b.kind == "code":
            # Only code under sizing/notation/work headings: kernel pseudo-code defines loop locals, not sizes.
            h = doc.headings[b.heading].title if 0 <= b.heading < len(doc.headings) else ""
            if _SIZING_HEADING.search(h):
                candidates += b.text.split("\n")
        else:
            candidates += re.findall(r"`([^`\n]+=[^`\n]+)`", b.text)
            for m in re.finditer(r"(?i)notation:\s*(.+)", b.text):
                candidates += re.split(r"[,;]", m.group(1))
    for line in candidates:
        if len(line) > 200 or "==" in line:
            continue
        m = _DEF_RE.match(line)
        if not m or m.group("name") in out:
            continue
        text, _, err = try_expr(m.group("expr"))
        if err is None and text is not None:
            if m.group("int"):  # a C++ integer declaration: '/' truncates, as in the factory
                text = re.sub(r"(?<!/)/(?!/)", "//", text)
            out[m.group("name")] = text
    for name, expr in table_definitions(doc).items():
        out.setdefault(name, expr)
    return out


# "### Derived Constants" / "Derived Values" / "Constants" tables: | Name | Formula | ... | or | Constant | Value |
_DEF_TABLE_HEADING = re.compile(r"derived|constants?\b|symbols?\b|notation|definitions?\b|variables\b", re.I)
_NAME_KEYS = ("name", "symbol", "constant", "variable", "quantity", "value name", "derived value", "derived constant")
_FORMULA_KEYS = ("formula", "expression", "definition", "computation", "calculation", "derivation")
_IDENT_HEAD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\b")


def _def_columns(doc: Document, t) -> tuple[int, int] | None:
    """(name column, expression column) of a definitions table; a bare ``Value`` column counts only under a
    derived-values / constants heading (a Parameters or Attribute table also has one)."""
    keys = t.keys
    c_name = next((j for j, k in enumerate(keys) if k in _NAME_KEYS), None)
    c_expr = next((j for j, k in enumerate(keys) if k in _FORMULA_KEYS), None)
    if c_expr is None and 0 <= t.heading < len(doc.headings) and _DEF_TABLE_HEADING.search(
            doc.headings[t.heading].title):
        c_expr = next((j for j, k in enumerate(keys) if k in ("value", "values")), None)
    if c_name is None or c_expr is None or c_name == c_expr:
        return None
    return c_name, c_expr


def _cell_expr(cell: str) -> str | None:
    """``H*W / 32`` or ``Ct = C / 32`` (the right-hand side), without a trailing note in parentheses."""
    s = plain(cell)
    if "=" in s and "==" not in s:
        s = s.rsplit("=", 1)[1]
    for candidate in (s, re.sub(r"\s*\([^()]*[A-Za-z]{3,}[^()]*\)\s*$", "", s)):
        text, _, err = try_expr(candidate)
        if err is None and text is not None:
            return text
    return None


def table_definitions(doc: Document) -> dict[str, str]:
    """Name -> expression from Derived Constants-style tables; rows whose value is prose are skipped."""
    out: dict[str, str] = {}
    for t in doc.tables:
        cols = _def_columns(doc, t)
        if cols is None:
            continue
        for row in t.rows:
            m = _IDENT_HEAD.match(plain(row.cells[cols[0]]))
            expr = _cell_expr(row.cells[cols[1]])
            if m and expr is not None and expr != m.group(1):
                out.setdefault(m.group(1), expr)
    return out
