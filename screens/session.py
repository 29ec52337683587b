"""UI-side glue over the core: one op's spec, profile, overrides and session state.

Everything here calls ``wizard`` functions; nothing re-implements core logic. Heavy modules
(the spec parser's markdown-it, jinja2 via generation, the apply/merge code) are imported
inside the methods that need them so the first paint never waits for them.
Every change is saved at once (a lost SSH connection loses nothing).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# One copy of the stage titles: the stepper (first-paint light) owns them; re-exported here for the core glue.
from screens.stepper import CORE_STAGES, STAGE_TITLES, guess_stages  # noqa: F401
from wizard.errors import WizardError
from wizard.model import CircularBuffer, Confidence, OpSpec, Plan

if TYPE_CHECKING:
    from wizard.budget import L1Budget
    from wizard.profiles import HardwareProfile
    from wizard.split import WorkSplit
    from wizard.state import SessionState

CB_FIELDS = ("index", "name", "page_kind", "pages", "data_format", "producer", "consumer", "lifetime")
DEFAULT_SHAPE = (1, 1, 32, 64)


def available_stages(*, exact: bool = False) -> tuple[int, ...]:
    """The stages generation can produce in this build (1..6), data-driven.

    ``exact`` asks the generator's registry (imports jinja2: call it off the UI thread, after first
    paint); otherwise a cheap guess from the template folders, good enough for the first frame.
    """
    if exact:
        from wizard.generate import available_stages as registered

        return tuple(n for n in sorted(registered()) if 1 <= n <= 6)
    return guess_stages()


@dataclass
class CBRowError:
    row: int
    field: str
    message: str


@dataclass
class Session:
    """One op being worked on. Construct with ``Session.open(...)`` (does the parsing: call it off the UI thread)."""

    op_dir: Path
    spec_path: Path | None
    root: Path | None  # checkout root (paths are shown relative to it)
    state: SessionState
    profile: HardwareProfile
    raw_spec: OpSpec  # as parsed
    spec: OpSpec = field(init=False)  # with overrides applied (manual values marked)
    _plan_cache: dict[tuple[tuple[int, int], bool], Plan] = field(default_factory=dict, init=False, repr=False)
    version: int = field(default=0, init=False)  # bumps on every change: background work checks it
    # The app sets this to save right after the next frame (the edit shows first, then the fsync).
    save_hook: Any = field(default=None, init=False, repr=False)
    # The last Stage 1 build integration planned (wizard.integrate): its manual steps, if any, are shown to the user.
    integration: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.spec = self._effective()

    # ---- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        *,
        spec_path: str | Path | None = None,
        op_dir: str | Path | None = None,
        profile: str | None = None,
        cwd: str | Path = ".",
    ) -> Session:
        """Resolve the op directory, load (or start) its session state, parse the spec, load the profile."""
        from wizard.profiles import load_profile
        from wizard.spec import parse_spec
        from wizard.state import SessionState
        from wizard.workspace import find_checkout_root, op_dir_for_spec

        spec = Path(spec_path).resolve() if spec_path else None
        raw: OpSpec | None = parse_spec(spec) if spec else None
        if op_dir is not None:
            odir = Path(op_dir).resolve()
        elif spec is not None and raw is not None:
            odir = op_dir_for_spec(spec, raw.name, raw.category)
        else:
            raise WizardError("no spec and no op directory given")
        state = SessionState.load(odir)
        if spec is None:
            recorded = state.spec_path
            if not recorded:
                raise WizardError("this op has no recorded spec; start with `ttnn-wizard SPEC`", path=str(odir))
            spec = Path(recorded)
            if not spec.is_absolute():
                spec = (odir / spec).resolve()
            raw = parse_spec(spec)
        assert raw is not None and spec is not None
        state.spec_path = _rel_or_abs(spec, odir)
        if profile:
            state.profile = profile
        prof = load_profile(state.profile or None)
        state.profile = prof.name
        state.save()
        root = find_checkout_root(odir) or find_checkout_root(cwd)
        return cls(op_dir=odir, spec_path=spec, root=root, state=state, profile=prof, raw_spec=raw)

    # ---- overrides -----------------------------------------------------------------------
    def _effective(self) -> OpSpec:
        from wizard.overrides import apply_overrides

        return apply_overrides(self.raw_spec, self.state)

    def save(self) -> None:
        """Save now (atomic). Changes call ``_save`` which may defer this to just after the next frame."""
        self.state.save()

    def _save(self) -> None:
        if self.save_hook is not None:
            self.save_hook()
        else:
            self.state.save()

    def _changed(self) -> None:
        self._save()
        self.version += 1
        self._plan_cache.clear()
        self.spec = self._effective()

    def set_override(self, key: str, value: str | int | float | bool) -> None:
        if self.state.overrides.get(key) == value and type(self.state.overrides.get(key)) is type(value):
            return
        self.state.set_override(key, value)
        self._changed()

    def clear_override(self, key: str) -> None:
        if key in self.state.overrides:
            self.state.clear_override(key)
            self._changed()

    def is_manual(self, obj: Any, name: str) -> bool:
        prov = obj.source(name) if hasattr(obj, "source") else None
        return prov is not None and prov.confidence is Confidence.MANUAL

    # ---- CB table ------------------------------------------------------------------------
    def cb_rows(self) -> list[dict[str, str]]:
        """The CB table as form rows (strings per CB_FIELDS)."""
        return [cb_to_row(cb) for cb in self.spec.cbs]

    def validate_cb_rows(self, rows: list[dict[str, str]]) -> list[CBRowError]:
        return validate_cb_rows(rows, self.known_formats())

    def known_formats(self) -> list[str]:
        return ["input", "output", *sorted(self.profile.tile_bytes)]

    def set_cb_rows(self, rows: list[dict[str, str]]) -> list[CBRowError]:
        """Save the edited CB table (only when every cell is valid). Returns the errors (empty = saved).

        While a cell is invalid the rows are saved as a draft in the UI state instead (a lost SSH link loses
        nothing typed); the saved table, and generation, keep the last valid one.
        """
        errors = self.validate_cb_rows(rows)
        if errors:
            self._set_cb_draft(rows)
            return errors
        had_draft = self._set_cb_draft(None)
        if [_strip(r) for r in rows] == self.cb_rows():
            if had_draft:
                self._save()
            return []  # nothing changed (e.g. widgets announcing their initial values): do not mark manual
        from wizard.overrides import cb_to_dict

        cbs = rows_to_cbs(rows, self.spec.cbs)
        self.state.cbs = [cb_to_dict(cb) for cb in cbs]
        self._changed()
        return []

    def reset_cbs(self) -> None:
        self.state.cbs = None
        self._set_cb_draft(None)
        self._changed()

    def cb_draft(self) -> list[dict[str, str]] | None:
        """The CB rows being edited when a cell was last invalid (None: no draft, the saved table is current)."""
        draft = self.ui.get("cb_draft")
        if not isinstance(draft, list) or not draft:
            return None
        try:
            return [{str(k): str(v) for k, v in dict(r).items()} for r in draft]
        except (TypeError, ValueError):  # hand-damaged state: ignore the draft, never crash
            return None

    def _set_cb_draft(self, rows: list[dict[str, str]] | None) -> bool:
        """Store (or drop, with None) the draft; saves. Returns whether a draft existed before."""
        ui = self.ui
        had = "cb_draft" in ui
        if rows is None:
            if had:
                del ui["cb_draft"]
            return had
        draft = [{k: str(r.get(k, "")) for k in (*CB_FIELDS, "_orig")} for r in rows]
        if ui.get("cb_draft") != draft:
            ui["cb_draft"] = draft
            self._save()
        return had

    # ---- sample shape, budget, split -----------------------------------------------------
    @property
    def sample_shape(self) -> tuple[int, ...]:
        """The saved sample shape, else the spec's (its test criteria; NHWC-aware), as ``ttnn-wizard extract`` uses."""
        if self.state.has_sample_shape:
            return tuple(int(x) for x in self.state.sample_shape)
        from wizard.spec import spec_sample_shape

        found = spec_sample_shape(self.spec)
        return found[0] if found else tuple(self.state.sample_shape)  # else the state's multi-tile default

    @property
    def sample_dtype(self) -> str:
        return self.state.sample_dtype or "bfloat16"

    def set_sample(self, shape: tuple[int, ...], dtype: str | None = None) -> None:
        self.state.sample_shape = list(shape)
        if dtype:
            self.state.sample_dtype = dtype
        self._save()

    def budget(self, rows: list[dict[str, str]] | None = None) -> L1Budget:
        """L1 use per core for the current (or given, possibly unsaved) CB rows at the sample shape."""
        from wizard.budget import l1_budget

        cbs = self.spec.cbs if rows is None else rows_to_cbs(rows, self.spec.cbs, lenient=True)
        return l1_budget(cbs, self.profile, self.sample_shape, self.sample_dtype, symbols=self.spec.symbols, dim_order=self.spec.dim_order)

    def work_split(self) -> tuple[int, WorkSplit | None, str]:
        """(total units, the exact split, error text) for the current work distribution at the sample shape."""
        from wizard.budget import total_units
        from wizard.expr import ExprError
        from wizard.model import Strategy
        from wizard.split import split_work_to_cores

        try:
            units = int(total_units(self.spec.work, self.sample_shape, self.sample_dtype, dim_order=self.spec.dim_order))
        except (ExprError, ValueError, ZeroDivisionError, WizardError) as exc:
            return 0, None, f"total units: {exc}"
        grid = (1, 1) if self.spec.work.strategy is Strategy.SINGLE_CORE else (self.profile.grid_x, self.profile.grid_y)
        try:
            return units, split_work_to_cores(grid, units, self.spec.work.row_wise), ""
        except (ValueError, WizardError) as exc:
            return units, None, f"work split: {exc}"

    # ---- stages, plan, review, apply -----------------------------------------------------
    def stage_status(self, stage: int) -> str:
        return str(self.state.stage_status(stage).value)

    def blockers(self, stage: int, cb_errors: list[CBRowError] | None = None) -> list[str]:
        """Why generation for ``stage`` is blocked (empty = it can go ahead)."""
        reasons: list[str] = []
        if not self.spec.name:
            reasons.append("the spec has no operation name (override it in the Spec step)")
        for w in self.spec.errors:
            where = f"line {w.line}: " if w.line else ""
            reasons.append(f"spec {where}{w.message}")
        if stage >= 5:
            if not self.spec.cbs:
                reasons.append("no circular buffers: add them in the CB form")
            for e in cb_errors or []:
                reasons.append(f"CB row {e.row + 1} {e.field}: {e.message}")
            if cb_errors is None:
                reasons.extend(f"CB: {m}" for m in self.budget().errors)
        return reasons

    def plan(self, stages: tuple[int, int] = (4, 6), *, formatted: bool = True) -> Plan:
        """The core's plan for ``stages`` (cached until the next change).

        ``formatted=False`` skips clang-format (a subprocess): the live preview shows that within the
        frame and swaps in the formatted text from a worker. Review and apply always use the formatted plan.
        """
        key = (stages, formatted)
        if key not in self._plan_cache:
            version = self.version
            plan = self._make_plan(stages, formatted)
            self._keep_later_stages(plan, stages, formatted)
            self._integrate(plan, stages)
            if version == self.version:  # a worker must not cache a plan of an older table
                self._plan_cache[key] = plan
            return plan
        return self._plan_cache[key]

    def applied_top(self) -> int:
        """The highest stage whose files were written (any status but not started: a run needs its files too)."""
        from wizard.state import StageStatus

        return max((n for n in range(1, 7) if self.state.stage_status(n) is not StageStatus.NOT_STARTED), default=0)

    def _keep_later_stages(self, plan: Plan, stages: tuple[int, int], formatted: bool) -> None:
        """Revisiting Stage 5 after Stage 6 was applied: a file both stages write (the program factory) is
        proposed in its Stage 6 form, or the review would regress it to Stage 5's kernel TT_THROW."""
        top = self.applied_top()
        if stages[1] >= top:
            return
        later = {f.path: f.text for f in self._make_plan((stages[0], top), formatted).files}
        for f in plan.files:
            if f.path in later:
                f.text = later[f.path]

    def _make_plan(self, stages: tuple[int, int], formatted: bool) -> Plan:
        if formatted:
            from wizard.generate import plan_stages

            return plan_stages(self.spec, stages, self.profile)
        from wizard.design import build_design
        from wizard.generate import render_design

        if self.spec.errors:  # the same refusal plan_stages gives
            raise WizardError("the spec is not usable for generation: " + "; ".join(w.message for w in self.spec.errors))
        spec_name = self.spec.path.name if self.spec.path else ""
        plan, _notes = render_design(build_design(self.spec, self.profile), stages, profile=self.profile, spec_name=spec_name, format_cpp=False)
        return plan

    def _integrate(self, plan: Plan, stages: tuple[int, int]) -> None:
        """Stage 1 also wires the op into the checkout's build (helper I): those edits join the plan, so they are
        previewed, reviewed and applied like the op's files. Without a checkout the result holds manual steps."""
        if stages[0] <= 1 <= stages[1]:
            from wizard.integrate import add_integration

            self.integration = add_integration(plan, self.root, self.op_dir)

    def integration_steps(self) -> list[str]:
        """Manual build-integration steps of the last Stage 1 plan (empty: none needed)."""
        from wizard.integrate import render_manual

        return render_manual(self.integration)

    def has_plan(self, stages: tuple[int, int], *, formatted: bool = True) -> bool:
        return (stages, formatted) in self._plan_cache

    def stage_files(self, stage: int, *, formatted: bool = True) -> list[Any]:
        """What stage ``stage`` writes on its own (Stage 5's factory ends in the kernel TT_THROW; Stage 6 completes it)."""
        return [f for f in self.plan((stage, stage), formatted=formatted).files if f.stage == stage]

    def changes(self, plan: Plan) -> list[Any]:
        from wizard.apply import diff_plan

        return diff_plan(plan, self.op_dir, repo_root=self.root)

    def apply(self, changes: list[Any], approved: set[str], stages: tuple[int, ...]) -> Any:
        """The core's atomic merging apply; stages whose files were written become "generated"."""
        from wizard.apply import apply_changes
        from wizard.state import StageStatus

        result = apply_changes(changes, self.op_dir, approved, repo_root=self.root)
        written = {c.path for c in changes if c.path in approved}
        plan_files = self.plan(_span(stages)).files
        for st in stages:
            if any(f.path in written for f in plan_files if f.stage == st):
                self.state.set_stage(st, StageStatus.GENERATED, note="applied from the app")
        self.state.save()
        return result

    def mark_edited_if_changed(self, rel_path: str) -> bool:
        """After $EDITOR: a file that now differs from what we generated marks its stage as edited by hand."""
        from wizard.state import StageStatus

        disk = self.op_dir / rel_path
        for f in self.plan().files:
            if f.path == rel_path and disk.is_file() and disk.read_text(encoding="utf-8", errors="replace") != f.text:
                self.state.set_stage(f.stage, StageStatus.EDITED, note=f"{rel_path} edited by hand")
                self.state.save()
                return True
        return False

    # ---- UI position ---------------------------------------------------------------------
    @property
    def ui(self) -> dict[str, Any]:
        return self.state.section("ui")

    def remember(self, **values: Any) -> None:
        ui = self.ui
        if all(ui.get(k) == v for k, v in values.items()):
            return
        ui.update(values)
        self._save()

    def rel(self, path: str | Path) -> str:
        from wizard.workspace import relative_to_workspace

        return relative_to_workspace(path, self.root or self.op_dir)


def _span(stages: tuple[int, ...]) -> tuple[int, int]:
    return (min(stages), max(stages))


def _rel_or_abs(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def _strip(row: dict[str, str]) -> dict[str, str]:
    return {k: row.get(k, "").strip() for k in CB_FIELDS}


def cb_to_row(cb: CircularBuffer) -> dict[str, str]:
    return {
        "index": str(cb.index),
        "name": cb.name,
        "page_kind": cb.page_kind.value,
        "pages": cb.pages,
        "data_format": cb.data_format,
        "producer": cb.producer,
        "consumer": cb.consumer,
        "lifetime": cb.lifetime.value,
    }


def validate_cell(name: str, value: str, formats: list[str] | None = None) -> str:
    """The error for one CB cell ("" when valid), using the core's parsers."""
    from wizard.model import Lifetime, PageKind

    v = value.strip()
    if name == "index":
        if not v.isdigit() or not 0 <= int(v) <= 31:
            return "index must be an integer 0-31"
    elif name == "name":
        if not v or not (v.replace("_", "a").isalnum() and not v[0].isdigit()):
            return "name must be a C++ identifier"
    elif name == "page_kind":
        if v not in {k.value for k in PageKind}:
            return f"page kind must be one of {', '.join(k.value for k in PageKind)}"
    elif name == "pages":
        from wizard.expr import ExprError, parse_expr

        try:
            parse_expr(v)
        except ExprError as exc:
            return str(exc)
    elif name == "data_format":
        if formats is not None and v not in formats:
            return f"data format must be one of {', '.join(formats)}"
    elif name == "lifetime":
        if v not in {k.value for k in Lifetime}:
            return f"lifetime must be one of {', '.join(k.value for k in Lifetime)}"
    return ""


def validate_cb_rows(rows: list[dict[str, str]], formats: list[str] | None = None) -> list[CBRowError]:
    errors: list[CBRowError] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        for name in CB_FIELDS:
            msg = validate_cell(name, row.get(name, ""), formats)
            if msg:
                errors.append(CBRowError(i, name, msg))
        idx = row.get("index", "").strip()
        if idx in seen:
            errors.append(CBRowError(i, "index", f"index {idx} is already used by row {seen[idx] + 1}"))
        else:
            seen[idx] = i
    return errors


def rows_to_cbs(rows: list[dict[str, str]], existing: list[CircularBuffer], *, lenient: bool = False) -> list[CircularBuffer]:
    """Form rows -> CircularBuffers, keeping each CB's other fields (purpose, roles, raw) by its original name.

    Changed fields are marked manual. ``lenient`` skips rows whose index is not a number (live gauge on bad input).
    """
    from wizard.model import Lifetime, PageKind

    by_name = {cb.name: cb for cb in existing}
    out: list[CircularBuffer] = []
    for row in rows:
        idx = row.get("index", "").strip()
        if not idx.isdigit():
            if lenient:
                continue
            raise ValueError(f"bad CB index {idx!r}")
        base = by_name.get(row.get("_orig", row.get("name", "")))
        cb = copy.deepcopy(base) if base is not None else CircularBuffer(index=int(idx), name=row.get("name", ""))
        before = cb_to_row(cb) if base is not None else {}
        cb.index = int(idx)
        cb.name = row.get("name", "").strip()
        try:
            cb.page_kind = PageKind(row.get("page_kind", "tile").strip())
        except ValueError:
            cb.page_kind = PageKind.TILE
        cb.pages = row.get("pages", "").strip()
        cb.data_format = row.get("data_format", "").strip()
        cb.producer = row.get("producer", "").strip()
        cb.consumer = row.get("consumer", "").strip()
        try:
            cb.lifetime = Lifetime(row.get("lifetime", "").strip())
        except ValueError:
            cb.lifetime = Lifetime.UNKNOWN
        for name, value in cb_to_row(cb).items():
            if before.get(name) != value:
                cb.mark(name, cb.line, Confidence.MANUAL)
        out.append(cb)
    return out
