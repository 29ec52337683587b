"""Names derived from an op name: snake_case, PascalCase, C++ identifiers, namespaces.

Kept apart from design.py so the scaffolding stages (1-3) and the UI can share one spelling of
every generated name (``reduce_avg_w_rm`` -> ``ReduceAvgWRm``, as the scaffolder spells it).
"""

from __future__ import annotations

import keyword
import re

_CPP_KEYWORDS = frozenset(
    "alignas alignof and asm auto bool break case catch char class const constexpr continue default delete do "
    "double else enum explicit extern false float for friend goto if inline int long mutable namespace new "
    "noexcept not nullptr operator or private protected public register return short signed sizeof static "
    "struct switch template this throw true try typedef typename union unsigned using virtual void volatile "
    "while".split()
)


def snake_case(text: str) -> str:
    """``Reduce Avg-W RM`` / ``reduceAvgWRm`` / `` `x` `` -> ``reduce_avg_w_rm`` (lowercase identifier)."""
    text = text.strip().strip("`*_ ")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text)
    if not text:
        return "op"
    if text[0].isdigit():
        text = f"op_{text}"
    return text


def pascal_case(snake: str) -> str:
    """``reduce_avg_w_rm`` -> ``ReduceAvgWRm`` (each part capitalised, the rest kept)."""
    return "".join(part[:1].upper() + part[1:] for part in snake_case(snake).split("_") if part)


def cpp_identifier(text: str, *, prefix: str = "v") -> str:
    """A safe C++ identifier from free text (CB names such as ``CB_rm_in`` or ``cb_standardized / x``)."""
    ident = snake_case(text)
    if ident in _CPP_KEYWORDS or keyword.iskeyword(ident):
        ident = f"{prefix}_{ident}"
    return ident


def cb_base_name(name: str, index: int) -> str:
    """The stem used for a CB's host variables: ``cb_in_rm`` -> ``in_rm``; ``CB_1`` or empty -> ``c<index>``."""
    first = re.split(r"\s*[/|,]\s*", name.strip())[0] if name.strip() else ""
    ident = cpp_identifier(first) if first else ""
    ident = re.sub(r"^cb_?", "", ident)
    if not ident or ident.isdigit() or re.fullmatch(r"(c|in|out|intermed)?\d+", ident):
        ident = f"c{index}"
    return ident


def category_name(text: str) -> str:
    """``reduction (fused format conversion + reduction)`` -> ``reduction``; empty -> ``misc``."""
    m = re.search(r"[A-Za-z][A-Za-z0-9_\- ]*", text or "")
    if not m:
        return "misc"
    head = re.split(r"[\s(]", m.group(0).strip())[0]
    return snake_case(head) or "misc"


def namespace_for(category: str, op: str) -> str:
    """The namespace current scaffolded ops use (e.g. ``ttnn::operations::reduction::variance_w_rm``)."""
    return f"ttnn::operations::{category}::{op}"


def op_rel_dir(category: str, op: str) -> str:
    return f"ttnn/cpp/ttnn/operations/{category}/{op}"
