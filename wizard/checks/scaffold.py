"""Scaffold check: what the scaffolder's ``verify_scaffolding.sh`` verifies, with file and line.

Runs only on ops that look scaffolded (a ``device/*_device_operation*`` or a legacy ``device/*_op.hpp``), so
a bare program-factory tree is not asked for the nine Stage 1-3 files. Checks:

* no legacy ``device/{op}_op.hpp|.cpp`` (the old ``operation::run`` form);
* the nine scaffold files exist (only on disk: an in-memory plan may be a subset of the stages), when the op is
  scaffolded (any Stage 1-3-only file present) or sits in a tt-metal checkout; else an INFO says why not;
* banned idioms: ``ttnn/run_operation.hpp``, ``operation::run``, ``ProgramWithCallbacks``, a non-static
  ``validate...() const``, ``register_operation`` of a ``ttnn::prim`` op, ``DeviceOperation::invoke``,
  ``detail::launch`` / ``launch_on_device`` (renamed ``launch`` by tt-metal PR #35189);
* the ``*DeviceOperation`` struct declares only static functions;
* required pieces: ``ttnn::prim::`` and ``static void validate_on_program_cache`` in the device op header,
  ``operation_attributes_t`` / ``tensor_args_t`` there, ``CachedProgram`` in the factory header, and
  ``ttnn::device_operation::launch<`` in the device op source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from wizard.model import Finding, Severity

CHECK = "scaffold"

_DEVICE_OP = re.compile(r"^device/(\w+?)_device_operation(?:_types)?\.(?:hpp|cpp)$")
_LEGACY = re.compile(r"^device/(\w+?)_op\.(?:hpp|cpp)$")

# (scope, literal, regex, message), searched with comments blanked out; scope "device" = files under device/ only
# (a public composite op may still have an Execute{Op}::invoke); the literal is a cheap pre-filter.
_BANNED: list[tuple[str, str, re.Pattern[str], str]] = [
    ("all", "run_operation", re.compile(r'#\s*include\s*[<"][^">]*run_operation\.hpp'), "legacy include run_operation.hpp: use ttnn/device_operation.hpp"),
    ("all", "operation::run", re.compile(r"\boperation::run\s*\("), "legacy operation::run: launch through ttnn::device_operation::launch<...>"),
    ("all", "ProgramWithCallbacks", re.compile(r"\bProgramWithCallbacks\b"), "legacy ProgramWithCallbacks: return a CachedProgram<shared_variables_t>"),
    ("device", "validate", re.compile(r"\bvoid\s+validate\w*\s*\([^)]*\)\s*const\b"), "non-static validate...() const: device-operation functions are static"),
    ("all", "register_operation", re.compile(r"\bregister_operation\s*<[^>]*prim::"), "register_operation of a ttnn::prim op: prims are free functions calling launch<...>"),
    ("device", "invoke", re.compile(r"\bDeviceOperation::invoke\b|\bstatic\s+[^;(){}]*\binvoke\s*\("), "DeviceOperation::invoke: the prim free function builds the attributes and calls launch<...>"),
    ("all", "launch", re.compile(r"\bdetail::launch\b|\blaunch_on_device\b"), "detail::launch / launch_on_device was renamed: ttnn::device_operation::launch<...>"),
]


def _blank_comments(text: str) -> str:
    """Comments replaced by spaces (newlines kept) so a banned word in a comment is not a finding."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        if s.startswith("/"):
            return re.sub(r"[^\n]", " ", s)
        return s

    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"', repl, text, flags=re.S)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def op_name_of(files: Mapping[str, str], op_dir: Path | None = None) -> str | None:
    """The op a file set scaffolds: from ``device/{op}_device_operation*`` names (else a legacy ``_op`` file)."""
    for rx in (_DEVICE_OP, _LEGACY):
        names = sorted({m.group(1) for p in files if (m := rx.match(p))})
        if names:
            if op_dir is not None and op_dir.name in names:
                return op_dir.name
            return names[0]
    return None


def check_scaffold(files: Mapping[str, str], op_dir: Path | None = None) -> list[Finding]:
    """Findings for one op (``files``: op-relative path -> text). ``op_dir`` given: also required files on disk."""
    from wizard.scaffold import scaffold_files

    op = op_name_of(files, op_dir)
    if op is None:
        return []
    out: list[Finding] = []
    for legacy in (f"device/{op}_op.hpp", f"device/{op}_op.cpp"):
        if legacy in files:
            out.append(Finding(CHECK, legacy, 1, f"legacy file {legacy}: the current form is device/{op}_device_operation.hpp/.cpp"))
    if op_dir is not None:
        out += _missing_files(files, op, op_dir, scaffold_files(op))
    for path, text in sorted(files.items()):
        if not path.endswith((".hpp", ".cpp", ".h")) or "/kernels/" in f"/{path}":
            continue
        code = _blank_comments(text)
        for scope, literal, rx, message in _BANNED:
            if (scope == "device" and not path.startswith("device/")) or literal not in code:
                continue
            for m in rx.finditer(code):
                out.append(Finding(CHECK, path, _line_of(code, m.start()), message))
    out += _required(files, op)
    out += _static_only(files, op)
    return out


# Scaffold files that Stages 4-6 write too: a `generate --stages 4-6` tree has them without being scaffolded.
_LATER_STAGE_FILES = ("device/{op}_device_operation.cpp", "device/{op}_program_factory.hpp",
                      "device/{op}_program_factory.cpp")


def _missing_files(files: Mapping[str, str], op: str, op_dir: Path, required: list[str]) -> list[Finding]:
    """The nine scaffold files, required only of a scaffolded op: one that has any Stage 1-3-only file (or a
    legacy ``_op`` file), or that sits in a tt-metal checkout (it must build there). A fresh
    ``generate --stages 4-6 --out DIR`` tree has none: an INFO says the files were not checked."""
    from wizard.workspace import find_checkout_root

    def present(rel: str) -> bool:
        return rel in files or (op_dir / rel).is_file()

    later = {p.format(op=op) for p in _LATER_STAGE_FILES}
    own = [rel for rel in required if rel not in later]
    legacy = any(present(f"device/{op}_op.{ext}") for ext in ("hpp", "cpp"))
    if not any(present(rel) for rel in own) and not legacy and find_checkout_root(op_dir) is None:
        return [Finding(CHECK, own[0], None, f"scaffold files not checked ({own[0]} and the other Stage 1-3 "
                        "files): this tree has none of them and is not inside a tt-metal checkout (a generate "
                        "--stages 4-6 tree); apply Stages 1-3 to scaffold the op", Severity.INFO)]
    return [Finding(CHECK, rel, None, f"missing scaffold file {rel} (Stages 1-3 create it: ttnn-wizard apply SPEC "
                    "--stages 1-3)") for rel in required if not present(rel)]


_MEMBER_FN = re.compile(r"^[ \t]*(?!static\b|using\b|friend\b|typedef\b|return\b)(?:[\w:<>,*&]+[ \t]+)+[*&]?(\w+)\s*\(", re.M)


def _static_only(files: Mapping[str, str], op: str) -> list[Finding]:
    """verify_scaffolding.sh (5): the ``*DeviceOperation`` struct declares only static functions."""
    path = f"device/{op}_device_operation.hpp"
    text = files.get(path)
    if text is None:
        return []
    code = _blank_comments(text)
    out: list[Finding] = []
    for m in re.finditer(r"\bstruct\s+(\w*DeviceOperation)\s*\{", code):
        depth, i = 0, m.end() - 1
        while i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            if depth == 0:
                break
            i += 1
        body_start = m.end()
        body = code[body_start:i]
        for fm in _MEMBER_FN.finditer(body):
            line = _line_of(code, body_start + fm.start(1))
            out.append(Finding(CHECK, path, line, f"{m.group(1)}::{fm.group(1)} is not static: device-operation functions are static"))
    return out


def _required(files: Mapping[str, str], op: str) -> list[Finding]:
    out: list[Finding] = []
    wants = [
        (f"device/{op}_device_operation.hpp", "ttnn::prim", r"\bnamespace\s+ttnn::prim\b|\bttnn::prim::", "the ttnn::prim free function declaration"),
        (f"device/{op}_device_operation.hpp", "static void validate_on_program_cache", r"\bstatic\s+void\s+validate_on_program_cache_(?:miss|hit)\b", "static validate_on_program_cache_miss/hit"),
        (f"device/{op}_device_operation.hpp", "operation_attributes_t", r"\busing\s+operation_attributes_t\b", "using operation_attributes_t = ...;"),
        (f"device/{op}_device_operation.hpp", "tensor_args_t", r"\busing\s+tensor_args_t\b", "using tensor_args_t = ...;"),
        (f"device/{op}_program_factory.hpp", "CachedProgram", r"\bCachedProgram\s*<", "cached_program_t = ttnn::device_operation::CachedProgram<shared_variables_t>"),
        (f"device/{op}_device_operation.cpp", "ttnn::device_operation::launch<", r"\bttnn::device_operation::launch\s*<", "the prim calling ttnn::device_operation::launch<OperationType>(...)"),
    ]
    for path, label, rx, what in wants:
        text = files.get(path)
        if text is None:
            continue  # a missing file is reported once, above (on disk) or is simply not in this plan
        if not re.search(rx, _blank_comments(text)):
            out.append(Finding(CHECK, path, None, f"required piece missing: {label} ({what})", Severity.ERROR))
    return out
