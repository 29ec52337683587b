"""Where things live: the tt-metal checkout, an op's directory, and the demo workspace.

Pure path logic shared by the CLI and the app. A checkout root is recognised by
``build_metal.sh`` or by ``ttnn/`` beside ``tt_metal/``; an op lives at
``ttnn/cpp/ttnn/operations/{category}/{op}/`` under it (the scaffolder's layout).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from wizard import resources
from wizard.errors import WizardError

OPS_REL = Path("ttnn/cpp/ttnn/operations")
STATE_DIR = ".ttnn-wizard"
SPEC_SUFFIX = "_spec.md"
DEMO_SPEC = "reduce_avg_w_rm"

# An op or category name we are willing to turn into a directory: no separators, no "..".
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SKIP_DIRS = {".git", "build", "build_Debug", "build_Release", "python_env", "node_modules", "__pycache__", STATE_DIR}


@dataclass(frozen=True)
class OpEntry:
    """An op directory in a checkout that has a spec and/or a wizard session."""

    name: str
    category: str
    op_dir: Path
    spec_path: Path | None  # the op's {op}_spec.md, when present
    has_state: bool  # a .ttnn-wizard/state.toml exists (a session to resume)


@dataclass(frozen=True)
class DemoWorkspace:
    root: Path  # the fake checkout root
    op_dir: Path
    spec_path: Path
    resumed: bool = False  # an existing demo workspace was reopened, nothing copied


DEMO_MARKER = ".ttnn-wizard-demo"  # written at the root of every demo workspace, so it can be reopened


def is_checkout_root(path: Path) -> bool:
    return (path / "build_metal.sh").is_file() or ((path / "ttnn").is_dir() and (path / "tt_metal").is_dir())


def find_checkout_root(start: str | Path) -> Path | None:
    """The nearest directory at or above ``start`` that looks like a tt-metal checkout, or None."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for candidate in (here, *here.parents):
        if is_checkout_root(candidate):
            return candidate
    return None


def normalise_category(text: str) -> str:
    """``"reduction (fused format conversion + reduction)"`` -> ``"reduction"``; "" when nothing usable."""
    m = re.match(r"\s*`?([A-Za-z_][A-Za-z0-9_]*)", text or "")
    return m.group(1).lower() if m else ""


def op_dir_for_spec(spec_path: str | Path, name: str, category: str, root: str | Path | None = None) -> Path:
    """Find the op directory for a spec.

    1. The spec already sits in its op directory (``.../{name}/{name}_spec.md``): that directory.
    2. Inside a checkout (``root`` or found upward from the spec): ``root/ttnn/cpp/ttnn/operations/{category}/{name}``.
    3. Outside any checkout: ``{spec's dir}/{name}`` so generated files never mix with unrelated files.
    """
    spec = Path(spec_path).resolve()
    if not (name or "").strip():
        raise WizardError(
            "no operation name found: is this a planner spec? (expected '- **Operation Name**: my_op' "
            "in its Overview, or a '# my_op Functional Specification' title)",
            path=str(spec),
        )
    if not _NAME_RE.match(name):
        raise WizardError(f"the spec's operation name {name!r} cannot be used as a directory name", path=str(spec))
    if spec.parent.name == name:
        return spec.parent
    base = Path(root).resolve() if root else find_checkout_root(spec.parent)
    if base is None:
        return spec.parent / name
    cat = normalise_category(category)
    if not cat:
        raise WizardError(
            f"the spec has no usable category, so its op directory under {OPS_REL} is unknown; pass --op-dir",
            path=str(spec),
        )
    return base / OPS_REL / cat / name


def list_ops(root: str | Path) -> list[OpEntry]:
    """Ops under ``root/ttnn/cpp/ttnn/operations`` that have a ``*_spec.md`` or a wizard session, sorted.

    Sessions come first in the sort (they are what a returning user wants to resume).
    """
    ops_root = Path(root) / OPS_REL
    if not ops_root.is_dir():
        return []
    found: dict[Path, OpEntry] = {}
    for path in _walk(ops_root, max_depth=4):
        op_dir: Path | None = None
        spec: Path | None = None
        if path.name.endswith(SPEC_SUFFIX) and path.is_file():
            op_dir, spec = path.parent, path
        elif path.name == STATE_DIR and (path / "state.toml").is_file():
            op_dir = path.parent
        if op_dir is None:
            continue
        prev = found.get(op_dir)
        if spec is None and prev is not None:
            spec = prev.spec_path
        if spec is None:
            spec = _spec_in(op_dir)
        rel = op_dir.relative_to(ops_root)
        category = rel.parts[0] if len(rel.parts) > 1 else ""
        found[op_dir] = OpEntry(
            name=op_dir.name,
            category=category,
            op_dir=op_dir,
            spec_path=spec,
            has_state=(op_dir / STATE_DIR / "state.toml").is_file(),
        )
    return sorted(found.values(), key=lambda e: (not e.has_state, e.category, e.name))


def _spec_in(op_dir: Path) -> Path | None:
    own = op_dir / f"{op_dir.name}{SPEC_SUFFIX}"
    if own.is_file():
        return own
    specs = sorted(op_dir.glob(f"*{SPEC_SUFFIX}"))
    return specs[0] if specs else None


def _walk(top: Path, max_depth: int) -> list[Path]:
    """Entries under ``top`` down to ``max_depth`` levels, skipping build trees and symlinked dirs."""
    out: list[Path] = []
    stack: list[tuple[Path, int]] = [(top, 0)]
    while stack:
        d, depth = stack.pop()
        try:
            children = sorted(d.iterdir())
        except OSError:
            continue
        for child in children:
            out.append(child)
            if depth + 1 < max_depth and child.name not in _SKIP_DIRS and child.is_dir() and not child.is_symlink():
                stack.append((child, depth + 1))
    return out


def create_demo_workspace(dest: str | Path | None = None, spec: str = DEMO_SPEC) -> DemoWorkspace:
    """Copy the bundled fake checkout (``resources.demo_dir()``) into a fresh directory.

    ``dest`` must be absent or empty (we never write into someone's files); by default a new temp dir.
    ``spec`` picks a bundled sample spec; one that is not scaffolded in the fixture is placed in the
    checkout's ``specs/`` folder, and its op directory is then found from its category like any spec.
    """
    if not _NAME_RE.match(spec):
        raise WizardError(f"unknown sample spec {spec!r}")
    src = resources.demo_dir()
    if dest is None:
        import tempfile  # demo only: kept off the plain start's import path (first paint)

        root = Path(tempfile.mkdtemp(prefix="ttnn-wizard-demo-"))
    else:
        root = Path(dest).resolve()
        if (root / DEMO_MARKER).is_file():
            return _reopen_demo(root, spec)
        if root.exists() and (not root.is_dir() or any(root.iterdir())):
            raise WizardError(
                "the demo workspace must be a new or empty directory (or a demo workspace made earlier, to reopen it)",
                path=str(root),
            )
        root.mkdir(parents=True, exist_ok=True)
    import shutil  # demo only (see tempfile above)

    shutil.copytree(src, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".keep", "__pycache__", STATE_DIR))
    (root / DEMO_MARKER).write_text(f"spec = {spec}\n", encoding="utf-8")
    for op in list_ops(root):
        if op.name == spec and op.spec_path is not None:
            return DemoWorkspace(root=root, op_dir=op.op_dir, spec_path=op.spec_path)
    sample = resources.sample_specs_dir() / f"{spec}{SPEC_SUFFIX}"
    if not sample.is_file():
        known = sorted(p.name[: -len(SPEC_SUFFIX)] for p in resources.sample_specs_dir().glob(f"*{SPEC_SUFFIX}"))
        raise WizardError(f"unknown sample spec {spec!r}; bundled: {', '.join(known)}")
    spec_dir = root / "specs"
    spec_dir.mkdir(exist_ok=True)
    target = spec_dir / sample.name
    shutil.copyfile(sample, target)
    category = _category_of(target)
    return DemoWorkspace(root=root, op_dir=op_dir_for_spec(target, spec, category, root=root), spec_path=target)


def _reopen_demo(root: Path, spec: str) -> DemoWorkspace:
    """A demo workspace made earlier: reopen the op of ``spec`` where the user left it (copy nothing)."""
    for op in list_ops(root):
        if op.name == spec and op.spec_path is not None:
            return DemoWorkspace(root=root, op_dir=op.op_dir, spec_path=op.spec_path, resumed=True)
    target = root / "specs" / f"{spec}{SPEC_SUFFIX}"
    if target.is_file():
        return DemoWorkspace(
            root=root, op_dir=op_dir_for_spec(target, spec, _category_of(target), root=root), spec_path=target, resumed=True
        )
    raise WizardError(f"this demo workspace has no {spec!r} op (start a new one with another --workspace)", path=str(root))


def _category_of(spec_path: Path) -> str:
    """The spec's category via the spec parser (imported here: only the demo of a non-scaffolded spec needs it)."""
    from wizard.spec import parse_spec

    return parse_spec(spec_path).category


def relative_to_workspace(path: str | Path, root: str | Path | None) -> str:
    """Show ``path`` relative to the checkout root when inside it (stable, short), else as given."""
    p = Path(path)
    if root is not None:
        try:
            return p.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return str(p)
