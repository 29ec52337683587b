"""Claude delegation settings: the shipped ``profiles/claude.toml`` overridden by the user's config.

The API key is read from ``ANTHROPIC_API_KEY`` or the user config's ``[claude] api_key`` and kept in a
field that is excluded from ``repr``; nothing here ever prints or stores it.
"""

from __future__ import annotations

import os
import socket
import threading
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wizard.errors import WizardError
from wizard.resources import profiles_dir

DEFAULT_BASE_URL = "https://api.anthropic.com"


@dataclass(frozen=True)
class Prices:
    """USD per million tokens."""

    input: float
    output: float
    cache_write: float
    cache_read: float


@dataclass(frozen=True)
class ClaudeConfig:
    model: str
    base_url: str  # "" = SDK default / ANTHROPIC_BASE_URL
    max_tokens: int
    timeout: float
    budget_usd: float
    max_retries: int
    retry_base_delay: float
    retry_max_delay: float
    cache_ttl: str
    prices: Prices
    sources: tuple[str, ...] = ()  # files the values came from (for "where is this set?")
    api_key: str | None = field(default=None, repr=False, compare=False)

    @property
    def effective_base_url(self) -> str:
        return self.base_url or os.environ.get("ANTHROPIC_BASE_URL", "") or DEFAULT_BASE_URL

    @property
    def has_key(self) -> bool:
        return bool(self.api_key)

    def redact(self, text: str) -> str:
        """Remove the key from any text before it is shown or saved (belt and braces)."""
        return redact(text, self.api_key)


def redact(text: str, key: str | None) -> str:
    if key and len(key) >= 4 and key in text:
        return text.replace(key, "[redacted]")
    return text


def user_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ttnn-wizard" / "config.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise WizardError(f"not valid TOML: {exc}", path=str(path)) from None
    except OSError as exc:
        raise WizardError(f"cannot read: {exc.strerror}", path=str(path)) from None


_NUMBER_KEYS = {"max_tokens": int, "timeout": float, "budget_usd": float, "max_retries": int,
                "retry_base_delay": float, "retry_max_delay": float}
_STR_KEYS = {"model", "base_url", "cache_ttl"}


def _merge(values: dict[str, Any], table: dict[str, Any], path: Path) -> None:
    """Copy the known keys of a [claude] table into ``values``, type-checked, naming the file on error."""
    for key, val in table.items():
        if key == "prices":
            if not isinstance(val, dict):
                raise WizardError("[claude.prices] must be a table", path=str(path))
            for pk, pv in val.items():
                if pk not in {f.name for f in fields(Prices)}:
                    raise WizardError(f"unknown price '{pk}' (known: input, output, cache_write, cache_read)", path=str(path))
                if not isinstance(pv, (int, float)) or isinstance(pv, bool) or pv < 0:
                    raise WizardError(f"[claude.prices] {pk} must be a non-negative number", path=str(path))
                values.setdefault("prices", {})[pk] = float(pv)
        elif key in _NUMBER_KEYS:
            if not isinstance(val, (int, float)) or isinstance(val, bool) or val < 0:
                raise WizardError(f"[claude] {key} must be a non-negative number", path=str(path))
            values[key] = _NUMBER_KEYS[key](val)
        elif key in _STR_KEYS:
            if not isinstance(val, str):
                raise WizardError(f"[claude] {key} must be a string", path=str(path))
            values[key] = val
        elif key == "api_key":
            if not isinstance(val, str):
                raise WizardError("[claude] api_key must be a string", path=str(path))
            values["api_key"] = val
        else:
            raise WizardError(f"unknown [claude] key '{key}'", path=str(path))


def load_config(*, user_path: Path | None = None) -> ClaudeConfig:
    """Shipped defaults, then the user's ``[claude]`` table; key from the environment first."""
    shipped = profiles_dir() / "claude.toml"
    values: dict[str, Any] = {}
    sources: list[str] = []
    _merge(values, _read_toml(shipped).get("claude", {}), shipped)
    sources.append(str(shipped))
    upath = user_path or user_config_path()
    if upath.is_file():
        table = _read_toml(upath).get("claude", {})
        if not isinstance(table, dict):
            raise WizardError("[claude] must be a table", path=str(upath))
        _merge(values, table, upath)
        sources.append(str(upath))
    missing = [k for k in ("model", "max_tokens", "timeout", "budget_usd") if k not in values]
    if missing:
        raise WizardError(f"missing [claude] keys: {', '.join(missing)}", path=str(shipped))
    prices = values.pop("prices", {})
    try:
        price_obj = Prices(**prices)
    except TypeError:
        raise WizardError("[claude.prices] needs input, output, cache_write and cache_read", path=str(shipped)) from None
    if values.get("cache_ttl", "5m") not in ("5m", "1h"):
        raise WizardError("[claude] cache_ttl must be \"5m\" or \"1h\"", path=sources[-1])
    env_key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    key = env_key or values.pop("api_key", None) or None
    values.pop("api_key", None)
    return ClaudeConfig(
        model=values["model"],
        base_url=values.get("base_url", ""),
        max_tokens=values["max_tokens"],
        timeout=values["timeout"],
        budget_usd=values["budget_usd"],
        max_retries=values.get("max_retries", 4),
        retry_base_delay=values.get("retry_base_delay", 1.0),
        retry_max_delay=values.get("retry_max_delay", 30.0),
        cache_ttl=values.get("cache_ttl", "5m"),
        prices=price_obj,
        sources=tuple(sources),
        api_key=key,
    )


def with_overrides(config: ClaudeConfig, **changes: Any) -> ClaudeConfig:
    return replace(config, **changes)


def probe_network(url: str, timeout: float = 2.0) -> str | None:
    """None when a TCP connection to the API host opens within ``timeout``; else why not.

    Runs in a thread because name resolution ignores socket timeouts and can hang on a box
    without DNS; we give up waiting rather than block the UI or the CLI.
    """
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        return f"the API address {url!r} has no host"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    result: list[str | None] = []

    def attempt() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(None)
        except OSError as exc:
            result.append(f"cannot reach {host}:{port} ({exc.strerror or exc.__class__.__name__})")

    t = threading.Thread(target=attempt, daemon=True)
    t.start()
    t.join(timeout + 0.5)
    if not result:
        return f"cannot reach {host}:{port} (no answer within {timeout:g} s)"
    return result[0]


def availability(config: ClaudeConfig, *, spent_usd: float = 0.0, check_network: bool = True) -> tuple[bool, str]:
    """(ok, reason): whether delegation can be used now, and why not (shown on the disabled action)."""
    if not config.has_key:
        return False, (f"no API key: set ANTHROPIC_API_KEY or api_key under [claude] in {user_config_path()}")
    if spent_usd >= config.budget_usd:
        return False, (f"budget spent: ${spent_usd:.4f} of ${config.budget_usd:.2f} for this op's session "
                       "(raise budget_usd under [claude] in your config)")
    if check_network:
        why = probe_network(config.effective_base_url, timeout=min(3.0, max(0.5, config.timeout)))
        if why:
            return False, f"no network: {why}"
    return True, f"ready ({config.model})"
