"""Claude's proposals, reviewed like generated code and never written directly.

Every proposed path is confined to the op directory twice (helper D's ``wizard.apply.confine`` and our own
resolve-and-compare, so one bug cannot open a hole); a ``../`` or absolute path, a symlink escape, a file
outside the op or inside the wizard's own state is REFUSED and reported as refused. The rest is checked
(syntax, contract, CB balance via ``wizard.checks.check_plan`` on the op's files with the proposals laid
over them) and handed to the same diff/approve/apply machinery as generated code
(``wizard.apply.diff_plan`` / ``apply_changes``).

Headless review goes through a patch file: ``save_patch`` writes a unified diff under
``.ttnn-wizard/proposals/`` plus a sidecar with the exact texts, and records both sha256s in the session
state; ``apply_reviewed_patch`` applies it only if it is one of ours, unchanged, and the files it touches
are still what the diff was made against.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import time
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from wizard.claude.client import Proposal, ProposedFile
from wizard.claude.files import write_atomic
from wizard.errors import WizardError
from wizard.model import Finding, Plan, PlannedFile, Severity

STATE_DIR = ".ttnn-wizard"
PROPOSALS_DIR = f"{STATE_DIR}/proposals"
_CHECKED_SUFFIXES = (".cpp", ".hpp", ".h", ".cc", ".py")
_PROTECTED = (STATE_DIR, ".git")


@dataclass
class Refused:
    path: str
    reason: str

    def render(self) -> str:
        return f"REFUSED {self.path!r}: {self.reason}"


@dataclass
class ReviewedProposal:
    proposal: Proposal
    op_dir: Path
    files: list[ProposedFile] = field(default_factory=list)  # confined, ready for review
    refused: list[Refused] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # on the op with the proposals laid over it
    new_findings: list[Finding] = field(default_factory=list)  # of those, the ones the proposal introduces
    changes: list[Any] = field(default_factory=list)  # wizard.apply.FileChange, one per proposed file
    notes: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [f.path for f in self.files]

    def final_texts(self) -> dict[str, str]:
        """What approving each file would write (the merged text when the apply machinery merged)."""
        out: dict[str, str] = {}
        for f in self.files:
            ch = next((c for c in self.changes if c.path == f.path), None)
            if ch is None or ch.action in ("create", "update", "replace"):
                out[f.path] = f.new_content
            elif ch.action == "merge":
                out[f.path] = ch.merged_text
            # "unchanged": nothing to write; "conflict": never written from a proposal
        return out

    def conflicted(self) -> list[str]:
        return [c.path for c in self.changes if c.action == "conflict"]


# -- confinement ---------------------------------------------------------------------------------------
def own_confine(op_dir: Path, rel: str) -> Path:
    """Our independent check: relative, no '..', resolves (symlinks followed) inside the op, not state."""
    if not rel or "\x00" in rel:
        raise WizardError("empty path or NUL byte in the path")
    if rel.startswith(("/", "~")) or os.path.isabs(rel) or (len(rel) > 1 and rel[1] == ":"):
        raise WizardError("absolute path: only paths relative to the op directory are allowed")
    if "\\" in rel:
        raise WizardError("backslash in the path (use /)")
    parts = PurePosixPath(rel).parts
    if ".." in parts:
        raise WizardError("'..' in the path: it would leave the op directory")
    if parts and parts[0] in _PROTECTED:
        raise WizardError(f"inside {parts[0]}/ (the wizard's own state): not a file of the op")
    root = op_dir.resolve()
    target = (op_dir / Path(*parts)).resolve()
    if not target.is_relative_to(root) or target == root:
        raise WizardError(f"resolves to {target}, outside the op directory {root} (a symlink escape?)")
    if target.is_dir():
        raise WizardError("is a directory")
    return target


def confine_path(op_dir: Path, rel: str) -> Path:
    """Both checks; the first refusal wins. Raises WizardError with the reason."""
    target = own_confine(op_dir, rel)
    try:
        from wizard.apply import confine  # noqa: PLC0415 - helper D's shared confinement
    except ImportError:
        return target
    try:
        confine(op_dir, rel)
    except WizardError:
        raise
    except Exception as exc:  # noqa: BLE001 - ValueError or similar from the shared check
        raise WizardError(str(exc) or exc.__class__.__name__) from None
    return target


# -- review --------------------------------------------------------------------------------------------
def _normalise(rel: str) -> str:
    return rel.removeprefix("./") if isinstance(rel, str) else ""


def _kind(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lstrip(".")
    return {"h": "hpp", "cc": "cpp"}.get(suffix, suffix or "txt")


def _op_files(op_dir: Path) -> dict[str, str]:
    """The op's checkable source files as they are on disk (for checks on the overlay)."""
    out: dict[str, str] = {}
    root = op_dir.resolve()
    for p in sorted(op_dir.rglob("*")):
        rel = p.relative_to(op_dir)
        if rel.parts and rel.parts[0] in _PROTECTED:
            continue
        if p.suffix in _CHECKED_SUFFIXES and p.is_file() and p.resolve().is_relative_to(root):
            try:
                out[rel.as_posix()] = p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    return out


def _check(files: dict[str, str], op_name: str) -> list[Finding] | None:
    try:
        from wizard.checks import check_plan  # noqa: PLC0415
    except ImportError:
        return None
    plan = Plan(op_name=op_name, op_rel_dir="", files=[PlannedFile(p, t, 0, _kind(p)) for p, t in files.items()])
    return check_plan(plan)


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.check, f.path, f.message)


def review_proposal(proposal: Proposal, op_dir: Path, *, op_name: str = "") -> ReviewedProposal:
    """Confine, check and diff a proposal; nothing is written."""
    review = ReviewedProposal(proposal=proposal, op_dir=op_dir)
    seen: dict[str, ProposedFile] = {}
    for pf in proposal.files:
        rel = _normalise(pf.path)
        try:
            confine_path(op_dir, rel)
        except WizardError as exc:
            review.refused.append(Refused(pf.path, str(exc)))
            continue
        if "\x00" in pf.new_content:
            review.refused.append(Refused(pf.path, "the new content has NUL bytes (not a text file)"))
            continue
        if rel in seen:
            review.notes.append(f"{rel}: proposed twice; the later proposal is kept")
        seen[rel] = ProposedFile(rel, pf.new_content, pf.reason)
    review.files = list(seen.values())
    for note in proposal.malformed:
        review.notes.append(note)
    if not review.files:
        return review

    before = _op_files(op_dir)
    after = dict(before)
    after.update({f.path: f.new_content for f in review.files if f.path.endswith(_CHECKED_SUFFIXES)})
    try:
        baseline = _check(before, op_name)
        overlay = _check(after, op_name)
    except Exception as exc:  # noqa: BLE001 - a checker crash must not lose the proposal
        baseline = overlay = None
        review.notes.append(f"checks failed: {exc.__class__.__name__}: {exc}")
    if overlay is None:
        review.notes.append("checks unavailable (wizard.checks not installed): review without them")
    else:
        old = {_key(f) for f in baseline or []}
        review.findings = overlay
        review.new_findings = [f for f in overlay if _key(f) not in old]

    from wizard.apply import diff_plan  # noqa: PLC0415

    plan = Plan(op_name=op_name, op_rel_dir="",
                files=[PlannedFile(f.path, f.new_content, proposal.stage, _kind(f.path)) for f in review.files])
    review.changes = list(diff_plan(plan, op_dir))
    return review


# -- apply (interactive: approved paths) ------------------------------------------------------------
def _base_path(op_dir: Path, rel: str) -> Path:
    from wizard.apply import base_path  # noqa: PLC0415 - the apply machinery owns the base layout

    return base_path(op_dir, rel)


def apply_review(review: ReviewedProposal, approved: Iterable[str]) -> Any:
    """Write the approved files through the apply machinery (atomic, merging). The 3-way base is put back
    afterwards: an approved proposal counts as a hand edit, so a later regeneration merges around it
    instead of overwriting it."""
    from wizard.apply import apply_changes  # noqa: PLC0415

    approved_set = {_normalise(p) for p in approved} & set(review.paths)
    for rel in approved_set:  # re-check at write time: the tree may have changed since the review
        confine_path(review.op_dir, rel)
    saved = {rel: _read_optional(_base_path(review.op_dir, rel)) for rel in approved_set}
    try:
        result = apply_changes([c for c in review.changes if c.path in approved_set], review.op_dir, approved_set)
    finally:
        for rel, text in saved.items():
            _restore_base(review.op_dir, rel, text)
    return result


def _read_optional(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _restore_base(op_dir: Path, rel: str, text: str | None) -> None:
    path = _base_path(op_dir, rel)
    if text is None:
        path.unlink(missing_ok=True)
        return
    write_atomic(path, text)


# -- headless: patch files ---------------------------------------------------------------------------------
def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unified_patch(op_dir: Path, texts: dict[str, str]) -> str:
    """A git-style unified diff from the files on disk to ``texts``."""
    chunks: list[str] = []
    for rel in sorted(texts):
        disk = _read_optional(op_dir / rel)
        old = (disk or "").splitlines(keepends=True)
        new = texts[rel].splitlines(keepends=True)
        lines = list(difflib.unified_diff(old, new, "/dev/null" if disk is None else f"a/{rel}", f"b/{rel}"))
        if not lines:
            continue
        chunks.append(f"diff --git a/{rel} b/{rel}\n")
        if disk is None:
            chunks.append("new file mode 100644\n")
        for line in lines:
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


@dataclass
class SavedPatch:
    path: Path
    sha256: str
    files: list[str]


def save_patch(review: ReviewedProposal, claude_section: MutableMapping[str, Any], *, label: str) -> SavedPatch | None:
    """Write the patch + sidecar under .ttnn-wizard/proposals/ and record their hashes in ``claude_section``
    (the session state's "claude" table). None when there is nothing to write."""
    texts = review.final_texts()
    patch = unified_patch(review.op_dir, texts)
    if not patch:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    base = f"{stamp}-{label}"
    out_dir = review.op_dir / PROPOSALS_DIR
    n = 1
    while (out_dir / f"{base}.patch").exists():
        n += 1
        base = f"{stamp}-{label}-{n}"
    patch_path = out_dir / f"{base}.patch"
    sidecar = {
        "patch": patch_path.name,
        "task": review.proposal.task,
        "stage": review.proposal.stage,
        "files": {rel: {"before_sha256": _sha_or_none(review.op_dir / rel), "text": text}
                  for rel, text in sorted(texts.items())},
    }
    sidecar_text = json.dumps(sidecar, indent=1, sort_keys=True)
    write_atomic(patch_path, patch)
    write_atomic(out_dir / f"{base}.json", sidecar_text)
    digest = sha256_text(patch)
    # flat keys: "proposal.<name>" = sha of the patch, "proposal.<name>.json" = sha of its sidecar
    claude_section[f"proposal.{patch_path.name}"] = digest
    claude_section[f"proposal.{patch_path.name}.json"] = sha256_text(sidecar_text)
    return SavedPatch(patch_path, digest, sorted(texts))


def _sha_or_none(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def apply_reviewed_patch(op_dir: Path, patch_file: Path, claude_section: MutableMapping[str, Any]) -> tuple[list[str], Any]:
    """Apply a reviewed patch if it is one of ours and unchanged; (written paths, ApplyResult)."""
    proposals_dir = (op_dir / PROPOSALS_DIR).resolve()
    try:
        patch_path = patch_file.resolve(strict=True)
    except OSError:
        raise WizardError("no such patch file", path=str(patch_file)) from None
    if patch_path.parent != proposals_dir or patch_path.suffix != ".patch":
        raise WizardError(f"not one of this op's proposals (they live in {proposals_dir})", path=str(patch_file))
    recorded = claude_section.get(f"proposal.{patch_path.name}")
    recorded_side = claude_section.get(f"proposal.{patch_path.name}.json")
    if not recorded or not recorded_side:
        raise WizardError("no record of this proposal in the op's session state; refusing to apply it",
                          path=str(patch_file))
    applied_at = claude_section.get(f"applied.{patch_path.name}")
    if applied_at:
        raise WizardError(f"this proposal was already applied ({applied_at})", path=str(patch_file))
    patch = patch_path.read_text(encoding="utf-8")
    if sha256_text(patch) != recorded:
        raise WizardError("the patch was changed after it was written (sha256 differs); refusing to apply it. "
                          "Delegate again, or edit the files by hand", path=str(patch_file))
    side_path = patch_path.with_suffix(".json")
    try:
        side_text = side_path.read_text(encoding="utf-8")
    except OSError:
        raise WizardError("the proposal's sidecar is missing", path=str(side_path)) from None
    if sha256_text(side_text) != recorded_side:
        raise WizardError("the proposal's sidecar was changed; refusing to apply", path=str(side_path))
    sidecar = json.loads(side_text)
    texts: dict[str, str] = {}
    for rel, entry in sidecar["files"].items():
        confine_path(op_dir, rel)
        if _sha_or_none(op_dir / rel) != entry["before_sha256"]:
            raise WizardError(f"{rel} changed since the proposal was made; its diff no longer applies. "
                              "Delegate again", path=str(patch_file))
        texts[rel] = entry["text"]
    if unified_patch(op_dir, texts) != patch:  # the patch must be exactly what these texts produce
        raise WizardError("the patch does not match the recorded proposal; refusing to apply", path=str(patch_file))
    from wizard.apply import diff_plan  # noqa: PLC0415

    plan = Plan(op_name="", op_rel_dir="", files=[PlannedFile(p, t, int(sidecar.get("stage", 0)), _kind(p))
                                                  for p, t in texts.items()])
    proposal = Proposal(task=str(sidecar.get("task", "")), stage=int(sidecar.get("stage", 0)), model="",
                        files=[ProposedFile(p, t) for p, t in texts.items()])
    review = ReviewedProposal(proposal=proposal, op_dir=op_dir, files=proposal.files,
                              changes=list(diff_plan(plan, op_dir)))
    bad = review.conflicted()
    if bad:
        raise WizardError(f"would conflict with the 3-way base: {', '.join(bad)}; apply by hand", path=str(patch_file))
    result = apply_review(review, texts.keys())
    if result.errors:
        raise WizardError("; ".join(f"{p}: {why}" for p, why in sorted(result.errors.items())), path=str(patch_file))
    claude_section[f"applied.{patch_path.name}"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return sorted(texts), result


def severity_errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]
