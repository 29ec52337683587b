"""Cross-checks after extraction: missing sections, CB table consistency, symbols nobody defines."""

from __future__ import annotations

from wizard.model import Confidence, OpSpec, Role, Severity
from wizard.spec.markdown import Document
from wizard.spec.vocab import SHAPE_SYMBOLS, is_blank, try_expr

# (label, heading regex, severity when absent in v1 specs)
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Overview", r"overview"),
    ("API Specification", r"api specification|^section a\b|\bapi\b"),
    ("Work Distribution", r"work distribution|work split|parallelization"),
    ("Data Flow", r"data flow"),
    ("Circular Buffer Requirements", r"circular buffer|\bcbs?\b"),
    ("Memory Access Patterns", r"memory access"),
    ("Kernel Data Movement", r"kernel data movement|kernel specification"),
)
_V2_DROPPED = {"Memory Access Patterns", "Kernel Data Movement"}


def is_v2(doc: Document) -> bool:
    """Planner v2 / architect documents: "Section A/B" or "Part 1/2" headings."""
    return bool(doc.find(r"^section [ab]\b|^part [12]\b|^operation design"))


def check_sections(doc: Document, spec: OpSpec, warn) -> None:
    v2 = is_v2(doc)
    for label, pattern in _SECTIONS:
        if label == "Work Distribution":
            continue  # reported by the work extractor, which knows what it defaulted
        if doc.first(pattern) is not None:
            continue
        if label == "Circular Buffer Requirements" and spec.cbs:
            continue  # a CB table under another heading is fine
        if label == "Kernel Data Movement" and any(_explicit(k, "name") for k in spec.kernels):
            continue  # a kernel table under another heading
        if label == "API Specification" and (spec.parameters or spec.input_requirements):
            continue  # the architect's "Part 1" holds Parameters / Input Tensor Requirements directly
        dropped = v2 and label in _V2_DROPPED
        sev = Severity.INFO if dropped else Severity.WARNING
        why = " (planner v2 drops it)" if dropped else ""
        warn("missing-section", f"no '{label}' section{why}", None, sev)


def _explicit(obj, name: str) -> bool:
    src = obj.source(name)
    return src is not None and src.confidence is Confidence.EXPLICIT


def check_cbs(spec: OpSpec, warn, has_tables: bool, table_line: int | None = None) -> None:
    """``table_line``: the header line of the (first) CB table read, for a table whose rows were all unusable."""
    if not spec.cbs:
        if has_tables:
            warn("no-cb-rows", "the circular buffer table has no usable rows (each needs a CB index such as c_0)",
                 table_line, Severity.ERROR)
        else:
            warn("no-cb-table", "no circular buffer table: expected a table with a 'CB ID' column and Producer/"
                 "Consumer/Pages/Capacity/Sizing columns (e.g. under '### Circular Buffer Requirements')",
                 None, Severity.ERROR)
        return
    seen: dict[int, int | None] = {}
    for cb in spec.cbs:
        if cb.index in seen:
            first = seen[cb.index]
            where = f" (first at line {first})" if first else ""
            warn("duplicate-cb-index", f"CB index {cb.index} ({cb.name}) is used twice{where}", cb.line,
                 Severity.ERROR)
        else:
            seen[cb.index] = cb.line

    # Only a Kernel Data Movement table lists the kernels; argument tables alone (v2) may skip one with no args.
    listed = any(_explicit(k, "name") for k in spec.kernels)
    kernel_roles = {k.role for k in spec.kernels if k.role is not Role.UNKNOWN} if listed else set()
    for cb in spec.cbs:
        if not _explicit(cb, "producer"):
            continue
        if is_blank(cb.producer):
            warn("cb-unwritten", f"CB c_{cb.index} ({cb.name}) has no producer: nothing pushes it", cb.line)
        if is_blank(cb.consumer):
            warn("cb-unread", f"CB c_{cb.index} ({cb.name}) has no consumer: nothing pops it", cb.line)
        sides = (("producer", cb.producer, cb.producer_role), ("consumer", cb.consumer, cb.consumer_role))
        for side, text, role in sides:
            if is_blank(text) or role is Role.HOST:
                continue
            if role is Role.UNKNOWN:
                warn("cb-unknown-kernel", f"CB c_{cb.index} ({cb.name}): {side} {text!r} names no kernel "
                     "(expected Reader, Compute or Writer)", cb.line)
            elif kernel_roles and role not in kernel_roles:
                warn("cb-unknown-kernel", f"CB c_{cb.index} ({cb.name}): {side} {text!r} is a {role.value} kernel, "
                     "but the spec lists no such kernel", cb.line)


def known_symbols(spec: OpSpec) -> set[str]:
    names = set(SHAPE_SYMBOLS) | set(spec.symbols)
    names |= {p.name for p in spec.parameters}
    for args in (*spec.ct_args.values(), *spec.rt_args.values()):
        names |= {a.name for a in args}
    return names


def check_symbols(spec: OpSpec, warn) -> None:
    known = known_symbols(spec)
    for cb in spec.cbs:
        text, symbols, err = try_expr(cb.pages)
        if err is not None:
            continue  # already an error (bad-pages-expression)
        unknown = sorted(s for s in symbols if s not in known)
        if unknown:
            warn("unknown-symbol", f"CB c_{cb.index} ({cb.name}): page count {cb.pages!r} uses "
                 f"{', '.join(unknown)}, which the spec does not define and no sample shape binds", cb.line)
    text, symbols, err = try_expr(spec.work.total_units)
    if err is None:
        unknown = sorted(s for s in symbols if s not in known)
        src = spec.work.source("total_units")
        if unknown:
            warn("unknown-symbol", f"total work units {spec.work.total_units!r} uses {', '.join(unknown)}, "
                 "which no sample shape binds", src.line if src else None)
