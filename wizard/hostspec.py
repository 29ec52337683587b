"""``user@box[:port]``: the one syntax for a remote hardware box (CLI ``--host``, the profile's ``host``, the app's
"run on" field). Its own small module: the app checks a host as it is typed, and the runner package is heavy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.errors import WizardError

_HOST_RE = re.compile(r"^(?:(?P<user>[A-Za-z0-9._][A-Za-z0-9._-]*)@)?(?P<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d{1,5}))?$")


@dataclass(frozen=True)
class HostSpec:
    host: str
    user: str | None = None
    port: int | None = None

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{user}{self.host}{port}"


def parse_host(text: str) -> HostSpec:
    """``user@box[:port]`` -> HostSpec; anything else (spaces, a leading '-', shell characters) is refused."""
    m = _HOST_RE.match(text.strip())
    if not m or text.strip().startswith("-"):
        raise WizardError(f"--host must look like user@box or user@box:port, not {text!r}")
    port = int(m.group("port")) if m.group("port") else None
    if port is not None and not 0 < port < 65536:
        raise WizardError(f"--host port must be 1-65535, not {port}")
    return HostSpec(m.group("host").strip("[]"), m.group("user"), port)
