"""Claude config: shipped defaults, user overrides, the key's sources, availability reasons."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard.claude.config import availability, load_config, probe_network, user_config_path
from wizard.errors import WizardError


def _user(text: str) -> Path:
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_shipped_defaults_are_complete_and_current() -> None:
    import typing

    from anthropic.types import ModelParam

    cfg = load_config()
    models = typing.get_args(typing.get_args(ModelParam)[0])
    assert cfg.model in models  # a model id the installed SDK knows
    assert cfg.max_tokens > 0 and cfg.timeout > 0 and cfg.budget_usd > 0
    assert cfg.prices.output > cfg.prices.input > cfg.prices.cache_read
    assert cfg.api_key is None and not cfg.has_key
    assert cfg.sources[0].endswith("claude.toml")


def test_user_config_overrides_and_key(tmp_path: Path) -> None:
    _user('[claude]\nmodel = "claude-sonnet-5-5"\nbudget_usd = 0.5\napi_key = "sk-user-file-key"\n'
          '[claude.prices]\ninput = 3.0\n')
    cfg = load_config()
    assert cfg.model == "claude-sonnet-5-5"
    assert cfg.budget_usd == 0.5
    assert cfg.prices.input == 3.0 and cfg.prices.output == 25.0  # untouched keys keep the shipped value
    assert cfg.api_key == "sk-user-file-key"
    assert "sk-user-file-key" not in repr(cfg)


def test_env_key_wins_and_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    _user('[claude]\napi_key = "sk-file"\n')
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env-secret-123")
    cfg = load_config()
    assert cfg.api_key == "sk-env-secret-123"
    assert "sk-env-secret-123" not in repr(cfg) and "sk-env-secret-123" not in str(cfg)
    assert cfg.redact("header sk-env-secret-123 here") == "header [redacted] here"


@pytest.mark.parametrize(("text", "needle"), [
    ("[claude]\nbudget_usd = -1\n", "budget_usd"),
    ("[claude]\nmodle = 'x'\n", "unknown [claude] key 'modle'"),
    ("[claude]\ncache_ttl = '2h'\n", "cache_ttl"),
    ("[claude.prices]\ninput = 'free'\n", "input"),
    ("[claude\n", "not valid TOML"),
])
def test_bad_user_config_names_the_file(text: str, needle: str) -> None:
    path = _user(text)
    with pytest.raises(WizardError) as exc:
        load_config()
    assert needle in str(exc.value) and str(path) in str(exc.value)


def test_availability_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    ok, why = availability(load_config(), check_network=False)
    assert not ok and "ANTHROPIC_API_KEY" in why
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-x-123")
    cfg = load_config()
    ok, why = availability(cfg, spent_usd=cfg.budget_usd, check_network=False)
    assert not ok and "budget" in why
    assert availability(cfg, check_network=False) == (True, f"ready ({cfg.model})")


def test_no_network_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    # a port nobody listens on: the probe reports it instead of hanging
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    why = probe_network(f"http://127.0.0.1:{port}", timeout=1.0)
    assert why and f"127.0.0.1:{port}" in why
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-x-123")
    _user(f'[claude]\nbase_url = "http://127.0.0.1:{port}"\n')
    ok, reason = availability(load_config())
    assert not ok and reason.startswith("no network")
    assert os.environ["ANTHROPIC_API_KEY"] not in reason
