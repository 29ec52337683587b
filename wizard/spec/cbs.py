"""Circular-buffer tables: found by their header row wherever they are, every column set of domain.md 2.3.

1. ``CB ID | Name | Purpose | Producer | Consumer | Sizing Strategy | Lifetime``
2. the same without Lifetime
3. ``CB ID | Name | Purpose | Capacity | Block Size | Buffering | Producer | Consumer | Lifetime``
4. ``CB ID | Name | Purpose | Producer | Consumer | Pages | Lifetime`` (v2)
5. ``CB ID | Name | Purpose | Pages | Lifetime``
6. ``CB ID | Page Size | Num Pages | Data Format | Purpose`` and
   ``CB ID | Index | Page Size | Num Pages | Purpose | Source`` (factory-builder output)
plus the architect's ``CB | Pages | Layout | Valid Region | Lifetime``. CB-ID-resolution tables
(``Logical CB | Source Ref | Original ID | Final ID``) are not CB tables; their logical names become aliases.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wizard.expr import ExprError, normalize_dtype
from wizard.model import CircularBuffer, Confidence, Lifetime, PageKind, Role, Severity
from wizard.spec.markdown import Document, Table, plain
from wizard.spec.vocab import cb_index, cb_names, is_blank, lifetime_of, name_in_id_cell, role_of, try_expr

Warn = Callable[..., None]  # warn(code, message, line, severity=Severity.WARNING)

EXPLICIT, INFERRED, DEFAULT = Confidence.EXPLICIT, Confidence.INFERRED, Confidence.DEFAULT

_ID_KEYS = ("cb id", "cb", "cb index", "cb idx", "cb #", "cb ids", "circular buffer", "cb name/id")
_LOOSE_ID_KEYS = ("id", "index", "idx", "#", "buffer")  # enough only under a CB heading
_SIZE_HINT_PREFIXES = ("producer", "consumer", "pages", "num pages", "capacity", "sizing", "page size", "size",
                       "number of pages", "num tiles", "total size")

# Column roles -> accepted normalised headers (exact match first, then prefix match for the long ones).
_COLS: dict[str, tuple[str, ...]] = {
    "id": _ID_KEYS,
    "index": ("index", "idx", "cb index (int)"),
    "name": ("name", "names", "cb name", "variable"),
    "purpose": ("purpose", "description", "contents", "holds", "role"),
    "producer": ("producer", "producer kernel", "producers", "written by", "pushed by"),
    "consumer": ("consumer", "consumer kernel", "consumers", "read by", "popped by"),
    "pages": ("capacity", "capacity (pages)", "pages", "num pages", "number of pages", "num tiles", "depth",
              "sizing strategy", "sizing", "size", "total size", "capacity (tiles)"),
    "page_size": ("page size", "page size (bytes)", "page bytes"),
    "block": ("block size", "block"),
    "buffering": ("buffering", "buffers"),
    "lifetime": ("lifetime", "persistence", "lifespan", "lifetime/persistence"),
    "format": ("data format", "format", "dtype", "data type", "df"),
    "layout": ("layout", "page kind", "page type", "page layout"),
}

_CB_HEADING = re.compile(r"circular buffer|\bcbs?\b|\bcb (?:requirements|allocation|config|table|layout)", re.I)
_DISCARD_CONTEXT = re.compile(
    r"\b(removed|unused|deleted|dropped|not needed|no longer|obsolete|deprecated)\b", re.I
)
_BYTEISH = re.compile(r"size|nbytes|bytes|TILE_HW|FACE_HW", re.I)


def is_cb_table(t: Table, under_cb_heading: bool = False) -> bool:
    keys = t.keys
    ids = _ID_KEYS + _LOOSE_ID_KEYS if under_cb_heading else _ID_KEYS
    if not any(k in ids for k in keys):
        return False
    return any(k.startswith(_SIZE_HINT_PREFIXES) for k in keys)


def _under_cb_heading(doc: Document, t: Table) -> bool:
    return 0 <= t.heading < len(doc.headings) and bool(_CB_HEADING.search(doc.headings[t.heading].title))


def is_alias_table(t: Table) -> bool:
    keys = t.keys
    return any(k.startswith("final id") or k == "final" for k in keys) and any(
        k.startswith("logical") for k in keys
    )


def _columns(t: Table) -> dict[str, int]:
    keys = t.keys
    out: dict[str, int] = {}
    for role, names in _COLS.items():
        for n in names:  # exact header first
            if n in keys and keys.index(n) not in out.values():
                out[role] = keys.index(n)
                break
    if "id" not in out:  # "| ID | ..." or "| Index | ..." under a CB heading
        for j, k in enumerate(keys):
            if k in _LOOSE_ID_KEYS and j not in out.values():
                out["id"] = j
                break
    if "pages" not in out:  # "Capacity (pages, double-buffered)", "Sizing / Pages"
        for j, k in enumerate(keys):
            if j not in out.values() and k.startswith(("capacity", "sizing", "pages", "num pages")):
                out["pages"] = j
                break
    return out


def _context_score(doc: Document, t: Table) -> int:
    """Prefer tables under a CB heading (and a "final" one); drop "removed CBs" tables."""
    h = doc.headings[t.heading] if 0 <= t.heading < len(doc.headings) else None
    title = h.title if h else ""
    before = [b for b in doc.blocks if b.kind != "code" and b.line < t.line and b.heading == t.heading]
    lead = plain(before[-1].text) if before and t.line - before[-1].line <= 3 else ""
    # "### Removed CBs" or "**Removed from grid_sample** (not needed):" right above: a table of CBs that are gone.
    # A CB heading that merely mentions a removal ("CB Requirements (c_3 removed)") still holds the real table.
    if _DISCARD_CONTEXT.match(title.strip(" #*_`")) or _DISCARD_CONTEXT.search(lead):
        return -100
    score = 0
    if _CB_HEADING.search(title):
        score += 2
    if re.search(r"\bfinal\b", title, re.I):
        score += 1
    return score


def rank_cb_tables(doc: Document) -> tuple[list[Table], list[Table]]:
    """(the CB tables to read, other CB tables that may fill in columns the chosen ones lack)."""
    found = [(t, _context_score(doc, t)) for t in doc.tables if is_cb_table(t, _under_cb_heading(doc, t))]
    found = [(t, s) for t, s in found if s > -100]
    if not found:
        return [], []
    best = max(s for _, s in found)
    return [t for t, s in found if s == best], [t for t, s in found if s != best]


def select_cb_tables(doc: Document) -> list[Table]:
    return rank_cb_tables(doc)[0]


# ---------------------------------------------------------------------------------------------------------
# Size cells


def _strip_notes(s: str) -> str:
    """Drop parenthesised prose ("(double-buffered, 4 sticks ...)") but keep parenthesised maths ("(Wt + 1)")."""
    for _ in range(4):
        changed = False
        for m in reversed(list(re.finditer(r"\(([^()]*)\)", s))):
            start = m.start()
            if start > 0 and (s[start - 1].isalnum() or s[start - 1] == "_"):
                continue  # a function call: ceil(W/32)
            text, _, err = try_expr(m.group(1))
            if err is not None or not m.group(1).strip():
                s = s[:start] + " " + s[m.end() :]
                changed = True
        if not changed:
            break
    return " ".join(s.split())


_UNIT_RE = re.compile(r"^(?P<e>.*?)\s*(?<![A-Za-z0-9_])(?P<u>tiles?|sticks?|pages?|rows?)(?![A-Za-z0-9_])", re.I)


def parse_size(cell: str) -> tuple[str, PageKind | None, str | None]:
    """A sizing cell -> (pages expression or raw text, page kind or None when unknown, error or None).

    ``Wt tiles * tile_size (...)`` -> ("Wt", TILE); ``32 sticks`` -> ("32", STICK);
    ``4 * input_stick_nbytes * 2`` -> (that, BYTES); ``2*Wt`` -> ("2*Wt", None)."""
    s = plain(cell).replace("×", "*").replace("·", "*")
    s = _strip_notes(s)
    if not s:
        return "", None, "empty page count"
    m = _UNIT_RE.match(s)
    if m and m.group("e").strip():
        unit = m.group("u").lower()
        kind = PageKind.STICK if unit.startswith(("stick", "row")) else None
        if unit.startswith("tile"):
            kind = PageKind.TILE
        expr = m.group("e")
        # "Wt tiles x 2" multiplies the count; "Wt tiles * tile_size" only names the page size.
        chain = re.match(r"(?:\s*(?:[*×]|x\b)\s*[A-Za-z0-9_]+)+", s[m.end() :])
        if chain:
            factors = [f for f in re.split(r"\s*(?:[*×]|\bx\b)\s*", chain.group(0).strip()) if f]
            counts = [f for f in factors if not _BYTEISH.search(f)]
            if counts:
                expr = f"({expr})*" + "*".join(counts)
        text, _, err = try_expr(expr)
        if err is None and text is not None:
            return text, kind, None
    text, symbols, err = try_expr(s)
    if err is not None or text is None:
        return s, None, err
    if any(_BYTEISH.search(x) for x in symbols):
        return text, PageKind.BYTES, None
    return text, None, None


# A phrase that names the page itself ("RM sticks packed as tile-sized pages", "RM sticks in tile pages") decides
# over a mention of the data's layout that comes first.
_TILE_PAGES = re.compile(r"\btile[- _]?(?:sized?\s+)?pages?\b|\bpages?\s+(?:of|are)\s+tile[- _]?sized?\b", re.I)
_STICK_PAGES = re.compile(r"\b(?:stick|row)[- _]?(?:sized?\s+)?pages?\b", re.I)
_TILE_WORDS = re.compile(r"\btile[- ]?sized\b|\btiles?\b|\btile[_ ]layout\b|\btiled\b|\btile_", re.I)
_STICK_WORDS = re.compile(r"\brow[-_ ]?major|\brm\b|\bsticks?\b", re.I)


def _kind_from_text(*texts: str) -> PageKind | None:
    """Tile or stick pages from a Layout cell or a purpose: the first kind named wins
    ("Tile-sized pages (RM data)" is tile pages; "RM sticks" is stick pages)."""
    s = " ".join(texts)
    if _TILE_PAGES.search(s) and not _STICK_PAGES.search(s):
        return PageKind.TILE
    if _STICK_PAGES.search(s) and not _TILE_PAGES.search(s):
        return PageKind.STICK
    t, r = _TILE_WORDS.search(s), _STICK_WORDS.search(s)
    if t and (not r or t.start() <= r.start()):
        return PageKind.TILE
    if r:
        return PageKind.STICK
    return None


def _layout_confidence(cell: str) -> Confidence:
    """A Layout cell that names a conversion ("RM→Tile (tilize)", "Tile->RM") says what the data becomes, not
    which pages the CB holds: only a guess. One kind, or a phrase about the pages themselves, is explicit."""
    if _TILE_PAGES.search(cell) or _STICK_PAGES.search(cell):
        return EXPLICIT
    return INFERRED if _TILE_WORDS.search(cell) and _STICK_WORDS.search(cell) else EXPLICIT


# "All CB page sizes are tile_size", "All pages are tile-sized", "page size = tile_size for every CB",
# "All CBs use tile-sized pages": a note about every CB at once.
_ALL = r"\b(?:all|every|each)\b"
_TILE_SIZED = r"(?:tile[-_ ]?sized?\b|one tile\b|a (?:full )?tile\b)"
_UNIFORM_TILE_PAGES = re.compile(
    rf"{_ALL}[^.;]{{0,40}}?\bpages?\b[^.;]{{0,30}}?{_TILE_SIZED}"
    rf"|\bpages?[-_ ]?sizes?\s*(?:=|is|are|:)\s*{_TILE_SIZED}[^.;]{{0,30}}?{_ALL}"
    rf"|{_ALL}[^.;]{{0,40}}?{_TILE_SIZED}\s*pages?\b",
    re.I,
)
_EXCEPT = re.compile(r"\b(?:except|but|other than|unless|apart from|not|besides)\b", re.I)


def uniform_tile_page_note(text: str) -> bool:
    """Whether a sentence says every CB has tile-sized pages (with no exceptions named)."""
    return any(_UNIFORM_TILE_PAGES.search(s) and not _EXCEPT.search(s) for s in re.split(r"(?<=[.;])\s+", text))


def _page_note_line(doc: Document, tables: list[Table]) -> int | None:
    """The line of an every-CB-is-tile-paged note in the section of a CB table (a paragraph or bullet)."""
    headings = {t.heading for t in tables}
    for b in doc.blocks:
        if b.kind == "code" or b.heading not in headings:
            continue
        for off, raw in enumerate(b.text.split("\n")):
            if uniform_tile_page_note(plain(raw)):
                return b.line + off
    return None


def _apply_page_note(doc: Document, tables: list[Table], cbs: list[CircularBuffer]) -> None:
    """Rows whose page kind was only guessed ("RM sticks", "RM→Tile") take the note's tile pages; a row that
    states its pages keeps them."""
    line = _page_note_line(doc, tables)
    if line is None:
        return
    for cb in cbs:
        src = cb.source("page_kind")
        if cb.page_kind is not PageKind.TILE and src is not None and src.confidence is INFERRED:
            cb.page_kind = PageKind.TILE
            cb.mark("page_kind", line, INFERRED)


def _page_size_kind(cell: str) -> PageKind | None:
    s = plain(cell).lower()
    if not s:
        return None
    if "stick" in s or "row" in s:
        return PageKind.STICK
    if "tile" in s:
        return PageKind.TILE
    return PageKind.BYTES


# ---------------------------------------------------------------------------------------------------------
# Rows -> CircularBuffer


_PURPOSE_ROLES: tuple[tuple[re.Pattern[str], tuple[Role, Role]], ...] = (
    (re.compile(r"\bcompute[- ]to[- ]compute", re.I), (Role.COMPUTE, Role.COMPUTE)),
    (re.compile(r"\binput staging|\bstaging (?:of |for )?(?:the )?inputs?\b|\bfrom (?:the )?reader\b", re.I),
     (Role.READER, Role.COMPUTE)),
    (re.compile(r"\boutput staging|\bstaging (?:of |for )?(?:the )?outputs?\b|\b(?:for|to) (?:the )?writer\b", re.I),
     (Role.COMPUTE, Role.WRITER)),
)
# Scratch words say a CB is no I/O buffer at all; result words name what compute made from other CBs (which may
# still be the output the writer drains). "_" counts as a word break, so CB names match too (cb_mean, cb_tmp).
_SCRATCH_WORDS = re.compile(r"(?<![A-Za-z0-9])(?:intermediat\w*|interm|scratch\w*|accumulat\w*|temporar\w*|tmp"
                            r"|temp)(?![A-Za-z0-9])", re.I)
_RESULT_WORDS = re.compile(r"(?<![A-Za-z0-9])(?:means?|variance|var|rstd|invstd|inv std|den|denom\w*|tilized"
                           r"|untilized|normali[sz]ed|normed|centered|centred|squared|sq|partial)(?![A-Za-z0-9])",
                           re.I)
# What the reader brings in; "tilized input" or "squared input" is a result made from the input, not the input.
_READER_WORDS = re.compile(r"(?<!tilized )(?<!normalized )(?<!squared )(?<!centered )"
                           r"\b(?:inputs?|gamma|beta|scalers?|reader)\b", re.I)
_CONSTANT_NAME = re.compile(r"(?<![A-Za-z0-9])(?:eps|epsilon|const\w*)(?![A-Za-z0-9])", re.I)


def _reader_fed(index: int, name: str, about: str) -> bool:
    """An input-index CB (0-15) whose text names what the reader brings (or whose name is a constant's)."""
    return index < 16 and bool(_READER_WORDS.search(about) or _CONSTANT_NAME.search(name))


def _default_roles(index: int, purpose: str = "", name: str = "",
                   writer_index: int | None = None) -> tuple[Role, Role]:
    """Producer and consumer of a CB in a table without those columns: what the Purpose says ("compute to
    compute"; "Input staging"; "Output staging"), then a scratch word (intermediate, scratch, accumulator) or a
    result word (mean, variance, tilized, normalized ...) in the name or purpose: compute to compute, unless an
    input-index CB names the input, gamma, beta, a scaler or the reader, or (result words only) it is
    ``writer_index``, the table's last output-index CB, which the writer drains; else the CB index convention
    (domain.md 2.2): 0-7 inputs, 8-15 constants, 16-23 outputs, 24-31 intermediates."""
    for rx, roles in _PURPOSE_ROLES:
        if rx.search(purpose):
            return roles
    about = f"{name} {purpose}".replace("_", " ")
    if not _reader_fed(index, name, about) and (
        _SCRATCH_WORDS.search(about) or (_RESULT_WORDS.search(about) and index != writer_index)
    ):
        return Role.COMPUTE, Role.COMPUTE
    if index < 16:
        return Role.READER, Role.COMPUTE
    if 16 <= index < 24:
        return Role.COMPUTE, Role.WRITER
    return Role.COMPUTE, Role.COMPUTE


def _cell(row_cells: list[str], cols: dict[str, int], key: str) -> str:
    j = cols.get(key)
    return row_cells[j].strip() if j is not None and j < len(row_cells) else ""


def _writer_index(t: Table, cols: dict[str, int]) -> int | None:
    """The highest output index (16-23) in the table: the CB the writer drains when no column says so."""
    found = [i for row in t.rows if (i := cb_index(_cell(row.cells, cols, "id"))) is not None and 16 <= i < 24]
    return max(found, default=None)


def _read_table(t: Table, warn: Warn) -> tuple[list[CircularBuffer], bool]:
    cols = _columns(t)
    header_map = list(zip(t.header, t.keys, strict=False))
    last_out = _writer_index(t, cols)
    cbs = [cb for row in t.rows
           if (cb := _row_to_cb(row.cells, row.line, cols, header_map, warn, last_out)) is not None]
    return cbs, ("producer" in cols or "consumer" in cols)


def extract_cbs(doc: Document, warn: Warn) -> list[CircularBuffer]:
    tables, others = rank_cb_tables(doc)
    cbs: list[CircularBuffer] = []
    roles_inferred = False
    for k, t in enumerate(tables):
        rows, has_roles = _read_table(t, warn)
        roles_inferred |= bool(rows) and not has_roles
        if k:  # the same CB described again by a later table of equal standing: one CB, not a clash
            first = {(cb.index, cb.name.lower()): cb.line for cb in cbs}
            kept = []
            for cb in rows:
                line = first.get((cb.index, cb.name.lower()))
                if line is None:
                    kept.append(cb)
                else:
                    warn("cb-described-twice", f"CB c_{cb.index} ({cb.name}) is described again; the row at "
                         f"line {line} is used", cb.line, Severity.INFO)
            rows = kept
        cbs += rows
    # The architect's final "| CB | Pages | Layout |" table lacks names and producers that the Part 1 table has.
    filled = _fill_from(cbs, [cb for t in others for cb in _read_table(t, lambda *a, **k: None)[0]])
    if filled:
        roles_inferred = roles_inferred and any(cb.source("producer").confidence is INFERRED for cb in cbs)
        warn("cb-merged", f"CB table: {', '.join(filled)} completed from the other CB table "
             f"(line {others[0].line})", tables[0].line, Severity.INFO)
    if roles_inferred:
        warn("cb-roles-inferred",
             "the CB table has no Producer/Consumer columns: producers and consumers are inferred from each "
             "CB's purpose (intermediate / scratchpad / accumulator, input or output staging), else from the CB "
             "index convention (0-7 in, 8-15 constants, 16-23 out, 24-31 intermediate); check them",
             tables[0].line, Severity.INFO)
    _apply_aliases(doc, cbs)
    _apply_page_note(doc, tables + others, cbs)
    for cb in cbs:
        if cb.source("name") is not None and cb.source("name").confidence is DEFAULT:
            warn("cb-missing-name", f"CB c_{cb.index} has no name; using {cb.name!r}", cb.line, Severity.INFO)
    return cbs


_FILLABLE = ("purpose", "producer", "consumer", "producer_role", "consumer_role", "lifetime", "lifetime_text",
             "data_format", "buffering")


def _fill_from(cbs: list[CircularBuffer], others: list[CircularBuffer]) -> list[str]:
    """Fields the chosen table does not state explicitly, taken from another table's row with the same index."""
    by_index = {o.index: o for o in others}
    filled: list[str] = []
    for cb in cbs:
        o = by_index.get(cb.index)
        if o is None:
            continue
        done = False
        for f in _FILLABLE:
            mine, theirs = cb.source(f), o.source(f)
            if theirs is None or theirs.confidence not in (EXPLICIT, INFERRED):
                continue
            if mine is not None and mine.confidence is EXPLICIT:
                continue
            # An inference from the other row's name/purpose (a scaler is bfloat16, a constant lives for the
            # program) beats this row's bare default, but not this row's own inference.
            if theirs.confidence is INFERRED and mine is not None and mine.confidence is not DEFAULT:
                continue
            setattr(cb, f, getattr(o, f))
            cb.mark(f, theirs.line, theirs.confidence)
            done = done or theirs.confidence is EXPLICIT
        mine, theirs = cb.source("name"), o.source("name")
        if theirs is not None and theirs.confidence is EXPLICIT:
            if mine is None or mine.confidence is not EXPLICIT:
                old = cb.name
                cb.name, done = o.name, True
                cb.mark("name", theirs.line, EXPLICIT)
                if old != f"cb_{cb.index}" and old.lower() != cb.name.lower():
                    cb.aliases.append(old)
            elif o.name.lower() != cb.name.lower() and o.name not in cb.aliases:
                cb.aliases.append(o.name)
        for a in o.aliases:
            if a.lower() not in {cb.name.lower(), *(x.lower() for x in cb.aliases)}:
                cb.aliases.append(a)
        if done:
            filled.append(f"c_{cb.index}")
    return filled


def _row_to_cb(cells: list[str], line: int, cols: dict[str, int], header_map: list[tuple[str, str]],
               warn: Warn, writer_index: int | None = None) -> CircularBuffer | None:
    raw = {plain(h): c.strip() for (h, _), c in zip(header_map, cells, strict=False)}
    id_cell = _cell(cells, cols, "id")
    index = cb_index(id_cell) if id_cell else None
    if index is None and "index" in cols:
        index = cb_index(_cell(cells, cols, "index"))
    if index is None:
        shown = plain(id_cell) or "(empty)"
        warn("bad-cb-index",
             f"CB row has no usable CB index: {shown!r} (expected c_N, CB_N, c_inN, CBIndex::c_N or a number 0-31)",
             line, Severity.ERROR)
        return None

    names = cb_names(_cell(cells, cols, "name")) if "name" in cols else []
    name_conf = EXPLICIT
    if not names:
        from_id = name_in_id_cell(id_cell)
        if from_id:
            names, name_conf = [from_id], INFERRED
    if not names:
        names, name_conf = [f"cb_{index}"], DEFAULT
    cb = CircularBuffer(index=index, name=names[0], aliases=names[1:], line=line, raw=raw)
    cb.mark("index", line, EXPLICIT)
    cb.mark("name", line, name_conf)
    if cb.aliases:
        cb.mark("aliases", line, EXPLICIT)
    if not 0 <= index <= 31:
        warn("cb-index-out-of-range", f"CB index {index} ({plain(id_cell)!r}) is outside 0-31", line, Severity.ERROR)

    cb.purpose = plain(_cell(cells, cols, "purpose"))
    if cb.purpose:
        cb.mark("purpose", line, EXPLICIT)

    # Producer / consumer
    if "producer" in cols or "consumer" in cols:
        cb.producer = plain(_cell(cells, cols, "producer"))
        cb.consumer = plain(_cell(cells, cols, "consumer"))
        cb.producer_role = role_of(cb.producer)
        cb.consumer_role = role_of(cb.consumer)
        for f in ("producer", "consumer", "producer_role", "consumer_role"):
            cb.mark(f, line, EXPLICIT)
    else:
        cb.producer_role, cb.consumer_role = _default_roles(index, cb.purpose, names[0], writer_index)
        cb.producer, cb.consumer = cb.producer_role.value.capitalize(), cb.consumer_role.value.capitalize()
        for f in ("producer", "consumer", "producer_role", "consumer_role"):
            cb.mark(f, line, INFERRED)

    # Pages and page kind
    sizing = _cell(cells, cols, "pages")
    cb.sizing_text = plain(sizing)
    if cb.sizing_text:
        cb.mark("sizing_text", line, EXPLICIT)
    layout_kind = _kind_from_text(plain(_cell(cells, cols, "layout"))) if "layout" in cols else None
    page_size_cell = _cell(cells, cols, "page_size")
    kind: PageKind | None = None
    kind_conf = EXPLICIT
    if sizing and not is_blank(sizing):
        pages, kind, err = parse_size(sizing)
        if err is not None:
            warn("bad-pages-expression", f"CB c_{index} ({cb.name}): bad page count: {err}", line, Severity.ERROR)
            cb.pages = cb.sizing_text
        else:
            cb.pages = pages
        cb.mark("pages", line, EXPLICIT)
        if page_size_cell and kind is None:
            psk = _page_size_kind(page_size_cell)
            if psk is PageKind.BYTES:  # numeric page size x page count: a byte total
                ps_text, _, ps_err = try_expr(plain(page_size_cell))
                if ps_err is None and ps_text is not None and err is None:
                    cb.pages = f"({ps_text})*({pages})"
                    kind = PageKind.BYTES
            else:
                kind = psk
    else:
        cb.pages = "2"
        cb.mark("pages", line, DEFAULT)
        warn("cb-missing-pages", f"CB c_{index} ({cb.name}) has no page count; using 2 (double buffer)", line)
    if layout_kind is not None:
        kind, kind_conf = layout_kind, _layout_confidence(plain(_cell(cells, cols, "layout")))
    if kind is None:
        about = f"{cb.purpose} {cb.name}"
        guess = _kind_from_text(about) if re.search(r"\brm\b|row[- ]?major|stick", about, re.I) else None
        # RM-stick CBs in tilize/untilize pipelines are still sized in tile-sized pages when the cell says "tiles";
        # only a cell without a unit falls back to the purpose/name.
        kind, kind_conf = (guess, INFERRED) if guess else (PageKind.TILE, DEFAULT)
    cb.page_kind = kind
    cb.mark("page_kind", line, kind_conf)

    # Buffering
    buf = plain(_cell(cells, cols, "buffering"))
    if buf:
        cb.buffering = buf.split()[0].capitalize()
        cb.mark("buffering", line, EXPLICIT)
    else:
        low = cb.sizing_text.lower()
        if "double" in low:
            cb.buffering = "Double"
        elif "single" in low:
            cb.buffering = "Single"
        if cb.buffering:
            cb.mark("buffering", line, INFERRED)

    # Lifetime
    life_cell = plain(_cell(cells, cols, "lifetime"))
    if life_cell:
        cb.lifetime_text = life_cell
        cb.mark("lifetime_text", line, EXPLICIT)
        life = lifetime_of(life_cell)
        if life is None:
            cb.lifetime = Lifetime.UNKNOWN
            warn("cb-unknown-lifetime", f"CB c_{index} ({cb.name}): lifetime {life_cell!r} is not one of "
                 "Block / Row / Program (or Per-iter, Per tile-row, PERSISTENT ...)", line)
            cb.mark("lifetime", line, EXPLICIT)
        else:
            cb.lifetime = life
            cb.mark("lifetime", line, EXPLICIT)
    else:
        hint = f"{cb.purpose} {cb.producer} {cb.name}".lower()
        if re.search(r"\bonce\b|scaler|epsilon|\beps\b|constant|persist", hint):
            cb.lifetime = Lifetime.PROGRAM
            cb.mark("lifetime", line, INFERRED)
        else:
            cb.lifetime = Lifetime.BLOCK
            cb.mark("lifetime", line, DEFAULT)

    # Data format
    fmt = plain(_cell(cells, cols, "format"))
    if fmt:
        try:
            cb.data_format = normalize_dtype(fmt.split()[0].strip(",;"))
        except ExprError:
            low = fmt.lower()
            cb.data_format = "output" if "output" in low else "input" if "input" in low else fmt
        cb.mark("data_format", line, EXPLICIT)
    elif "scaler" in f"{cb.name} {cb.purpose}".lower():
        cb.data_format = "bfloat16"  # reduce scaler tiles are bfloat16 (domain.md 2.2 hardware checklist)
        cb.mark("data_format", line, INFERRED)
    elif cb.consumer_role is Role.WRITER or 16 <= index <= 23:
        cb.data_format = "output"
        cb.mark("data_format", line, INFERRED)
    else:
        cb.data_format = "input"
        cb.mark("data_format", line, DEFAULT)
    return cb


def _apply_aliases(doc: Document, cbs: list[CircularBuffer]) -> None:
    """Logical names from CB-ID-resolution tables (``CB_in (row-major input) | ... | c_0``) become aliases."""
    by_index = {cb.index: cb for cb in cbs}
    for t in doc.tables:
        if not is_alias_table(t):
            continue
        keys = t.keys
        final = next(j for j, k in enumerate(keys) if k.startswith("final"))
        logical = next(j for j, k in enumerate(keys) if k.startswith("logical"))
        for row in t.rows:
            idx = cb_index(row.cells[final]) if final < len(row.cells) else None
            cb = by_index.get(idx) if idx is not None else None
            if cb is None:
                continue
            for n in cb_names(row.cells[logical]):
                known = {cb.name.lower(), *(a.lower() for a in cb.aliases)}
                if n.lower() not in known:
                    cb.aliases.append(n)
                    cb.mark("aliases", row.line, INFERRED)
