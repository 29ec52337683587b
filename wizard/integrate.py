"""Build integration of a scaffolded op (Stage 1): CMake source lists and the nanobind registration.

What the scaffolder's ``integrate_build.py`` does, as *previewable* edits: every change is a
``PlannedFile(root="repo")`` holding the whole new text of a checkout file, so it goes through the same
diff / approve / 3-way-merge / atomic-write path as the op's own files. The edits are computed from the
file on disk, and an edit that is already there is not made again (running twice changes nothing).

Three parts, each in the first layout found (current tt-metal first):

1. the op's three sources in the category's list, relative to the category directory:
   ``{category}/sources.cmake`` ``set(TTNN_OP_{CAT}_SRCS ...)`` (2026 layout), else
   ``{category}/CMakeLists.txt`` ``set(SOURCES ...)`` or ``target_sources(ttnn_op_... PRIVATE ...)``;
2. the nanobind source in the list of Python-binding sources: ``{category}/sources.cmake``
   ``set(TTNN_OP_{CAT}_NANOBIND_SRCS ...)``, else ``set(TTNN_SRC_PYBIND ...)`` in ``ttnn/sources.cmake``
   or ``ttnn/CMakeLists.txt``;
3. the registration call: ``{category}/{category}_nanobind.cpp``'s ``py_module(nb::module_& mod)``, else
   ``ttnn/cpp/ttnn-nanobind/__init__.cpp`` after ``auto m_{category} = ...;``.

All or nothing: when any part's layout is not recognised, no file is edited and every part not yet done
gets a precise manual instruction (file, the exact line, and where it goes), never a half edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from typing import Protocol

from wizard.model import Plan, PlannedFile
from wizard.scaffold import bind_function_name, bind_namespace, build_sources

OPS_REL = "ttnn/cpp/ttnn/operations"
INTEGRATION_STAGE = 1  # the files integration edits belong to Stage 1 (API exists)


class OpLike(Protocol):
    """What integration needs of an op: an OpDesign or an OpRef (from a Plan) both have it."""

    op_name: str
    category: str
    op_rel_dir: str


@dataclass(frozen=True)
class OpRef:
    op_name: str
    category: str
    op_rel_dir: str

    @classmethod
    def from_plan(cls, plan: Plan) -> OpRef:
        """``ttnn/cpp/ttnn/operations/{category}/{op}`` -> the op and its category."""
        parts = PurePosixPath(plan.op_rel_dir).parts
        category = parts[-2] if len(parts) >= 2 else ""
        return cls(plan.op_name, category, plan.op_rel_dir)


@dataclass
class Integration:
    """The result of planning the build integration for one op in one checkout."""

    files: list[PlannedFile] = field(default_factory=list)  # root="repo" edits (only files that change)
    done: list[str] = field(default_factory=list)  # parts already in place (nothing to do)
    manual: list[str] = field(default_factory=list)  # precise instructions when a layout is not recognised
    added: list[str] = field(default_factory=list)  # "path: line" for every line the edits add

    @property
    def complete(self) -> bool:
        return not self.manual


@dataclass
class _Text:
    """One checkout file being edited in memory."""

    path: str  # repo-relative
    text: str
    original: str


@dataclass
class _Part:
    name: str
    ok: bool
    instruction: str = ""


# ---------------------------------------------------------------------------------------------------- CMake


_SET_RE = r"\b(?i:set)\s*\(\s*{name}(?![\w])"  # CMake commands are case-insensitive, variables are not


def _find_call(text: str, head: str) -> tuple[int, int] | None:
    """(start, index of the closing paren) of the first CMake call whose opening matches regex ``head``,
    ignoring ``#`` comments; None when absent or unbalanced."""
    for m in re.finditer(head, text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if "#" in text[line_start : m.start()]:
            continue
        depth = 0
        i = text.index("(", m.start())
        while i < len(text):
            c = text[i]
            if c == "#":
                nl = text.find("\n", i)
                i = len(text) if nl < 0 else nl
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return m.start(), i
            i += 1
        return None
    return None


def _tokens(body: str) -> list[str]:
    return [t for line in body.splitlines() for t in line.split("#", 1)[0].split()]


def _entry_present(tokens: list[str], entry: str) -> bool:
    """``entry`` (a relative path) is listed, bare or prefixed (``${CMAKE_CURRENT_SOURCE_DIR}/entry``)."""
    return any(t == entry or t.endswith("/" + entry) for t in tokens)


def _add_to_list(text: str, start: int, close: int, entries: list[str], *, after: str | None = None) -> str:
    """Insert ``entries`` into the CMake call ``text[start:close+1]`` (``close`` = its closing paren), one per
    line with the indentation of the existing entries: after the last entry containing ``after`` (keeps a
    category's lines together), else after the last entry."""
    call = text[start:close]
    if "\n" not in call:  # one-line form: set(X a.cpp)  ->  set(X a.cpp b.cpp)
        return text[:close] + "".join(f" {e}" for e in entries) + text[close:]
    lines = call.split("\n")  # lines[-1] is what precedes ")" on its line ("" or an entry: "    b.cpp)")
    entry_idx = [i for i in range(1, len(lines)) if lines[i].strip() and not lines[i].strip().startswith("#")]
    indent = "    "
    if entry_idx:
        last = lines[entry_idx[-1]]
        indent = last[: len(last) - len(last.lstrip())]
    anchor = next((i for i in reversed(entry_idx) if after and after in lines[i]), entry_idx[-1] if entry_idx else 0)
    if anchor == len(lines) - 1:  # the entry shares its line with ")": add before the paren
        return text[:close] + "".join(f"\n{indent}{e}" for e in entries) + text[close:]
    new_lines = lines[: anchor + 1] + [f"{indent}{e}" for e in entries] + lines[anchor + 1 :]
    return text[:start] + "\n".join(new_lines) + text[close:]


def _target_sources_private(text: str, target_re: str) -> tuple[int, int, list[str]] | None:
    """The PRIVATE section of ``target_sources(<target> ... PRIVATE ...)``: (start, end, its entry tokens),
    end being the index just before the next keyword or the closing paren."""
    found = _find_call(text, rf"\b(?i:target_sources)\s*\(\s*{target_re}")
    if not found:
        return None
    start, close = found
    call = text[start:close]
    m = re.search(r"\bPRIVATE\b", call, re.I)
    if not m:
        return None
    sec_start = start + m.end()
    nxt = re.search(r"\b(PUBLIC|INTERFACE|PRIVATE|FILE_SET)\b", text[sec_start:close], re.I)
    sec_end = sec_start + nxt.start() if nxt else close
    return sec_start, sec_end, _tokens(text[sec_start:sec_end])


def _insert_lines_at_section_end(text: str, sec_start: int, sec_end: int, entries: list[str]) -> str:
    section = text[sec_start:sec_end]
    body_lines = [ln for ln in section.split("\n") if ln.strip() and not ln.strip().startswith("#")]
    indent = (body_lines[-1][: len(body_lines[-1]) - len(body_lines[-1].lstrip())]) if body_lines else "        "
    # insert after the last non-blank line of the section
    stripped = section.rstrip()
    cut = sec_start + len(stripped)
    return text[:cut] + "".join(f"\n{indent}{e}" for e in entries) + text[cut:]


# ---------------------------------------------------------------------------------------------------- parts


class _Checkout:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, _Text] = {}

    def get(self, rel: str) -> _Text | None:
        if rel in self.files:
            return self.files[rel]
        p = self.root / rel
        if not p.is_file():
            return None
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        self.files[rel] = _Text(rel, text, text)
        return self.files[rel]


def _sources_part(co: _Checkout, d: OpLike, out: Integration) -> _Part:
    cat = d.category
    cat_dir = f"{OPS_REL}/{cat}"
    entries = build_sources(d.op_name)
    var = f"TTNN_OP_{cat.upper()}_SRCS"
    # 1. current: {category}/sources.cmake  set(TTNN_OP_{CAT}_SRCS ...)
    for rel in (f"{cat_dir}/sources.cmake", f"{cat_dir}/CMakeLists.txt"):
        f = co.get(rel)
        if f is None:
            continue
        for name in (var, "SOURCES"):
            found = _find_call(f.text, _SET_RE.format(name=re.escape(name)))
            if not found:
                continue
            start, close = found
            missing = [e for e in entries if not _entry_present(_tokens(f.text[start:close]), e)]
            if not missing:
                out.done.append(f"{rel}: the op's sources are already in set({name} ...)")
                return _Part("sources", True)
            f.text = _add_to_list(f.text, start, close, missing)
            out.added += [f"{rel}: {e}" for e in missing]
            return _Part("sources", True)
    # 2. target_sources(ttnn_op_<cat> PRIVATE <files>) with the files listed in place
    f = co.get(f"{cat_dir}/CMakeLists.txt")
    if f is not None:
        sec = _target_sources_private(f.text, r"ttnn_op_\w+")
        if sec is not None and any(t.endswith(".cpp") for t in sec[2]):
            missing = [e for e in entries if not _entry_present(sec[2], e)]
            if not missing:
                out.done.append(f"{f.path}: the op's sources are already in target_sources(... PRIVATE ...)")
                return _Part("sources", True)
            f.text = _insert_lines_at_section_end(f.text, sec[0], sec[1], missing)
            out.added += [f"{f.path}: {e}" for e in missing]
            return _Part("sources", True)
    where = f"{cat_dir}/sources.cmake" if co.get(f"{cat_dir}/sources.cmake") else f"{cat_dir}/CMakeLists.txt"
    listing = "\n".join(f"    {e}" for e in entries)
    hint = ""
    cml = co.get(f"{cat_dir}/CMakeLists.txt")
    glob = re.search(r"^[^#\n]*\bfile\s*\(\s*GLOB", cml.text, re.M | re.I) if cml else None
    if cml is not None and glob:
        line = cml.text.count("\n", 0, glob.start()) + 1
        hint = f"\n(line {line} of {cml.path} collects sources with file(GLOB ...): if it covers {d.op_name}/, re-running CMake is enough.)"
    elif cml is None:
        hint = f"\n({cat_dir}/CMakeLists.txt does not exist: is '{cat}' an existing category? Check the spec's Category.)"
    return _Part(
        "sources",
        False,
        f"{where}: no list of the category's sources found (looked for set({var} ...), set(SOURCES ...) and "
        f"target_sources(ttnn_op_{cat} PRIVATE <files>)). Add these lines to the list of .cpp files compiled into "
        f"the category's library (paths relative to {cat_dir}/):\n{listing}{hint}",
    )


def _nanobind_source_part(co: _Checkout, d: OpLike, out: Integration) -> _Part:
    cat = d.category
    cat_dir = f"{OPS_REL}/{cat}"
    op = d.op_name
    # 1. current: the category lists its own binding sources (relative to the category dir)
    f = co.get(f"{cat_dir}/sources.cmake")
    var = f"TTNN_OP_{cat.upper()}_NANOBIND_SRCS"
    if f is not None:
        found = _find_call(f.text, _SET_RE.format(name=re.escape(var)))
        if found:
            entry = f"{op}/{op}_nanobind.cpp"
            start, close = found
            if _entry_present(_tokens(f.text[start:close]), entry):
                out.done.append(f"{f.path}: {entry} is already in set({var} ...)")
                return _Part("nanobind-source", True)
            f.text = _add_to_list(f.text, start, close, [entry])
            out.added.append(f"{f.path}: {entry}")
            return _Part("nanobind-source", True)
    # 2. ttnn's list (ttnn/sources.cmake in 2026, ttnn/CMakeLists.txt before), relative to ttnn/
    entry = f"cpp/ttnn/operations/{cat}/{op}/{op}_nanobind.cpp"
    for rel in ("ttnn/sources.cmake", "ttnn/CMakeLists.txt"):
        f = co.get(rel)
        if f is None:
            continue
        found = _find_call(f.text, _SET_RE.format(name="TTNN_SRC_PYBIND"))
        if not found:
            continue
        start, close = found
        tokens = _tokens(f.text[start:close])
        if _entry_present(tokens, entry):
            out.done.append(f"{rel}: {entry} is already in set(TTNN_SRC_PYBIND ...)")
            return _Part("nanobind-source", True)
        prefixed = [t for t in tokens if t.endswith(".cpp")]
        written = f"${{CMAKE_CURRENT_SOURCE_DIR}}/{entry}" if prefixed and all(t.startswith("${CMAKE_CURRENT_SOURCE_DIR}/") for t in prefixed) else entry
        f.text = _add_to_list(f.text, start, close, [written], after=f"/operations/{cat}/")
        out.added.append(f"{rel}: {written}")
        return _Part("nanobind-source", True)
    return _Part(
        "nanobind-source",
        False,
        f"ttnn/sources.cmake or ttnn/CMakeLists.txt: no set(TTNN_SRC_PYBIND ...) list found (nor set({var} ...) in "
        f"{cat_dir}/sources.cmake). Add this line to the list of Python-binding sources of the ttnn target "
        f"(relative to ttnn/):\n    {entry}",
    )


_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def _insert_include(f: _Text, include_line: str, prefer: str) -> None:
    """After the last include whose path contains ``prefer``, else after the last include."""
    matches = list(_INCLUDE_RE.finditer(f.text))
    pick = [m for m in matches if prefer in m.group(1)] or matches
    if pick:
        end = f.text.find("\n", pick[-1].end())
        end = len(f.text) if end < 0 else end
        f.text = f.text[:end] + "\n" + include_line + f.text[end:]
    else:
        f.text = include_line + "\n" + f.text


def _block_close(text: str, open_brace: int) -> int | None:
    """Index of the ``}`` matching ``text[open_brace] == '{'`` (skips // and /* */ comments and strings)."""
    depth, i, n = 0, open_brace, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _registration_part(co: _Checkout, d: OpLike, out: Integration) -> _Part:
    cat, op = d.category, d.op_name
    fn = bind_function_name(op)
    include = f'#include "ttnn/operations/{cat}/{op}/{op}_nanobind.hpp"'
    bind = f"::{bind_namespace(op)}::{fn}"
    # 1. the category's module: void py_module(nb::module_& mod) { ... }
    rel = f"{OPS_REL}/{cat}/{cat}_nanobind.cpp"
    f = co.get(rel)
    if f is not None:
        m = re.search(r"\bvoid\s+py_module\s*\(\s*(?:nb|nanobind|py)::module_?\s*&\s*(\w+)\s*\)\s*\{", f.text)
        if m:
            close = _block_close(f.text, m.end() - 1)
            if close is None:
                return _Part("registration", False, f"{rel}: py_module's body is not balanced; add by hand:\n    {include}\n    {bind}({m.group(1)});")
            if re.search(rf"\b{re.escape(fn)}\s*\(", f.text):
                out.done.append(f"{rel}: {fn} is already called")
            else:
                line_start = f.text.rfind("\n", 0, close) + 1
                call = f"    {bind}({m.group(1)});"
                f.text = f.text[:line_start] + call + "\n" + f.text[line_start:]
                out.added.append(f"{rel}: {call.strip()}")
            if include not in f.text:
                _insert_include(f, include, "_nanobind.hpp")
                out.added.append(f"{rel}: {include}")
            return _Part("registration", True)
    # 2. the top-level module: auto m_{cat} = m_ttnn.def_submodule(...);
    rel = "ttnn/cpp/ttnn-nanobind/__init__.cpp"
    f = co.get(rel)
    if f is not None:
        m = re.search(rf"^[ \t]*auto\s+(m_{re.escape(cat)})\s*=[^;]*;[ \t]*$", f.text, re.M)
        if m:
            module = m.group(1)
            if re.search(rf"\b{re.escape(fn)}\s*\(", f.text):
                out.done.append(f"{rel}: {fn} is already called")
            else:
                # after the last statement using the module that follows its definition (same block)
                pos = m.end()
                close = _block_close(f.text, f.text.rfind("{", 0, m.start())) or len(f.text)
                for use in re.finditer(rf"^[^\n]*\b{module}\b[^\n]*;[ \t]*$", f.text[m.end() : close], re.M):
                    pos = m.end() + use.end()
                indent = re.match(r"[ \t]*", f.text[f.text.rfind("\n", 0, m.start()) + 1 :]).group(0)  # type: ignore[union-attr]
                call = f"{indent}{bind}({module});"
                f.text = f.text[:pos] + "\n" + call + f.text[pos:]
                out.added.append(f"{rel}: {call.strip()}")
            if include not in f.text:
                _insert_include(f, include, f"operations/{cat}/")
                out.added.append(f"{rel}: {include}")
            return _Part("registration", True)
    return _Part(
        "registration",
        False,
        f"{OPS_REL}/{cat}/{cat}_nanobind.cpp has no `void py_module(nb::module_& mod)` and "
        f"ttnn/cpp/ttnn-nanobind/__init__.cpp has no `auto m_{cat} = ...;` submodule. Register the binding where the "
        f"{cat} category's operations are bound: add\n    {include}\nwith the other includes, and\n    {bind}(<module>);\n"
        f"in the function that binds the category's operations (<module> is its nb::module_&).",
    )


# ---------------------------------------------------------------------------------------------------- API


def op_location_problem(design: OpLike, repo_root: Path, op_dir: Path) -> str:
    """"" when ``op_dir`` is where the build lists will point (repo_root/op_rel_dir), else why not."""
    expected = (Path(repo_root) / design.op_rel_dir).resolve()
    if Path(op_dir).resolve() != expected:
        return (
            f"the op directory {op_dir} is not {expected}: the build lists name sources relative to "
            f"{OPS_REL}/{design.category}/, so move the op there (or give the right --repo-root) before integrating"
        )
    return ""


def plan_integration(design: OpLike, repo_root: Path) -> Integration:
    """The edits that wire ``design``'s op into the checkout at ``repo_root`` (reads only, writes nothing)."""
    root = Path(repo_root)
    co = _Checkout(root)
    out = Integration()
    parts = [_sources_part(co, design, out), _nanobind_source_part(co, design, out), _registration_part(co, design, out)]
    if all(p.ok for p in parts):
        for f in co.files.values():
            if f.text != f.original:
                kind = "cmake" if f.path.endswith((".cmake", "CMakeLists.txt")) else PurePosixPath(f.path).suffix.lstrip(".")
                out.files.append(PlannedFile(f.path, f.text, INTEGRATION_STAGE, kind, root="repo"))
        return out
    # All or nothing: say exactly what to add for every part, including the ones we could have done.
    for p in parts:
        if not p.ok:
            out.manual.append(p.instruction)
    if out.added:
        out.manual.append(
            "not written either (the integration is all or nothing), add these too:\n"
            + "\n".join(f"    {_where(co, a)}" for a in out.added)
        )
    out.added = []
    return out


def _where(co: _Checkout, added: str) -> str:
    """``path: line`` -> ``path: add `line` after the line `previous` (it becomes line N ...)``, read off the
    edit we did not write."""
    path, _, line = added.partition(": ")
    f = co.files.get(path)
    if f is None:
        return added
    new_lines = f.text.splitlines()
    for n, text in enumerate(new_lines, 1):
        if text.strip() == line.strip():
            prev = new_lines[n - 2].strip() if n > 1 else ""
            where = f" after the line `{prev}`" if prev else " at the top"
            return f"{path}: add `{line.strip()}`{where} (it becomes line {n} once every line here is added)"
        if line.strip() in text:
            return f"{path}: add `{line.strip()}` to the list `{text.strip().replace(' ' + line.strip(), '')}` (line {n})"
    return added


def find_root(op_dir: Path, op_rel_dir: str) -> Path | None:
    """The checkout root: the ancestor the op dir is ``op_rel_dir`` below, else the nearest checkout above it."""
    from wizard.apply import find_repo_root
    from wizard.workspace import find_checkout_root

    return find_repo_root(op_dir, op_rel_dir) or find_checkout_root(op_dir)


def add_integration(plan: Plan, repo_root: Path | None, op_dir: Path | None = None) -> Integration:
    """Append the build-integration edits to ``plan`` (Stage 1). Without a checkout root, or with an op dir
    that is not where the build lists point, nothing is added and the result carries manual instructions."""
    op = OpRef.from_plan(plan)
    if repo_root is None:
        return Integration(manual=[
            "no tt-metal checkout found above the op directory (give --repo-root): the op is not in the build yet; "
            "apply Stage 1 again once the op directory sits in its checkout"
        ])
    if op_dir is not None:
        problem = op_location_problem(op, repo_root, op_dir)
        if problem:
            return Integration(manual=[problem])
    integ = plan_integration(op, repo_root)
    plan.files.extend(integ.files)
    return integ


def integrate_stage1(plan: Plan, op_dir: Path, stages: tuple[int, int], repo_root: Path | None) -> tuple[Integration | None, Path | None]:
    """For ``ttnn-wizard apply``: when the stages include 1, add the integration edits to the plan.
    Returns the integration (None when Stage 1 is not applied) and the checkout root to diff against."""
    root = repo_root or find_root(op_dir, plan.op_rel_dir)
    if not stages[0] <= 1 <= stages[1]:
        return None, repo_root
    return add_integration(plan, root, op_dir), root


def render_manual(integ: Integration | None) -> list[str]:
    """Lines for stderr: the manual build-integration steps (empty when there are none)."""
    if integ is None or integ.complete:
        return []
    out = ["build integration NOT done automatically (nothing was changed in the build files):"]
    for i, step in enumerate(integ.manual, 1):
        out.append(f"  {i}. " + step.replace("\n", "\n     "))
    return out
