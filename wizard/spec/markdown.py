"""A spec as markdown-it-py block tokens: sections, tables, bullets and ``**Key**: value`` pairs, with lines.

Only the block pass runs (the core ``inline`` rule is disabled): the parser reads inline content as
raw markdown text, so spending time on emphasis/link parsing would only cost milliseconds. markdown-it's
``token.map`` gives 0-based ``[start, end)`` line ranges; everything here is 1-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt


@cache
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": 40}).enable("table")
    # Raw inline text is all we need: no inline pass (half the time). Block rules a planner spec never needs,
    # and that would only hurt: setext headings turn "text" + "---" separators into headings that cut sections,
    # and indented-code / HTML blocks would hide tables that are merely indented or inside <details>.
    md.disable(["inline", "text_join", "lheading", "code", "html_block", "reference"])
    _silence_rule_logging()
    return md


def _silence_rule_logging() -> None:
    """markdown-it-py calls ``LOGGER.debug`` on entry to every block rule at every line (thousands of calls per
    spec, a third of the parse time) even when DEBUG is off; make those loggers' ``debug`` a no-op."""
    import logging
    import sys

    def _noop(*_args: object, **_kwargs: object) -> None:
        return None

    for name, module in list(sys.modules.items()):
        if name.startswith("markdown_it.") and isinstance(getattr(module, "LOGGER", None), logging.Logger):
            module.LOGGER.debug = _noop  # type: ignore[method-assign]


@dataclass
class Heading:
    title: str  # plain text of the heading
    level: int  # nesting level: the written one, or one deeper for a flattened sub-section (see _nest_flat)
    line: int  # 1-based
    end_line: int  # last line before the next heading of the same or a higher level
    index: int  # position in Document.headings
    written_level: int = 0  # the number of '#' in the source


@dataclass
class Block:
    """A paragraph, a list item's text, or a fenced/indented code block."""

    kind: str  # "para" | "item" | "code"
    text: str  # raw markdown (code: the code)
    line: int  # first line, 1-based
    heading: int  # index of the innermost heading above it (-1: before any heading)
    depth: int = 0  # list nesting (items: 1 = top-level bullet)
    parent: int | None = None  # index in Document.blocks of the enclosing list item
    info: str = ""  # code fence info string


@dataclass
class Row:
    cells: list[str]  # raw markdown per cell, as many as the header has
    line: int


@dataclass
class Table:
    header: list[str]
    rows: list[Row]
    line: int  # header line
    heading: int

    _keys: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def keys(self) -> list[str]:
        if self._keys is None:  # asked for by every extractor: normalise once
            self._keys = [header_key(h) for h in self.header]
        return self._keys

    def col(self, *names: str) -> int | None:
        """Index of the first column whose normalised header equals one of ``names``."""
        keys = self.keys
        for n in names:
            if n in keys:
                return keys.index(n)
        return None


@dataclass
class KeyValue:
    """``- **Key**: value`` (a bullet) or a ``**Key**: value`` line inside a paragraph."""

    key: str  # normalised: lower case, no markup ("total work units")
    raw_key: str
    value: str  # raw markdown after the colon
    line: int
    heading: int
    block: int  # index in Document.blocks


@dataclass
class Document:
    text: str
    lines: list[str]
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pairs: list[KeyValue] = field(default_factory=list)

    # -- lookup -------------------------------------------------------------------------------------------
    def find(self, pattern: str, *, within: Heading | None = None) -> list[Heading]:
        """Headings whose title matches ``pattern`` (regex, case-insensitive), optionally inside ``within``."""
        rx = re.compile(pattern, re.IGNORECASE)
        out = [h for h in self.headings if rx.search(h.title)]
        if within is not None:
            out = [h for h in out if within.line < h.line <= within.end_line]
        return out

    def first(self, pattern: str, *, within: Heading | None = None) -> Heading | None:
        found = self.find(pattern, within=within)
        return found[0] if found else None

    def section(self, *patterns: str, within: Heading | None = None) -> Heading | None:
        """The first heading matching the first pattern that matches any; design-decision headings
        ("Decision 2: Work Distribution Strategy") never count as the section itself."""
        for pat in patterns:
            for h in self.find(pat, within=within):
                if not _DECISION.match(h.title):
                    return h
        return None

    def children(self, h: Heading) -> list[Heading]:
        """Direct sub-headings of ``h`` (the next level present below it)."""
        inner = [x for x in self.headings if h.line < x.line <= h.end_line]
        if not inner:
            return []
        top = min(x.level for x in inner)
        return [x for x in inner if x.level == top]

    def tables_in(self, h: Heading | None) -> list[Table]:
        if h is None:
            return []
        return [t for t in self.tables if h.line < t.line <= h.end_line]

    def blocks_in(self, h: Heading | None, kind: str | None = None) -> list[Block]:
        if h is None:
            return []
        return [b for b in self.blocks if h.line < b.line <= h.end_line and (kind is None or b.kind == kind)]

    def pairs_in(self, h: Heading | None) -> list[KeyValue]:
        if h is None:
            return []
        return [p for p in self.pairs if h.line < p.line <= h.end_line]

    def body(self, h: Heading) -> str:
        """The section's source text below its heading line."""
        return "\n".join(self.lines[h.line : h.end_line]).strip("\n")

    def heading_of_line(self, line: int) -> Heading | None:
        best = None
        for h in self.headings:
            if h.line <= line:
                best = h
            else:
                break
        return best

    def item_children(self, block_index: int) -> list[Block]:
        return [b for b in self.blocks if b.parent == block_index]


# ---------------------------------------------------------------------------------------------------------
# Text helpers shared by the extractors

_DECISION = re.compile(r"\s*(?:design\s+)?decision\b|\s*alternative", re.I)


def is_decision(title: str) -> bool:
    """A design-decision / alternative heading: it discusses a choice, it is not the section it names."""
    return bool(_DECISION.match(title))
_MARKUP = re.compile(r"[*_`\\<]")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def plain(text: str) -> str:
    """Markdown cell/bullet text -> plain text: no bold, no backticks, no escapes, single spaces."""
    if not _MARKUP.search(text):  # most cells are plain: skip the substitutions
        return " ".join(text.split())
    s = _BOLD.sub(r"\2", text)
    s = s.replace("`", "")
    s = _ESCAPE.sub(r"\1", s)
    s = s.replace("<br>", " ").replace("<br/>", " ").replace("<br />", " ")
    return " ".join(s.split())


def header_key(text: str) -> str:
    """Normalised table header: ``**CB ID**`` -> ``cb id``, ``Num_Pages`` -> ``num pages``."""
    s = plain(text).lower().replace("_", " ").replace("-", " ")
    s = re.sub(r"[^a-z0-9/ #]+", " ", s)
    return " ".join(s.split())


_KV_RE = re.compile(r"^\s*\*\*(?P<k>[^*\n]{1,80}?)(?P<c1>:?)\*\*\s*(?P<c2>:?)\s*(?P<v>.*)$")


def split_key_value(line: str) -> tuple[str, str] | None:
    """``**Key**: value`` / ``**Key:** value`` -> (key, value); None when the line is not one."""
    m = _KV_RE.match(line)
    if not m or not (m.group("c1") or m.group("c2")):
        return None
    key = m.group("k").strip().rstrip(":").strip()
    if not key:
        return None
    return key, m.group("v").strip()


def norm_key(key: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9/()]+", " ", plain(key).lower()).split())


# ---------------------------------------------------------------------------------------------------------
# Building the document from tokens


def parse_markdown(text: str) -> Document:
    tokens = _md().parse(text)
    lines = text.split("\n")
    doc = Document(text=text, lines=lines)
    n_lines = len(lines)

    heading_idx = -1
    item_stack: list[int | None] = []  # per open list item: index of its first text block (None until seen)
    list_depth = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            inline = tokens[i + 1] if i + 1 < len(tokens) else None
            title = plain(inline.content) if inline is not None and inline.type == "inline" else ""
            line = (tok.map[0] + 1) if tok.map else 1
            level = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1
            doc.headings.append(Heading(title=title, level=level, line=line, end_line=n_lines, index=len(doc.headings),
                                        written_level=level))
            heading_idx = len(doc.headings) - 1
            i += 3
            continue
        if t == "bullet_list_open" or t == "ordered_list_open":
            list_depth += 1
        elif t == "bullet_list_close" or t == "ordered_list_close":
            list_depth -= 1
        elif t == "list_item_open":
            item_stack.append(None)
        elif t == "list_item_close":
            if item_stack:
                item_stack.pop()
        elif t == "table_open":
            i = _read_table(tokens, i, doc, heading_idx)
            continue
        elif t in ("fence", "code_block"):
            line = (tok.map[0] + 1) if tok.map else 1
            doc.blocks.append(Block("code", tok.content, line, heading_idx, info=tok.info.strip()))
        elif t == "inline":
            line = (tok.map[0] + 1) if tok.map else 1
            in_item = bool(item_stack) and item_stack[-1] is None
            parent = _enclosing_item(item_stack, in_item)
            kind = "item" if in_item else "para"
            doc.blocks.append(Block(kind, tok.content, line, heading_idx, depth=list_depth, parent=parent))
            b_index = len(doc.blocks) - 1
            if in_item:
                item_stack[-1] = b_index
            _collect_pairs(doc, tok.content, line, heading_idx, b_index)
        i += 1

    _nest_flat(doc.headings)
    # Section ends: the line before the next heading of the same or a higher level.
    for k, h in enumerate(doc.headings):
        for later in doc.headings[k + 1 :]:
            if later.level <= h.level:
                h.end_line = later.line - 1
                break
    return doc


# ---------------------------------------------------------------------------------------------------------
# Flattened headings: "## Work Unit Definition" written as a sibling of "## Work Distribution"

# The planner template's sub-sections and the sections they belong under (domain.md 2.1). A known sub-section
# written at its section's level is nested one level deeper, so the section's range covers it again.
_PARENTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(child, re.I), re.compile(r"^\W*(?:\d+[.)]?\s*)?(?:" + parent + ")", re.I)) for child, parent in (
        (r"^work units?\b|^parallelization|^core (?:distribution|assignment)|^load balanc|^output stick ordering"
         r"|^single[- ]core strategy|^multi[- ]core (?:extension|strategy)",
         r"work distribution|work split|parallelization\b(?! strategy)"),
        (r"^kernel data movement|^circular buffer requirements|^cb (?:lifetime|sizing)|^high[- ]level flow"
         r"|^phase[- ]by[- ]phase|^detailed\b", r"data flow|section b\b|part 2\b"),
        (r"^(?:reader|writer|compute)\b[^:]*\bkernel\b", r"(?:compile[- ]?time|run[- ]?time|kernel) (?:arg|spec|impl)"),
        (r"^parameters\b|^\w+ tensors? requirements|^output tensor spec", r"api spec|section a\b|part 1\b"),
        (r"^(?:design )?decision\s+\d", r"design decisions"),
        (r"^formula|^semantic description|^numerical properties", r"mathematical definition"),
        (r"^what can be reused|^key differences", r"comparison"),
        (r"^(?:input|compute|output) stage|^interface compatibility|^cb id resolution", r"component sources"),
        (r"^riscv|^(?:reader|writer|compute)\b.*\baccess|^boundary handling", r"memory access"),
        (r"^(?:validation|shape|functional|performance) (?:behaviou?r|criteria)", r"test(?:ing)? criteria"),
    )
)
# The template's top-level sections: in a flattened document they end a run of nested sub-sections.
_TOP = re.compile(
    r"^\W*(?:\d+[.)]?\s*)?(?:overview|purpose|mathematical definition|api spec|comparison with|component sources"
    r"|design decisions|work distribution|data flow|memory access|compile[- ]?time arg|run[- ]?time arg|edge cases?"
    r"|validation requirements|agent handoff|test criteria|files to create|open questions|references"
    r"|extension points|section [a-z]\b|part \d)", re.I)


def _nest_flat(headings: list[Heading]) -> None:
    """Nest the template's sub-sections that were written at their section's level ("## Work Distribution",
    "## Work Unit Definition", "## Parallelization Strategy") one level below it; an unknown heading right after
    such a nested sibling joins them, until the next top-level section. Correctly nested documents are unchanged."""
    section: Heading | None = None  # the last heading kept at its written level
    nested_run = False  # the previous heading at the section's level was nested under it
    for h in headings:
        if section is not None and h.level == section.level and section.index > 0:
            if any(c.search(h.title) and p.search(section.title) for c, p in _PARENTS):
                h.level += 1
                nested_run = True
                continue
            if nested_run and not _TOP.search(h.title) and not any(c.search(h.title) for c, _ in _PARENTS):
                h.level += 1
                continue
        if section is None or h.level <= section.level or not nested_run:
            section, nested_run = h, False


def _enclosing_item(stack: list[int | None], in_item: bool) -> int | None:
    """The list item this block belongs under: for an item's own text, the item one level up."""
    candidates = stack[:-1] if in_item else stack
    for idx in reversed(candidates):
        if idx is not None:
            return idx
    return None


def _collect_pairs(doc: Document, content: str, line: int, heading: int, block: int) -> None:
    # A paragraph may hold several "**Key**: value" lines joined by soft breaks (layer_norm's work unit).
    for off, raw in enumerate(content.split("\n")):
        kv = split_key_value(raw)
        if kv is None:
            continue
        doc.pairs.append(KeyValue(norm_key(kv[0]), kv[0], kv[1], line + off, heading, block))


def _read_table(tokens: list, i: int, doc: Document, heading: int) -> int:
    """Consume tokens from ``table_open`` to ``table_close``; return the index after it."""
    start = tokens[i]
    header: list[str] = []
    rows: list[Row] = []
    in_head = False
    current: list[str] | None = None
    row_line = 0
    i += 1
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            current = []
            row_line = (tok.map[0] + 1) if tok.map else 0
        elif tok.type == "inline" and current is not None:
            current.append(tok.content.strip())
        elif tok.type == "tr_close" and current is not None:
            if in_head:
                header = current
            else:
                rows.append(Row(current, row_line))
            current = None
        i += 1
    line = (start.map[0] + 1) if start.map else 1
    width = len(header)
    for r in rows:  # markdown-it already pads/truncates body rows to the header's width; be sure
        if len(r.cells) < width:
            r.cells.extend([""] * (width - len(r.cells)))
        elif len(r.cells) > width:
            del r.cells[width:]
    doc.tables.append(Table(header=header, rows=rows, line=line, heading=heading))
    return i + 1
