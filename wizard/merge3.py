"""Three-way merge of text: the user's file, the base we last generated, and the new generation.

``git merge-file -p --diff3`` when git is on PATH (run with an argument list on temp files),
else a pure-Python diff3 with the same marker style. Conflicts keep the user's text verbatim:

    <<<<<<< yours
    ||||||| base
    =======
    >>>>>>> generated
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("yours", "base", "generated")
MARK_START, MARK_BASE, MARK_SEP, MARK_END = "<<<<<<<", "|||||||", "=======", ">>>>>>>"


@dataclass
class MergeResult:
    text: str
    conflicts: list[int] = field(default_factory=list)  # 1-based lines of each `<<<<<<<` marker in ``text``
    engine: str = "python"  # "git" | "python"

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge3(base: str, yours: str, generated: str, *, engine: str | None = None) -> MergeResult:
    """Merge the changes base->yours and base->generated. ``engine``: "git", "python" or None (git if found).

    A user file that an editor switched to CRLF (we generate LF) is merged on its content and handed back in
    CRLF: otherwise every line differs and the whole file becomes one conflict."""
    if _all_crlf(yours) and "\r\n" not in base and "\r\n" not in generated:
        res = _merge3(base, yours.replace("\r\n", "\n"), generated, engine=engine)
        return MergeResult(res.text.replace("\n", "\r\n"), res.conflicts, res.engine)
    return _merge3(base, yours, generated, engine=engine)


def _all_crlf(text: str) -> bool:
    """Every line break is CRLF (a mixed file is merged as it is)."""
    n = text.count("\n")
    return n > 0 and text.count("\r\n") == n


def _merge3(base: str, yours: str, generated: str, *, engine: str | None) -> MergeResult:
    if yours == generated:
        return MergeResult(yours, [], "trivial")
    if yours == base:
        return MergeResult(generated, [], "trivial")
    if generated == base:
        return MergeResult(yours, [], "trivial")
    git = shutil.which("git") if engine in (None, "git") else None
    if engine == "git" and not git:
        raise FileNotFoundError("git not found on PATH")
    if git:
        result = _merge_git(git, base, yours, generated)
        if result is not None:
            return result
    return merge3_py(base, yours, generated)


def conflict_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith(MARK_START + " ") or line == MARK_START]


def _merge_git(git: str, base: str, yours: str, generated: str) -> MergeResult | None:
    with tempfile.TemporaryDirectory(prefix="ttnn-wizard-merge-") as tmp:
        paths = []
        for name, text in zip(("yours", "base", "generated"), (yours, base, generated), strict=True):
            p = Path(tmp) / name
            p.write_bytes(text.encode("utf-8", "surrogateescape"))  # non-UTF-8 bytes of a user file go through as-is
            paths.append(str(p))
        cmd = [git, "merge-file", "-p", "--diff3", "-L", LABELS[0], "-L", LABELS[1], "-L", LABELS[2], *paths]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=60, check=False, cwd=tmp)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode < 0 or proc.returncode > 127:
            return None  # git failed (not a conflict count): use the Python merge
        text = proc.stdout.decode("utf-8", "surrogateescape")
        return MergeResult(text, conflict_lines(text), "git")


def _matches(base: list[str], other: list[str]) -> dict[int, int]:
    sm = difflib.SequenceMatcher(None, base, other, autojunk=False)
    out: dict[int, int] = {}
    for a, b, size in sm.get_matching_blocks():
        for k in range(size):
            out[a + k] = b + k
    return out


def merge3_py(base: str, yours: str, generated: str) -> MergeResult:
    """The classic diff3 algorithm: walk stable lines (same in all three), resolve the chunks between."""
    o = base.splitlines(keepends=True)
    a = yours.splitlines(keepends=True)
    b = generated.splitlines(keepends=True)
    ma, mb = _matches(o, a), _matches(o, b)
    out: list[str] = []
    conflicts: list[int] = []
    i = ia = ib = 0
    while True:
        # next stable line: matched in both, at or after the current positions
        j = i
        while j < len(o) and not (j in ma and j in mb and ma[j] >= ia and mb[j] >= ib):
            j += 1
        if j == i and i < len(o) and ma.get(i) == ia and mb.get(i) == ib:
            out.append(a[ia])
            i, ia, ib = i + 1, ia + 1, ib + 1
            continue
        ja = ma[j] if j < len(o) else len(a)
        jb = mb[j] if j < len(o) else len(b)
        co, ca, cb = o[i:j], a[ia:ja], b[ib:jb]
        if ca == co:
            out += cb
        elif cb == co or ca == cb:
            out += ca
        else:
            conflicts.append(len(out) + 1)
            out.append(f"{MARK_START} {LABELS[0]}\n")
            out += _ensure_nl(ca)
            out.append(f"{MARK_BASE} {LABELS[1]}\n")
            out += _ensure_nl(co)
            out.append(f"{MARK_SEP}\n")
            out += _ensure_nl(cb)
            out.append(f"{MARK_END} {LABELS[2]}\n")
        if j >= len(o):
            break
        i, ia, ib = j, ja, jb
    text = "".join(out)
    return MergeResult(text, conflict_lines(text), "python")


def _ensure_nl(lines: list[str]) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
