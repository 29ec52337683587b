"""C++ syntax: tree-sitter-cpp parses every .cpp/.hpp; ERROR and MISSING nodes are findings.

tt-metal's attribute macros (``tt_l1_ptr``, ``FORCE_INLINE``...) are blanked first (same
length, so columns stay exact): tree-sitter does not expand macros and would flag them.
Optionally, ``clang-format --dry-run`` with the repo's .clang-format reports style drift as INFO.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from wizard.model import Finding, Severity

CHECK = "syntax"
MAX_PER_FILE = 5
_MACROS = re.compile(r"\b(tt_l1_ptr|tt_reg_ptr|FORCE_INLINE|ALWI|ALWAYS_INLINE)\b")


@cache
def _parser():  # type: ignore[no-untyped-def]
    import tree_sitter
    import tree_sitter_cpp

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_cpp.language()))


def blank_macros(text: str) -> str:
    return _MACROS.sub(lambda m: " " * len(m.group(0)), text)


def syntax_errors(text: str) -> list[tuple[int, int, str]]:
    """(line, column, what) for each ERROR / MISSING node, 1-based."""
    tree = _parser().parse(blank_macros(text).encode("utf-8"))
    out: list[tuple[int, int, str]] = []
    if not tree.root_node.has_error:
        return out
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_missing:
            out.append((node.start_point[0] + 1, node.start_point[1] + 1, f"missing `{node.type}`"))
        elif node.is_error:
            snippet = (node.text.decode("utf-8", "replace").strip().splitlines() or [""])[0][:40] if node.text else ""
            # echoed to a terminal: a binary or hostile file must not smuggle escape sequences into it
            snippet = "".join(c if c.isprintable() else "?" for c in snippet)
            out.append((node.start_point[0] + 1, node.start_point[1] + 1, f"cannot parse `{snippet}`"))
            continue  # its children are the same problem
        if node.has_error:
            stack.extend(reversed(node.children))
    return sorted(out)


def check_syntax(files: Mapping[str, str]) -> list[Finding]:
    out: list[Finding] = []
    for path, text in sorted(files.items()):
        if not path.endswith((".cpp", ".hpp", ".h", ".cc")):
            continue
        conflicts = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("<<<<<<< ") or line == "<<<<<<<"]
        if conflicts:
            # markers left by an apply conflict: say that, not a pile of "cannot parse" errors around them
            for n in conflicts:
                out.append(Finding(CHECK, path, n, "unresolved merge conflict (<<<<<<< yours / ||||||| base / ======= / "
                                   ">>>>>>> generated): keep the lines you want and delete the markers"))
            continue
        errs = syntax_errors(text)
        for line, col, what in errs[:MAX_PER_FILE]:
            out.append(Finding(CHECK, path, line, f"col {col}: C++ syntax error: {what}"))
        if len(errs) > MAX_PER_FILE:
            out.append(Finding(CHECK, path, errs[MAX_PER_FILE][0], f"{len(errs) - MAX_PER_FILE} more syntax errors in this file"))
    return out


def clang_format_binary() -> str | None:
    local = Path(sys.executable).parent / "clang-format"
    if local.exists():
        return str(local)
    return shutil.which("clang-format")


def find_style(op_dir: Path) -> Path | None:
    """The nearest .clang-format above the op dir (the checkout's), else the wizard's own."""
    for d in [op_dir, *op_dir.resolve().parents]:
        if (d / ".clang-format").is_file():
            return d / ".clang-format"
    own = Path(__file__).resolve().parents[2] / ".clang-format"
    return own if own.is_file() else None


def check_format(op_dir: Path, paths: list[str], timeout: float = 30.0) -> list[Finding]:
    """clang-format --dry-run -Werror per file: INFO findings (style, not correctness)."""
    binary, style = clang_format_binary(), find_style(op_dir)
    if not binary or not style or not paths:
        return []
    cmd = [binary, "--dry-run", "-Werror", f"--style=file:{style}", *[str(op_dir / p) for p in paths]]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    seen: set[str] = set()
    out = []
    root = str(op_dir) + "/"
    for line in proc.stderr.splitlines():
        m = re.match(r"(.+?):(\d+):\d+: (?:error|warning): code should be clang-formatted", line)
        if m and m.group(1) not in seen:
            seen.add(m.group(1))
            rel = m.group(1).removeprefix(root)
            out.append(Finding("format", rel, int(m.group(2)), f"not clang-formatted with {style} (first difference here)", Severity.INFO))
    return out
