"""Diff a plan against an op directory and write it safely: atomic, 3-way merging, confined.

The text we last generated for each file is kept in ``op_dir/.ttnn-wizard/base/<relpath>``; it
is the base of a 3-way merge, so a regeneration keeps the user's hand edits. Per file:

* absent on disk                      -> ``create``
* disk == new text                    -> ``unchanged``
* disk == base (not edited by hand)   -> ``update``
* disk != base (hand edits)           -> ``merge`` (clean) or ``conflict`` (markers, user's text kept)
* no base and disk differs            -> ``replace`` (e.g. a scaffolder file on first apply: explicit approval)

Conflicts are written as marker files only when approved, after a backup, and the base is not
advanced for them, so nothing is ever resolved silently.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from wizard.atomic import write_atomic as _write_atomic
from wizard.errors import WizardError
from wizard.merge3 import conflict_lines, merge3
from wizard.model import Plan

STATE_DIR = ".ttnn-wizard"
REPO_PREFIX = "@repo"  # base/backup sub-folder for files relative to the checkout root
ACTIONS = ("create", "unchanged", "update", "merge", "conflict", "replace")
_FORBIDDEN_FIRST = {STATE_DIR, ".git"}


def write_atomic(path: Path, text: str | bytes) -> None:
    """Temp file in the same directory + fsync + os.replace (the one implementation in wizard.atomic)."""
    _write_atomic(Path(path), text)


def confine(op_dir: Path, relpath: str) -> Path:
    """The absolute path of ``relpath`` inside ``op_dir``, or WizardError.

    Refuses absolute paths, ``..``, empty names, NUL bytes, backslashes, the wizard's state
    folder and .git, and anything that resolves (following symlinks) outside the op dir.
    """
    if not isinstance(relpath, str) or not relpath.strip():
        raise WizardError("empty path refused")
    if "\x00" in relpath:
        raise WizardError(f"path with a NUL byte refused: {relpath!r}")
    if "\\" in relpath:
        raise WizardError(f"path with a backslash refused (use /): {relpath}")
    if relpath.startswith("/") or relpath.startswith("~") or (len(relpath) > 1 and relpath[1] == ":"):
        raise WizardError(f"absolute path refused: {relpath}")
    parts = PurePosixPath(relpath).parts
    if any(p == ".." for p in parts):
        raise WizardError(f"path leaving the op directory refused: {relpath}")
    parts = tuple(p for p in parts if p != ".")
    if not parts:
        raise WizardError(f"path names the op directory itself: {relpath}")
    if parts[0] in _FORBIDDEN_FIRST:
        raise WizardError(f"path inside {parts[0]}/ refused: {relpath}")
    root = Path(op_dir).resolve()
    target = (root.joinpath(*parts)).resolve()
    if target != root and root not in target.parents:
        raise WizardError(f"path resolves outside the op directory (symlink?) and is refused: {relpath} -> {target}")
    if target == root:
        raise WizardError(f"path names the op directory itself: {relpath}")
    return target


@dataclass
class FileChange:
    path: str  # POSIX, relative to the op dir (or the checkout root when root == "repo")
    action: str  # one of ACTIONS
    diff: str  # unified diff, disk -> what would be written
    merged_text: str  # what would be written (new text, merged text, or text with conflict markers)
    conflicts: list[int] = field(default_factory=list)  # 1-based lines of `<<<<<<<` markers in merged_text
    new_text: str = ""  # the generated text (becomes the new base)
    old_text: str | None = None  # disk text when diffed (None: absent); re-checked before writing
    stage: int = 0
    root: str = "op"
    note: str = ""
    root_dir: Path | None = None  # the directory ``path`` is relative to (op dir or checkout root)

    @property
    def needs_approval(self) -> bool:
        return self.action != "unchanged"


@dataclass
class ApplyResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    conflicts: dict[str, list[int]] = field(default_factory=dict)  # path -> marker lines (written with markers)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not approved
    errors: dict[str, str] = field(default_factory=dict)  # path -> why it was not written
    backups: dict[str, str] = field(default_factory=dict)  # path -> backup file (op-relative)

    @property
    def written(self) -> list[str]:
        return [*self.created, *self.updated, *self.merged, *self.replaced, *self.conflicts]

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.errors


def _state_rel(root: str, path: str) -> str:
    return f"{REPO_PREFIX}/{path}" if root == "repo" else path


def base_path(op_dir: Path, path: str, root: str = "op") -> Path:
    return Path(op_dir) / STATE_DIR / "base" / _state_rel(root, path)


def pending_path(op_dir: Path, path: str, root: str = "op") -> Path:
    """The generation a conflict was written against: once the user resolves the markers, it is their base."""
    return Path(op_dir) / STATE_DIR / "pending" / _state_rel(root, path)


_SEPARATOR = re.compile(r"\n=======\r?\n")  # a conflict's middle marker (LF or CRLF file)


def _read(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise WizardError("is a directory, expected a file", path=str(path)) from None
    return data.decode("utf-8", "surrogateescape")


def unified(old: str | None, new: str, path: str) -> str:
    a = (old or "").splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, "/dev/null" if old is None else f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def find_repo_root(op_dir: Path, op_rel_dir: str) -> Path | None:
    """The checkout root: the ancestor A with A / op_rel_dir == op_dir."""
    op = Path(op_dir).resolve()
    rel = PurePosixPath(op_rel_dir).parts if op_rel_dir else ()
    if rel and op.parts[-len(rel) :] == rel:
        return Path(*op.parts[: -len(rel)])
    return None


def diff_plan(
    plan: Plan, op_dir: Path, *, repo_root: Path | None = None, engine: str | None = None, new_op: bool = False
) -> list[FileChange]:
    """What applying ``plan`` would do to each file; reads only, writes nothing. ``new_op``: the op dir may not
    exist yet (Stage 1 of a new op creates it; its parent must exist): every file is then a "create"."""
    op_dir = Path(op_dir)
    if not op_dir.is_dir() and not (new_op and not op_dir.exists() and op_dir.parent.is_dir()):
        raise WizardError("op directory does not exist or is not a directory", path=str(op_dir))
    changes: list[FileChange] = []
    for pf in plan.files:
        if pf.root == "repo":
            root_dir = repo_root or find_repo_root(op_dir, plan.op_rel_dir)
            if root_dir is None:
                raise WizardError(f"{pf.path} is relative to the tt-metal checkout, but the checkout root was not found above the op dir (give --repo-root)", path=str(op_dir))
        else:
            root_dir = op_dir
        target = confine(root_dir, pf.path)
        disk = _read(target)
        base = _read(base_path(op_dir, pf.path, pf.root))
        pending = _read(pending_path(op_dir, pf.path, pf.root))
        if pending is not None and disk is not None and not conflict_lines(disk):
            base = pending  # the user resolved a conflict against that generation: merge from there
        new = pf.text
        ch = FileChange(pf.path, "create", "", new, [], new, disk, pf.stage, pf.root, root_dir=root_dir)
        if disk is None:
            ch.action, ch.note = "create", ("the file was deleted since the last apply" if base is not None else "")
        elif disk == new:
            ch.action = "unchanged"
        elif base is None:
            ch.action, ch.note = "replace", "no record of what we generated before: the whole file is replaced"
            if pf.root == "repo":  # build integration (helper I): the new text is the disk text plus added lines
                ch.note = "build integration: the lines the diff adds, nothing else (a backup is kept)"
        elif conflict_lines(disk) and _SEPARATOR.search(disk):
            # markers from an earlier apply are still there: never merge on top of them
            ch.action, ch.merged_text, ch.conflicts = "conflict", disk, conflict_lines(disk)
            ch.note = "unresolved conflict markers from an earlier apply: resolve them, then apply again"
        elif disk == base:
            ch.action = "update"
        elif base == new:
            ch.action, ch.merged_text, ch.note = "unchanged", disk, "your hand edits are kept; nothing new was generated"
        else:
            res = merge3(base, disk, new, engine=engine)
            ch.merged_text, ch.conflicts = res.text, res.conflicts
            if res.conflicts:
                ch.action = "conflict"
                ch.note = f"{len(res.conflicts)} conflict(s) at line(s) {', '.join(map(str, res.conflicts))}"
            elif res.text == disk:
                ch.action, ch.note = "unchanged", "your hand edits already contain the new generation"
            else:
                ch.action, ch.note = "merge", "your hand edits are kept"
        if ch.action != "unchanged":
            ch.diff = unified(disk, ch.merged_text, pf.path)
        changes.append(ch)
    return changes


def _backup(op_dir: Path, ch: FileChange) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    rel = f"{STATE_DIR}/backup/{_state_rel(ch.root, ch.path)}.{stamp}"
    dest = Path(op_dir) / rel
    n = 1
    while dest.exists():
        dest = Path(op_dir) / f"{rel}.{n}"
        n += 1
    write_atomic(dest, (ch.old_text or "").encode("utf-8", "surrogateescape"))
    return dest.relative_to(op_dir).as_posix()


def apply_changes(changes: Iterable[FileChange], op_dir: Path, approved: set[str], *, repo_root: Path | None = None) -> ApplyResult:
    """Write the approved changes atomically; advance each written file's 3-way base (not for conflicts)."""
    op_dir = Path(op_dir)
    result = ApplyResult()
    for ch in changes:
        root_dir = op_dir if ch.root != "repo" else (repo_root or ch.root_dir)
        try:
            if root_dir is None:
                raise WizardError("the checkout root for this file is unknown (give --repo-root)")
            target = confine(root_dir, ch.path)
            if ch.action == "unchanged":
                result.unchanged.append(ch.path)
                if _read(base_path(op_dir, ch.path, ch.root)) != ch.new_text and _read(target) == ch.merged_text and not conflict_lines(ch.merged_text):
                    write_atomic(base_path(op_dir, ch.path, ch.root), ch.new_text.encode("utf-8"))
                    pending_path(op_dir, ch.path, ch.root).unlink(missing_ok=True)
                continue
            if ch.path not in approved:
                result.skipped.append(ch.path)
                continue
            if _read(target) != ch.old_text:
                result.errors[ch.path] = "changed on disk since the diff was made; nothing written (diff again)"
                continue
            if ch.action == "conflict" and ch.merged_text == ch.old_text:
                result.conflicts[ch.path] = list(ch.conflicts)  # still unresolved from before: nothing to write
                continue
            if ch.old_text is not None and ch.action in ("merge", "conflict", "replace"):
                result.backups[ch.path] = _backup(op_dir, ch)
            write_atomic(target, ch.merged_text.encode("utf-8", "surrogateescape"))
            if ch.action == "conflict":
                result.conflicts[ch.path] = list(ch.conflicts)
                # base not advanced; remember which generation the markers hold, for after the user resolves them
                write_atomic(pending_path(op_dir, ch.path, ch.root), ch.new_text.encode("utf-8"))
                continue
            write_atomic(base_path(op_dir, ch.path, ch.root), ch.new_text.encode("utf-8"))
            pending_path(op_dir, ch.path, ch.root).unlink(missing_ok=True)
            {"create": result.created, "update": result.updated, "merge": result.merged, "replace": result.replaced}[ch.action].append(ch.path)
        except WizardError as exc:
            result.errors[ch.path] = str(exc)
        except OSError as exc:
            result.errors[ch.path] = f"write failed: {exc.strerror or exc}"
    return result
