"""The offline verification toolchain: a venv with the pinned ttnn wheel and zig's clang.

``setup_verify`` builds it under the user cache dir (``$XDG_CACHE_HOME/ttnn-wizard/verify``,
or ``$TTNN_WIZARD_VERIFY_HOME``): finds a Python the ttnn wheel supports (3.12 or 3.10),
installs ``ttnn`` and ``ziglang`` at pinned versions, writes mock cluster descriptors and the
stand-in SFPI compiler (its ``--version`` string derived from the wheel), then runs a
known-good program through ttnn's JIT on a mock device per architecture to capture
tt-metal's own kernel command lines, and checks itself by replaying them. A stamp file
(``toolchain.json``) makes a second run instant; ``force`` rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wizard.errors import WizardError

TTNN_VERSION = "0.81.1"
ZIG_VERSION = "0.17.0"
STAMP_FORMAT = 1
SUPPORTED_PYTHONS = ("3.12", "3.10")  # the ttnn 0.81.1 wheels: cp310 and cp312 only
ARCHES = ("wormhole_b0", "blackhole")
PROCESSORS = ("brisc", "ncrisc")
# The shipped kernels used to capture the JIT lines and for the self-check (known good).
PROBE_READER = "ttnn/cpp/ttnn/operations/eltwise/unary/device/kernels/dataflow/reader_unary_interleaved_start_id.cpp"
PROBE_WRITER = "ttnn/cpp/ttnn/operations/eltwise/unary/device/kernels/dataflow/writer_unary_interleaved_start_id.cpp"

OnLine = Callable[[str], None]


class VerifySetupError(WizardError):
    """The toolchain could not be set up (exit 2 with the reason)."""


class VerifyNotReady(WizardError):
    """``check --compile`` before ``setup-verify``."""


def _noop(_: str) -> None:
    pass


def verify_home() -> Path:
    override = os.environ.get("TTNN_WIZARD_VERIFY_HOME")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ttnn-wizard" / "verify"


# ---------------------------------------------------------------- mock cluster descriptors

_MOCK_BOARDS = {
    # arch -> (board_type, harvest_mask, eth_harvesting_mask, pcie_harvesting_mask); the UMD list-style format
    # that ttnn 0.81.1 accepts (the UMD repo's old per-board files fail with "Invalid or missing 'boards' node").
    "wormhole_b0": ("n150", 32, 0, 0),
    "blackhole": ("p150", 0, 288, 2),
}
# Profiles name boards; a single-chip mock per architecture is all a kernel compile needs.
BOARD_ARCH = {"n150": "wormhole_b0", "n300": "wormhole_b0", "p150": "blackhole", "p100": "blackhole", "p150a": "blackhole", "p150b": "blackhole"}


def mock_cluster_yaml(arch: str) -> str:
    board, harvest, eth, pcie = _MOCK_BOARDS[arch]
    uid = 72059269369839682
    return (
        f"arch:\n  0: {arch}\nchips:\n  {{}}\nchip_unique_ids:\n  0: {uid}\n"
        "ethernet_connections:\n  []\nethernet_connections_to_remote_devices:\n  []\n"
        "chips_with_mmio:\n  - 0: 0\n"
        f"harvesting:\n  0:\n    noc_translation: true\n    harvest_mask: {harvest}\n    dram_harvesting_mask: 0\n"
        f"    eth_harvesting_mask: {eth}\n    pcie_harvesting_mask: {pcie}\n    l2cpu_harvesting_mask: 0\n"
        f"boards:\n  -\n    - board_id: {uid}\n    - board_type: {board}\n    - chips:\n        - 0\n"
    )


def arch_for_board(board: str) -> str | None:
    return BOARD_ARCH.get(board.lower())


# ---------------------------------------------------------------- SFPI version string from the wheel


def elf_comment(path: Path) -> str:
    """The ``.comment`` section of an ELF file (32- or 64-bit, little endian), NULs stripped."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF":
        raise ValueError(f"{path} is not an ELF file")
    is64 = data[4] == 2
    if is64:
        shoff = struct.unpack_from("<Q", data, 0x28)[0]
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    else:
        shoff = struct.unpack_from("<I", data, 0x20)[0]
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)

    def section(i: int) -> tuple[int, int, int]:
        base = shoff + i * shentsize
        if is64:
            name, _t, _f, _a, off, size = struct.unpack_from("<IIQQQQ", data, base)
        else:
            name, _t, _f, _a, off, size = struct.unpack_from("<IIIIII", data, base)
        return name, off, size

    _, str_off, str_size = section(shstrndx)
    names = data[str_off : str_off + str_size]
    for i in range(shnum):
        name_idx, off, size = section(i)
        end = names.find(b"\0", name_idx)
        if names[name_idx:end] == b".comment":
            return data[off : off + size].replace(b"\0", b"\n").decode("utf-8", "replace").strip().splitlines()[0]
    raise ValueError(f"{path} has no .comment section")


def derive_version_string(ttnn_root: Path) -> str:
    """``riscv-tt-elf-g++ --version``'s first line as SFPI prints it, from the wheel's own files.

    tt-metal hashes this string into its firmware build key: it must match the compiler that
    built the wheel's pre-compiled firmware, whose ELF ``.comment`` records it.
    """
    version_file = ttnn_root / "tt_metal" / "sfpi-version"
    try:
        text = version_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{version_file}: {exc.strerror or exc}") from None
    ver = re.search(r"^sfpi_version='([^']+)'", text, re.M)
    build = re.search(r"^sfpi_build='([^']*)'", text, re.M)
    if not ver:
        raise ValueError(f"{version_file}: no sfpi_version line")
    elfs = sorted((ttnn_root / "tt_metal" / "pre-compiled").glob("*/brisc/brisc.elf"))
    if not elfs:
        raise ValueError(f"{ttnn_root / 'tt_metal' / 'pre-compiled'}: no pre-compiled firmware ELF")
    comment = elf_comment(elfs[0])
    tag = f"sfpi:{ver.group(1)}" + (f"[{build.group(1)}]" if build and build.group(1) else "")
    if tag not in comment:
        raise ValueError(f"firmware .comment {comment!r} does not name {tag} from {version_file.name}")
    return "riscv-tt-elf-g++ " + comment.removeprefix("GCC: ").strip()


# ---------------------------------------------------------------- the stamp


@dataclass
class ArchFlags:
    arch: str
    templates: dict[str, list[str]]  # processor ("brisc"/"ncrisc") -> templatized JIT command
    chlkc: str  # captured chlkc_descriptors.h, rewritten per op
    ta_ct_args_tile: list[int]  # TensorAccessorArgs CT args of an interleaved DRAM tile tensor (bfloat16)
    ta_ct_args_row_major: list[int]
    grid: list[int]
    noc: dict[str, int] = field(default_factory=dict)  # processor -> NOC_INDEX in the captured line


@dataclass
class Toolchain:
    home: Path
    python: str  # the interpreter the venv was made from
    venv_python: str
    ttnn_root: str
    zig: str
    version_string: str
    ttnn_version: str
    zig_version: str
    arches: dict[str, ArchFlags]
    setup_seconds: float = 0.0
    size_bytes: int = 0
    created: str = ""
    code_hash: str = ""

    def flags(self, arch: str) -> ArchFlags:
        if arch not in self.arches:
            raise VerifyNotReady(f"the verify toolchain has no flags for {arch}; run `ttnn-wizard setup-verify --force`")
        return self.arches[arch]

    def to_json(self) -> str:
        d = asdict(self)
        d["home"] = str(self.home)
        d["format"] = STAMP_FORMAT
        return json.dumps(d, indent=1)


def code_hash() -> str:
    """Hash of the files whose output setup stores (stand-in compiler, probe, templating).

    A stamp from other versions of them is stale: setup then runs again, reusing the venv.
    (Changes elsewhere in setup that alter what it stores bump STAMP_FORMAT instead.)
    """
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("stub_gxx.py", "mock_probe.py", "cmdline.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def stamp_path(home: Path | None = None) -> Path:
    return (home or verify_home()) / "toolchain.json"


def load_toolchain(home: Path | None = None) -> Toolchain | None:
    """The set-up toolchain, or None when absent, stale (other pins) or broken (files gone)."""
    path = stamp_path(home)
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        d.get("format") != STAMP_FORMAT
        or d.get("ttnn_version") != TTNN_VERSION
        or d.get("zig_version") != ZIG_VERSION
        or d.get("code_hash") != code_hash()
    ):
        return None
    d.pop("format", None)
    try:
        arches = {k: ArchFlags(**v) for k, v in d.pop("arches").items()}
        tc = Toolchain(**{**d, "home": Path(d["home"]), "arches": arches})
    except (TypeError, KeyError):
        return None
    wrapper = Path(tc.ttnn_root) / "runtime" / "sfpi" / "compiler" / "bin" / "riscv-tt-elf-g++"
    needed = (Path(tc.venv_python), Path(tc.zig), wrapper, tc.home / "sup" / "stub.json")
    if not all(p.exists() for p in needed):
        return None
    return tc


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- finding a Python


def _python_version(exe: str) -> str | None:
    try:
        r = subprocess.run(
            [exe, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def python_candidates() -> list[str]:
    """Interpreters worth trying, best first (pyenv shims that refuse a version are skipped later)."""
    seen: list[str] = []

    def add(p: str | Path | None) -> None:
        if p and str(p) not in seen and Path(p).exists():
            seen.append(str(p))

    for ver in SUPPORTED_PYTHONS:
        add(shutil.which(f"python{ver}"))
        pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
        for d in sorted(pyenv_root.glob(f"versions/{ver}.*"), reverse=True):
            add(d / "bin" / f"python{ver}")
        for prefix in ("/usr/bin", "/usr/local/bin", "/opt/python/bin"):
            add(Path(prefix) / f"python{ver}")
    if f"{sys.version_info[0]}.{sys.version_info[1]}" in SUPPORTED_PYTHONS:
        add(sys.executable)
    return seen


def find_python(explicit: str | None = None) -> tuple[str, str]:
    """(interpreter, "3.x") for the venv; VerifySetupError naming what was tried."""
    if explicit:
        exe = shutil.which(explicit) or explicit
        ver = _python_version(exe)
        if ver is None:
            raise VerifySetupError(f"--python {explicit}: not a working Python interpreter")
        if ver not in SUPPORTED_PYTHONS:
            raise VerifySetupError(
                f"--python {explicit} is Python {ver}; ttnn {TTNN_VERSION} has wheels only for Python "
                + " and ".join(SUPPORTED_PYTHONS)
            )
        return exe, ver
    tried = python_candidates()
    for exe in tried:
        ver = _python_version(exe)
        if ver in SUPPORTED_PYTHONS:
            return exe, ver
    raise VerifySetupError(
        f"no Python {' or '.join(SUPPORTED_PYTHONS)} found (ttnn {TTNN_VERSION} has wheels only for those); "
        f"tried: {', '.join(tried) or 'python3.12, python3.10 on PATH and pyenv'}. Install one or pass --python"
    )


# ---------------------------------------------------------------- setup steps


def _run_streamed(cmd: Sequence[str], on_line: OnLine, *, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, list[str]]:
    proc = subprocess.Popen(
        list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd, errors="replace"
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.rstrip()
        lines.append(line)
        if line:
            on_line(line)
    return proc.wait(), lines


def _dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def _purelib(venv_python: Path) -> Path:
    r = subprocess.run(
        [str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode != 0 or not r.stdout.strip():
        raise VerifySetupError(f"the venv's Python ({venv_python}) does not run: {r.stderr.strip()[-300:]}; try --force")
    return Path(r.stdout.strip())


def _clang_rv32(zig: Path, src: Path, out: Path) -> None:
    cmd = [str(zig), "clang", "--target=riscv32-unknown-elf", "-march=rv32im_zicsr", "-mabi=ilp32", "-O0", "-c", "-o", str(out), str(src)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise VerifySetupError(f"zig clang cannot build a riscv32 object: {r.stderr.strip()[:400]}")


def _install_stub(home: Path, ttnn_root: Path, venv_python: Path, zig: Path, version: str) -> Path:
    """The stand-in compiler at the place tt-metal's JIT looks (``ttnn/runtime/sfpi``), inside our own venv."""
    sup = home / "sup"
    sup.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).resolve().parent
    shutil.copyfile(here / "stub_gxx.py", sup / "stub_gxx.py")
    shutil.copyfile(here / "mock_probe.py", sup / "mock_probe.py")
    # A placeholder kernel ELF needs a relocation (tt-metal XIPifies it) and a .data word.
    (sup / "start.c").write_text("int __ph = 1;\nvoid _start(void) { __ph = 2; }\n")
    (sup / "stub.c").write_text("int __stand_in_object;\n")
    _clang_rv32(zig, sup / "start.c", sup / "start.o")
    _clang_rv32(zig, sup / "stub.c", sup / "stub.o")
    config = {
        "version": version,
        "zig": str(zig),
        "log": None,
        "start_obj": str(sup / "start.o"),
        "stub_obj": str(sup / "stub.o"),
    }
    _write_atomic(sup / "stub.json", json.dumps(config, indent=1))
    wrapper = ttnn_root / "runtime" / "sfpi" / "compiler" / "bin" / "riscv-tt-elf-g++"
    wrapper.parent.mkdir(parents=True, exist_ok=True)
    # Paths are ours (the cache dir), quoted for sh all the same.
    q = [shlex.quote(str(p)) for p in (venv_python, sup / "stub_gxx.py", sup / "stub.json")]
    script = f"#!/bin/sh\nexec {q[0]} -S {q[1]} {q[2]} \"$@\"\n"
    _write_atomic(wrapper, script)
    wrapper.chmod(0o755)
    r = subprocess.run([str(wrapper), "--version"], capture_output=True, text=True, check=False)
    if r.returncode != 0 or r.stdout.strip() != version:
        raise VerifySetupError(f"the stand-in compiler does not answer --version correctly: {r.stdout or r.stderr!r}")
    return sup


def _probe_arch(home: Path, tc_paths: dict[str, Path], arch: str, on_line: OnLine) -> ArchFlags:
    """Run the known-good program through ttnn's JIT on a mock ``arch`` device; capture its command lines."""
    from wizard.verify.cmdline import TemplateError, templatize

    sup = home / "sup"
    ttnn_root = tc_paths["ttnn_root"]
    mock = home / "mock" / f"{arch}.yaml"
    _write_atomic(mock, mock_cluster_yaml(arch))
    log = sup / "calls.jsonl"
    log.unlink(missing_ok=True)
    cache = home / "jit-cache" / arch
    shutil.rmtree(cache, ignore_errors=True)  # a cached build would skip the compiler calls we log
    cache.mkdir(parents=True)
    reader = ttnn_root / PROBE_READER
    writer = ttnn_root / PROBE_WRITER
    with tempfile.TemporaryDirectory(prefix="ttnn-wizard-probe-") as tmp:
        env = {
            **os.environ,
            "TT_METAL_MOCK_CLUSTER_DESC_PATH": str(mock),
            "TT_METAL_CACHE": str(cache) + "/",
            "TMPDIR": tmp,  # the bundled OpenMPI leaves ompi.vm.* session dirs behind
            "TT_LOGGER_LEVEL": "error",
            "TTNN_WIZARD_STUB_LOG": str(log),
        }
        r = subprocess.run(
            [str(tc_paths["venv_python"]), str(sup / "mock_probe.py"), str(reader), str(writer)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp,
            timeout=600,
            check=False,
        )
    result_line = next((ln for ln in r.stdout.splitlines() if ln.startswith("PROBE-RESULT ")), None)
    if r.returncode != 0 or result_line is None:
        tail = "\n".join((r.stderr or r.stdout).strip().splitlines()[-12:])
        raise VerifySetupError(f"the mock {arch} device run failed (rc {r.returncode}):\n{tail}")
    result = json.loads(result_line.removeprefix("PROBE-RESULT "))
    templates: dict[str, list[str]] = {}
    noc: dict[str, int] = {}
    chlkc = ""
    for raw in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(raw)
        args: list[str] = entry["args"]
        proc = next((p for p in PROCESSORS if any(a.endswith(f"/{p}k.cc") for a in args)), None)
        if proc is None or "-c" not in args:
            continue
        try:
            templates[proc] = templatize(args, ttnn_root=str(ttnn_root), kernel_src_dir=str(reader.parent))
        except TemplateError as exc:
            raise VerifySetupError(f"unexpected {arch} {proc} JIT command: {exc}") from None
        m = next((re.match(r"-DNOC_INDEX=(\d+)", a) for a in args if a.startswith("-DNOC_INDEX=")), None)
        if m:
            noc[proc] = int(m.group(1))
        desc = Path(entry["cwd"]).parent / "chlkc_descriptors.h"
        if desc.exists():
            chlkc = desc.read_text(encoding="utf-8")
    missing = [p for p in PROCESSORS if p not in templates]
    if missing or not chlkc:
        raise VerifySetupError(f"the mock {arch} run did not compile {', '.join(missing) or 'chlkc_descriptors.h'}")
    on_line(f"  {arch}: captured the JIT command lines (brisc, ncrisc); grid {result['grid'][0]}x{result['grid'][1]}")
    return ArchFlags(
        arch=arch,
        templates=templates,
        chlkc=chlkc,
        ta_ct_args_tile=[int(x) for x in result["ta_ct_args_interleaved_dram_tile"]],
        ta_ct_args_row_major=[int(x) for x in result["ta_ct_args_interleaved_dram_row_major"]],
        grid=[int(x) for x in result["grid"]],
        noc=noc,
    )


def _self_check(tc: Toolchain, on_line: OnLine) -> None:
    """Replay the captured lines on the known-good kernels (must pass) and a broken one (must fail at its line)."""
    from wizard.verify.compile import KernelJob, compile_kernel

    root = Path(tc.ttnn_root)
    for arch, flags in tc.arches.items():
        reader = root / PROBE_READER
        ta = flags.ta_ct_args_tile
        good = compile_kernel(tc, arch, KernelJob(path=reader, rel=PROBE_READER, processor="ncrisc", ct_args=ta, cb_formats={0: "bfloat16"}))
        if not good.ok:
            raise VerifySetupError(f"self-check: the known-good reader does not compile for {arch}: {good.summary()}")
        with tempfile.TemporaryDirectory(prefix="ttnn-wizard-selfcheck-") as tmp:
            lines = reader.read_text(encoding="utf-8").splitlines()
            lines.append("void wizard_self_check() { (void)get_arg_vall<uint32_t>(0); }  // the typo")
            idx = len(lines) - 1
            broken = Path(tmp) / "reader_broken.cpp"
            broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
            bad = compile_kernel(tc, arch, KernelJob(path=broken, rel="reader_broken.cpp", processor="ncrisc", ct_args=ta, cb_formats={0: "bfloat16"}))
        if bad.ok or not any(e.line == idx + 1 for e in bad.errors):
            raise VerifySetupError(
                f"self-check: a typo on line {idx + 1} was not reported there for {arch}: {bad.summary()}"
            )
        on_line(f"  {arch}: self-check passed (known-good reader compiles in {good.seconds:.2f} s; a typo is caught at its line)")


_PIP_SHOWN = (
    "Collecting ttnn",
    "Collecting ziglang",
    "Requirement already satisfied: ttnn",
    "Requirement already satisfied: ziglang",
    "Successfully installed",
    "ERROR",
)


def setup_verify(python: str | None = None, *, force: bool = False, on_line: OnLine | None = None, home: Path | None = None) -> Toolchain:
    """Set the toolchain up (or return the existing one at once). VerifySetupError with the reason on failure."""
    say = on_line or _noop
    home = home or verify_home()
    t0 = time.monotonic()
    if not force:
        existing = load_toolchain(home)
        if existing is not None:
            if python:
                exe, _ver = find_python(python)  # a bad --python is an error even when nothing is to do
                if Path(exe).resolve() != Path(existing.python).resolve():
                    say(f"already set up with {existing.python}; add --force to rebuild with {exe}")
            say(f"verify toolchain ready at {home} (ttnn {TTNN_VERSION}, ziglang {ZIG_VERSION}); --force rebuilds")
            return existing
    exe, ver = find_python(python)
    say(f"using Python {ver}: {exe}")
    stamp_path(home).unlink(missing_ok=True)
    if force:
        for sub in ("venv", "sup", "mock", "jit-cache"):
            shutil.rmtree(home / sub, ignore_errors=True)
    home.mkdir(parents=True, exist_ok=True)
    venv = home / "venv"
    venv_python = venv / "bin" / "python"
    if venv_python.exists() and _python_version(str(venv_python)) != ver:
        say(f"the venv at {venv} is not Python {ver}: making it again")
        shutil.rmtree(venv, ignore_errors=True)
    if not venv_python.exists():
        say(f"creating the venv at {venv}")
        r = subprocess.run([exe, "-m", "venv", str(venv)], capture_output=True, text=True, check=False)
        if r.returncode != 0:
            raise VerifySetupError(f"could not create a venv with {exe}: {(r.stderr or r.stdout).strip()[-400:]}")
    say(f"installing ttnn=={TTNN_VERSION} and ziglang=={ZIG_VERSION} (about 250 MB to download, 1 GB installed)")
    t_pip = time.monotonic()
    rc, lines = _run_streamed(
        [str(venv_python), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off",
         f"ttnn=={TTNN_VERSION}", f"ziglang=={ZIG_VERSION}"],
        lambda ln: say("  pip: " + ln) if ln.startswith(_PIP_SHOWN) else None,
    )
    if rc != 0:
        reason = next((ln for ln in reversed(lines) if ln.startswith("ERROR")), lines[-1] if lines else "")
        hint = " (no access to the package registry?)" if any(k in " ".join(lines) for k in ("No matching distribution", "Could not find", "connection", "Connection")) else ""
        raise VerifySetupError(f"pip could not install ttnn=={TTNN_VERSION} ziglang=={ZIG_VERSION}{hint}: {reason}")
    say(f"  installed in {time.monotonic() - t_pip:.1f} s")
    purelib = _purelib(venv_python)
    ttnn_root = purelib / "ttnn"
    zig = purelib / "ziglang" / "zig"
    if not (ttnn_root / "tt_metal" / "hw" / "inc").is_dir() or not zig.exists():
        raise VerifySetupError(f"the installed wheels do not have the expected layout under {purelib}")
    try:
        version = derive_version_string(ttnn_root)
    except ValueError as exc:
        raise VerifySetupError(f"cannot derive the SFPI version string from the wheel: {exc}") from None
    say(f"stand-in compiler answers: {version}")
    _install_stub(home, ttnn_root, venv_python, zig, version)
    paths = {"ttnn_root": ttnn_root, "venv_python": venv_python}
    arches: dict[str, ArchFlags] = {}
    for arch in ARCHES:
        say(f"running a known-good program through ttnn's JIT on a mock {arch} device")
        arches[arch] = _probe_arch(home, paths, arch, say)
    tc = Toolchain(
        home=home,
        python=exe,
        venv_python=str(venv_python),
        ttnn_root=str(ttnn_root),
        zig=str(zig),
        version_string=version,
        ttnn_version=TTNN_VERSION,
        zig_version=ZIG_VERSION,
        arches=arches,
    )
    _self_check(tc, say)
    tc.setup_seconds = round(time.monotonic() - t0, 1)
    tc.size_bytes = _dir_size(home)
    tc.created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    tc.code_hash = code_hash()
    _write_atomic(stamp_path(home), tc.to_json())
    say(f"verify toolchain ready at {home}: {tc.size_bytes / 1e6:.0f} MB, set up in {tc.setup_seconds:.1f} s")
    return tc
