"""Work distribution: unit, unit size, total-units expression, strategy, row_wise, per-core, remainder.

Forms met (domain.md 2.3): ``### Work Unit Definition`` prose + ``### Parallelization Strategy`` bullets;
a ``| Attribute | Value |`` table; ``**Granularity**:`` lines in a paragraph; a ``### Core Distribution``
table; ``### Single-Core Strategy (Template Default)`` + ``### Multi-Core Extension (Future)``;
v2's four bullets (Work unit / Grid / Work per core / Remainder).
"""

from __future__ import annotations

import re

from wizard.model import Confidence, OpSpec, Severity, Strategy, WorkDistribution
from wizard.spec.markdown import Document, Heading, is_decision, plain
from wizard.spec.symbols import defined_with_batch
from wizard.spec.vocab import BATCH_SYMBOLS, SHAPE_SYMBOLS, is_blank, try_expr

EXPLICIT, INFERRED, DEFAULT = Confidence.EXPLICIT, Confidence.INFERRED, Confidence.DEFAULT

WORK_HEADING = r"work distribution|work split|parallelization|core distribution"

_KEYS: dict[str, tuple[str, ...]] = {
    "unit": ("work unit", "granularity", "unit", "work unit definition", "unit of work"),
    "unit_size": ("unit size", "work unit size", "size"),
    "total": ("total units", "total work units", "total work", "number of units", "num units", "total"),
    "grid": ("grid", "grid topology", "grid dimensions", "grid size", "cores", "core grid", "parallelization"),
    "per_core": ("work per core", "per core", "units per core"),
    "remainder": ("remainder", "load balancing", "remainder handling", "cliff"),
    "loop": ("loop structure",),
}

# Height symbols whose presence without a batch symbol means the total ignores N and C (domain.md 0.10).
_HEIGHT_SYMBOLS = frozenset({"Ht", "H", "num_tiles_per_col", "tiles_per_col", "Hp"})


def unit_kind(text: str) -> str:
    """Normalise a work-unit description to "tile-row", "stick", "tile" or the text itself."""
    s = plain(text).lower()
    if re.search(r"tile[- ]?rows?|rows? of tiles|tile blocks?|\bblocks?\b|complete tile row|horizontal strip", s):
        return "tile-row"
    if re.search(r"\bsticks?\b|\bpixels?\b|output pixel|\brows?\b", s):
        return "stick"
    if re.search(r"\btiles?\b", s):
        return "tile"
    return plain(text)[:60] if text.strip() else "tile"


_INFERRED_TOTAL = {"tile-row": "NC*Ht", "tile": "NC*Ht*Wt", "stick": "N*C*H"}


# Sub-sections that describe the work split wherever they sit (a flattened or reordered spec): their text counts
# as part of the Work Distribution section.
_RELATED = re.compile(r"^\W*(?:\d+[.)]?\s*)?(?:work units?\b|parallelization|core (?:distribution|assignment)"
                      r"|work distribution|work split)", re.I)
_LATER = re.compile(r"future|extension|adding\b", re.I)


def work_scopes(doc: Document) -> list[Heading]:
    """The Work Distribution section, then every other work-unit / parallelization / core-distribution heading
    outside it (not a design decision, not a future extension), in document order."""
    sec = doc.section(r"^\W*(?:\d+[.)]?\s*)?work distribution\W*$", WORK_HEADING)
    scopes = [sec] if sec is not None else []
    aside = [h for h in doc.headings if is_decision(h.title) or _LATER.search(h.title)]
    for h in doc.headings:
        if not _RELATED.search(h.title) or h in aside or any(a.line < h.line <= a.end_line for a in aside):
            continue
        if any(s.line <= h.line <= s.end_line for s in scopes):
            continue  # already inside a scope
        scopes.append(h)
    return scopes


def extract_work(doc: Document, spec: OpSpec, warn) -> None:
    w = WorkDistribution()
    spec.work = w
    scopes = work_scopes(doc)
    sec = scopes[0] if scopes else None
    if sec is None:
        warn("missing-section", "no 'Work Distribution' section: unit, total and strategy are defaults",
             None, Severity.WARNING)
    values = _collect(doc, scopes)

    # Unit
    unit = values.get("unit")
    if unit is None and scopes:
        unit = _prose_unit(doc, scopes)
    if unit is not None:
        w.unit = unit_kind(unit[0])
        w.mark("unit", unit[1], EXPLICIT if unit[2] else INFERRED)
    else:
        w.mark("unit", None, DEFAULT)

    if "unit_size" in values:
        w.unit_size = plain(values["unit_size"][0])
        w.mark("unit_size", values["unit_size"][1], EXPLICIT)
    elif w.unit == "tile-row":
        w.unit_size = "Wt tiles"
        w.mark("unit_size", None, INFERRED)

    for key, attr in (("per_core", "per_core"), ("remainder", "remainder"), ("grid", "grid")):
        if key in values:
            setattr(w, attr, plain(values[key][0]))
            w.mark(attr, values[key][1], EXPLICIT)

    _strategy(doc, scopes, w, values)
    _row_wise(doc, scopes, w)
    _total(doc, sec, w, values, warn, spec.symbols)
    if spec.symbols and "symbols" not in spec.prov:
        spec.mark("symbols", None, EXPLICIT)


def _collect(doc: Document, scopes: list[Heading]) -> dict[str, tuple[str, int, bool]]:
    """First value per key from ``**Key**: value`` lines and ``| Attribute | Value |`` tables in the sections.

    Values under a "future"/"extension" sub-heading are skipped: they describe a later version."""
    out: dict[str, tuple[str, int, bool]] = {}
    future = [h for h in doc.headings if re.search(r"future|extension", h.title, re.I)
              and any(sec.line < h.line <= sec.end_line for sec in scopes)]

    def in_future(line: int) -> bool:
        return any(h.line <= line <= h.end_line for h in future)

    found: list[tuple[str, str, int]] = [(kv.key, kv.value, kv.line) for sec in scopes for kv in doc.pairs_in(sec)]
    for t in (t for sec in scopes for t in doc.tables_in(sec)):
        keys = t.keys
        if len(keys) >= 2 and keys[0] in ("attribute", "property", "aspect", "item", "parameter"):
            found += [(" ".join(plain(r.cells[0]).lower().split()), r.cells[1], r.line) for r in t.rows]
    found.sort(key=lambda x: x[2])
    for key, value, line in found:
        if in_future(line) or is_blank(value):
            continue
        for name, aliases in _KEYS.items():
            if key in aliases and name not in out:
                out[name] = (value, line, True)
                break
    return out


def _prose_unit(doc: Document, scopes: list[Heading]) -> tuple[str, int, bool] | None:
    """"One **work unit** = one tile-row", "One work unit = one output pixel", or the text under
    "Work Unit Definition"."""
    for b in (b for sec in scopes for b in doc.blocks_in(sec)):
        if b.kind == "code":
            continue
        s = plain(b.text)
        m = re.search(r"(?i)\bone\s+work\s+unit\s*(?:=|is|:)\s*(.+)", s)
        if m:
            return m.group(1), b.line, True
    subs = [h for sec in scopes for h in [sec, *doc.find(r"work unit", within=sec)]
            if re.search(r"work unit", h.title, re.I)]
    sub = subs[0] if subs else None
    if sub is not None:
        for b in doc.blocks_in(sub):
            if b.kind != "code" and b.text.strip():
                return plain(b.text), b.line, False
    return None


def _strategy(doc: Document, scopes: list[Heading], w: WorkDistribution, values: dict) -> None:
    grid = values.get("grid")
    if grid is not None:
        text = re.split(r"(?i)\bfuture\b|\blater\b", plain(grid[0]))[0].lower()
        if re.search(r"\b1\s*[x×]\s*1\b|single[- ]core|one core|\(0,\s*0\)", text):
            w.strategy = Strategy.SINGLE_CORE
            w.mark("strategy", grid[1], EXPLICIT)
            return
        if re.search(r"split_work|dynamic|multi|1d|2d|grid|cores|compute_with_storage", text):
            w.strategy = Strategy.SPLIT_WORK
            w.mark("strategy", grid[1], EXPLICIT)
            return
    for sec in scopes:
        for h in doc.find(r"single[- ]core", within=sec):
            if not re.search(r"future|extension", h.title, re.I):
                w.strategy = Strategy.SINGLE_CORE
                w.mark("strategy", h.line, EXPLICIT)
                return
    for sec in scopes:
        if re.search(r"split_work_to_cores|split_blocks|two core groups|core group", doc.body(sec), re.I):
            w.strategy = Strategy.SPLIT_WORK
            w.mark("strategy", sec.line, INFERRED)
            return
    w.strategy = Strategy.SPLIT_WORK
    w.mark("strategy", None, DEFAULT)


def _row_wise(doc: Document, scopes: list[Heading], w: WorkDistribution) -> None:
    for sec in scopes:
        body = "\n".join(doc.lines[sec.line : sec.end_line])  # from the line after the heading: offsets = lines
        m = re.search(r"row_wise\s*[=:]\s*(true|false)|row[- ]major core order", body, re.I)
        if m:
            w.row_wise = (m.group(1) or "true").lower() == "true"
            w.mark("row_wise", sec.line + 1 + body[: m.start()].count("\n"), EXPLICIT)
            return
    w.mark("row_wise", None, DEFAULT)


def _total(doc: Document, sec: Heading | None, w: WorkDistribution, values: dict, warn,
           definitions: dict[str, str]) -> None:
    """``definitions``: the spec's symbol definitions (``OpSpec.symbols``); a total written as a definition
    (``Ht = total_height / TILE_HEIGHT``) adds its own."""
    total = values.get("total")
    if total is not None:
        written = plain(total[0])
        text, symbols, err = _total_expr(written)
        if err is None and text is not None and symbols <= SHAPE_SYMBOLS:
            w.total_units = text
            w.mark("total_units", total[1], EXPLICIT)
            _note_definition(written, definitions)
            _batch_check(w, symbols, total[1], warn, definitions)
            return
        guess = _INFERRED_TOTAL.get(w.unit, "NC*Ht*Wt")
        why = err if err is not None else f"{', '.join(sorted(symbols - SHAPE_SYMBOLS))} is not bound by a shape"
        w.total_units = guess
        w.mark("total_units", total[1], INFERRED)
        warn("total-units-unevaluable", f"total work units {written!r} cannot be evaluated ({why}); using {guess} "
             f"for unit {w.unit!r} instead; override it if that is wrong", total[1], Severity.WARNING)
        return
    # Inferred from prose: "Dynamic based on total tile-rows (NC * Ht)", "min(NC * Ht, max_cores)".
    for key in ("grid", "per_core", "unit_size"):
        if key in values:
            found = _expr_in_text(values[key][0])
            if found is not None:
                w.total_units = found[0]
                w.mark("total_units", values[key][1], INFERRED)
                warn("work-total-inferred", f"total work units {found[0]!r} inferred from {plain(values[key][0])!r}",
                     values[key][1], Severity.INFO)
                _batch_check(w, found[1], values[key][1], warn, definitions)
                return
    guess = _INFERRED_TOTAL.get(w.unit, "NC*Ht*Wt")
    w.total_units = guess
    w.mark("total_units", None, INFERRED)
    warn("work-total-inferred", f"the spec gives no total number of work units; assuming {guess} for unit "
         f"{w.unit!r} (batch-aware)", sec.line if sec else None, Severity.INFO)


def _total_expr(written: str) -> tuple[str | None, frozenset[str], str | None]:
    """``NC * Ht (batch * ...)``, ``Ht tile-rows``, ``Ht_total = NC * Ht``: the expression, trying the right-hand
    side of a definition first."""
    candidates = [written]
    if "=" in written:
        lhs, _, rhs = written.partition("=")
        candidates = [rhs, lhs]
    result: tuple[str | None, frozenset[str], str | None] = (None, frozenset(), "empty")
    for c in candidates:
        result = try_expr(_strip_unit_words(c.strip()))
        if result[2] is None and result[1] <= SHAPE_SYMBOLS:
            return result
    first = try_expr(_strip_unit_words(candidates[0].strip()))
    return first if first[2] is None or result[2] is not None else result


def _strip_unit_words(s: str) -> str:
    s = re.sub(r"(?i)^\s*(?:all|total|about|approx\.?)\s+", "", s)
    return re.sub(r"(?i)\s+(?:tile[- ]rows?|rows?|sticks?|tiles?|units?|pixels?|blocks?|work units?)\b.*$", "", s)


_TOTAL_SYMBOLS = _HEIGHT_SYMBOLS | BATCH_SYMBOLS | {"Wt", "W", "Ct", "HW"}


def _expr_in_text(text: str) -> tuple[str, frozenset[str]] | None:
    """A parenthesised or function-argument expression of shape symbols inside prose."""
    s = re.split(r"(?i)\bfuture\b|\blater\b|\bextension\b", plain(text))[0]  # a later version's split is not this one's
    for m in re.finditer(r"\(([^()]+)\)", s):
        if re.search(r"[/%]\s*$", s[: m.start()]):
            continue  # "volume / (H * W)": a divisor inside a larger formula, not the total
        for part in m.group(1).split(","):
            e, symbols, err = try_expr(part)
            if err is None and e is not None and symbols and symbols <= _TOTAL_SYMBOLS:
                return e, symbols
    return None


def _note_definition(written: str, definitions: dict[str, str]) -> None:
    """``Ht = total_height / TILE_HEIGHT`` in the total cell defines ``Ht``: keep it with the spec's symbols."""
    lhs, eq, rhs = written.partition("=")
    name = lhs.strip()
    if not eq or "=" in rhs or not re.fullmatch(r"[A-Za-z_]\w*", name):
        return
    text, _, err = try_expr(_strip_unit_words(rhs.strip()))
    if err is None and text is not None:
        definitions.setdefault(name, text)


def _batch_check(w: WorkDistribution, symbols: frozenset[str], line: int | None, warn,
                 definitions: dict[str, str]) -> None:
    """Warn when the total uses a height but no batch quantity, unless the spec defines its symbols from one
    (``Ht = physical_volume / (W * 32)`` already counts every batch slice)."""
    if symbols & _HEIGHT_SYMBOLS and not symbols & BATCH_SYMBOLS and not defined_with_batch(symbols, definitions):
        fixed = f"NC*{w.total_units}" if re.fullmatch(r"\w+", w.total_units) else f"NC*({w.total_units})"
        warn("work-unit-ignores-batch",
             f"total work units {w.total_units!r} ignores the batch dimensions (N, C): split over it, a batched "
             f"input would only have its first slice processed; use {fixed!r} unless the op is really batch-free",
             line, Severity.WARNING)
