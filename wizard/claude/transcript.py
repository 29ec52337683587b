"""Each delegation is saved as JSON under ``op_dir/.ttnn-wizard/transcripts/``: the request as sent (minus
headers: the key travels only there), the reply, refusals, findings, usage and cost. The key is never put
in, and the finished text is scrubbed for it anyway before it is written."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from wizard.claude.client import Proposal
from wizard.claude.config import ClaudeConfig
from wizard.claude.files import write_atomic
from wizard.claude.context import DelegateContext

TRANSCRIPTS_DIR = ".ttnn-wizard/transcripts"


def transcript_dict(ctx: DelegateContext, params: dict[str, Any], proposal: Proposal | None, *,
                    config: ClaudeConfig, refused: list[str] | None = None, findings: list[str] | None = None,
                    token_count: str = "", error: str | None = None, patch: str | None = None) -> dict[str, Any]:
    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "task": ctx.task.kind.value,
        "stage": ctx.task.stage,
        "model": config.model,
        "base_url": config.effective_base_url,
        "token_count_before_sending": token_count,
        "context_notes": ctx.notes,
        "context_files": ctx.file_paths,
        "request": params,
        "reply": None if proposal is None else {
            "text": proposal.text,
            "files": [asdict(f) for f in proposal.files],
            "malformed_tool_calls": proposal.malformed,
            "stop_reason": proposal.stop_reason,
            "complete": proposal.complete,
            "cancelled": proposal.cancelled,
            "error": proposal.error,
            "attempts": proposal.attempts,
            "retried_after": proposal.retries,
            "request_id": proposal.request_id,
            "usage": asdict(proposal.usage),
            "cost_usd": round(proposal.cost, 8),
        },
        "refused": refused or [],
        "findings": findings or [],
        "patch": patch,
        "error": error,
    }


def save_transcript(op_dir: Path, data: dict[str, Any], config: ClaudeConfig) -> Path:
    text = config.redact(json.dumps(data, indent=1, ensure_ascii=False, default=str))
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    out_dir = op_dir / TRANSCRIPTS_DIR
    name = f"{stamp}-{data.get('task', 'call')}-stage{data.get('stage', 0)}"
    path = out_dir / f"{name}.json"
    n = 1
    while path.exists():
        n += 1
        path = out_dir / f"{name}-{n}.json"
    write_atomic(path, text)
    return path
