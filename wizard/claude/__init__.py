"""Delegate a step to Claude: context, client, proposals (reviewed, never written directly), cost, transcripts.

Importing this package does not import ``anthropic`` (it is loaded on the first call).
"""

from __future__ import annotations

from wizard.claude.client import ClaudeCallError, ClaudeClient, Proposal, ProposedFile, TokenCount
from wizard.claude.config import ClaudeConfig, availability, load_config
from wizard.claude.context import DelegateContext, DelegateTask, TaskKind, build_context
from wizard.claude.cost import BudgetExceeded, CostLedger, Usage

__all__ = [
    "BudgetExceeded", "ClaudeCallError", "ClaudeClient", "ClaudeConfig", "CostLedger", "DelegateContext",
    "DelegateTask", "Proposal", "ProposedFile", "TaskKind", "TokenCount", "Usage", "availability",
    "build_context", "load_config",
]
