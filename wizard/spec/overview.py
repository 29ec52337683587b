"""Overview bullets: operation name, category, planning mode, references (ops + analyses with roles)."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.model import Confidence, OpSpec, Reference, Severity
from wizard.spec.markdown import Document, KeyValue, norm_key, plain
from wizard.spec.vocab import is_blank

EXPLICIT, INFERRED, DEFAULT = Confidence.EXPLICIT, Confidence.INFERRED, Confidence.DEFAULT

DEFAULT_CATEGORY = "experimental"  # ttnn/cpp/ttnn/operations/experimental exists for ops without a home yet
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def snake(text: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text.strip())
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    return s


def _overview_pairs(doc: Document) -> list[KeyValue]:
    ov = doc.first(r"^\s*(?:\d+[.)]?\s*)?overview\b")
    if ov is not None:
        pairs = doc.pairs_in(ov)
        for t in doc.tables_in(ov):  # "| Field | Value |" overviews
            if len(t.header) >= 2:
                pairs += [KeyValue(norm_key(r.cells[0]), plain(r.cells[0]), r.cells[1], r.line, t.heading, -1)
                          for r in t.rows if r.cells[0].strip()]
        if pairs:
            return sorted(pairs, key=lambda p: p.line)
    # No Overview heading (or an empty one): accept the bullets that come before the second heading.
    limit = doc.headings[1].line if len(doc.headings) > 1 else len(doc.lines) + 1
    return [p for p in doc.pairs if p.line < limit]


def _get(pairs: list[KeyValue], *patterns: str) -> KeyValue | None:
    for pat in patterns:
        rx = re.compile(pat)
        for p in pairs:
            if rx.fullmatch(p.key):
                return p
    return None


def extract_overview(doc: Document, spec: OpSpec, warn, path: Path | None) -> None:
    pairs = _overview_pairs(doc)
    _name(doc, spec, warn, path, _get(pairs, r"operation name", r"op(?:eration)? name", r"name", r"operation"))
    _category(spec, warn, path, _get(pairs, r"category", r"op category", r"operation category"))
    mode = _get(pairs, r"planning mode", r"mode")
    if mode is not None and not is_blank(mode.value):
        spec.planning_mode = plain(mode.value)
        spec.mark("planning_mode", mode.line, EXPLICIT)
    _references(doc, spec, pairs)


def _name(doc: Document, spec: OpSpec, warn, path: Path | None, kv: KeyValue | None) -> None:
    if kv is not None and not is_blank(kv.value):
        value = plain(kv.value)
        value = re.sub(r"\(.*?\)", " ", value).strip()  # "(alias: variance_w)"
        if _IDENT.fullmatch(value):
            spec.name = value
            spec.mark("name", kv.line, EXPLICIT)
            return
        spec.name = snake(value)
        if spec.name:
            spec.mark("name", kv.line, INFERRED)
            warn("name-normalised", f"operation name {value!r} is not an identifier; using {spec.name!r}",
                 kv.line, Severity.WARNING)
            return
    # Title: "# reduce_avg_w_rm Functional Specification", "# Operation Design: foo".
    title = doc.headings[0] if doc.headings and doc.headings[0].level == 1 else None
    if title is not None:
        t = title.title
        m = re.match(r"(?i)operation design\s*:\s*`?([A-Za-z_][A-Za-z0-9_]*)", t) or re.match(
            r"(?i)(.+?)\s+(?:functional\s+)?spec(?:ification)?\s*$", t
        )
        if m:
            spec.name = snake(m.group(1))
            if spec.name:
                spec.mark("name", title.line, INFERRED)
                warn("name-inferred", f"no **Operation Name** bullet in the Overview; name {spec.name!r} taken "
                     "from the title", title.line, Severity.WARNING)
                return
    if path is not None:
        m = re.match(r"(?i)([A-Za-z_][A-Za-z0-9_]*)_(?:spec|op_design|design)\.md$", path.name)
        if m:
            spec.name = m.group(1)
            spec.mark("name", None, INFERRED)
            warn("name-inferred", f"no **Operation Name** in the spec; name {spec.name!r} taken from the file name",
                 None, Severity.WARNING)
            return
    warn("missing-name", "no operation name: add '- **Operation Name**: my_op' under '## Overview'",
         kv.line if kv else None, Severity.ERROR)


def _category(spec: OpSpec, warn, path: Path | None, kv: KeyValue | None) -> None:
    if kv is not None and not is_blank(kv.value):
        m = _IDENT.match(plain(kv.value).replace("-", "_"))
        if m:
            spec.category = m.group(0).lower()
            spec.mark("category", kv.line, EXPLICIT)
            return
    if path is not None:
        parts = list(path.resolve().parts) if path.is_absolute() else list(path.parts)
        if "operations" in parts:
            k = len(parts) - 1 - parts[::-1].index("operations")
            if k + 2 < len(parts) and parts[k + 1] != spec.name and _IDENT.fullmatch(parts[k + 1]):
                spec.category = parts[k + 1]
                spec.mark("category", None, INFERRED)
                warn("missing-category", f"no **Category** in the Overview; using {spec.category!r} from the spec's "
                     "location", kv.line if kv else None, Severity.WARNING)
                return
    spec.category = DEFAULT_CATEGORY
    spec.mark("category", None, DEFAULT)
    warn("missing-category", f"no **Category** in the Overview; using the default {DEFAULT_CATEGORY!r}",
         kv.line if kv else None, Severity.WARNING)


def _references(doc: Document, spec: OpSpec, pairs: list[KeyValue]) -> None:
    ops = _get(pairs, r"reference operations?(?: ?\(s\))?", r"reference ops?", r"references?")
    if ops is not None:
        for item in re.split(r"\s*[,;]\s*(?![^()]*\))|\s+and\s+", plain(ops.value)):
            role_m = re.search(r"\(\s*(?:role:\s*)?([a-z][a-z_]*)\s*\)", item)  # "tilize (input_stage)"
            name = re.sub(r"\(.*?\)", "", item).strip().strip(".")
            if name and not is_blank(name):
                ref = Reference(name=name)
                ref.mark("name", ops.line, EXPLICIT)
                if role_m and "_" in role_m.group(1):
                    ref.role = role_m.group(1)
                    ref.mark("role", ops.line, EXPLICIT)
                spec.references.append(ref)
    analyses = _get(pairs, r"reference analys[ie]s(?:/analyses)?(?: ?\(s\))?", r"reference analysis/analyses")
    if analyses is None:
        return
    entries: list[tuple[str, int]] = []
    if not is_blank(analyses.value):
        entries.append((analyses.value, analyses.line))
    entries += [(b.text, b.line) for b in doc.item_children(analyses.block)]
    for text, line in entries:
        s = plain(text)
        role_m = re.search(r"\(role:\s*([^)]+)\)", s)
        role = role_m.group(1).strip() if role_m else ""
        path_m = re.search(r"[\w./~-]+\.md\b", s)
        p = path_m.group(0) if path_m else re.sub(r"\(.*?\)", "", s).strip()
        stem = Path(p).stem.removesuffix("_analysis")
        target = next((r for r in spec.references if not r.path and (r.name in stem or stem in r.name)), None)
        if target is None:
            target = Reference(name=stem or p)
            target.mark("name", line, INFERRED)
            spec.references.append(target)
        target.path = p
        target.mark("path", line, EXPLICIT)
        if role:
            target.role = role
            target.mark("role", line, EXPLICIT)
