"""Token and cost figures per delegation task on the largest sample spec (row_centralize_spec.md).

Context builder's counts (chars, local estimate) vs the stand-in's count_tokens and usage numbers
(first call writes the prompt cache, second identical call reads it)."""
import sys, tempfile
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))
from fake_anthropic import FakeAnthropic, Reply
from wizard.apply import apply_changes, diff_plan
from wizard.generate import plan_stages
from wizard.spec import parse_spec
from wizard.profiles import load_profile
from wizard.claude.config import load_config, with_overrides
from wizard.claude.context import build_context, DelegateTask, TaskKind
from wizard.claude.client import ClaudeClient
from wizard.claude.cost import estimate_call_cost

SPEC = ROOT / "tests/fixtures/specs/row_centralize_spec.md"
op = Path(tempfile.mkdtemp()) / "row_centralize"; op.mkdir()
ch = diff_plan(plan_stages(parse_spec(SPEC), (4, 6)), op); apply_changes(ch, op, {c.path for c in ch})
logs = op / ".ttnn-wizard/logs"; logs.mkdir(parents=True)
(logs / "stage6-20260101-000000.log").write_text("\n".join(f"[pytest] line {i} of a typical stage-6 run log with some text" for i in range(400)))
runner = {"stages": {"6": {"last_status": "failed", "last_log": str(logs / "stage6-20260101-000000.log"),
                           "last_failure_kind": "hang (CB deadlock)", "last_failure_summary": "TRISC0 waits in cb_wait_front(cb=0)"}}}
main_file = {TaskKind.VALIDATIONS: "device/row_centralize_device_operation.cpp", TaskKind.CBS: "device/row_centralize_program_factory.cpp",
             TaskKind.FIX: "device/kernels/compute/row_centralize_compute.cpp", TaskKind.COMPUTE: "device/kernels/compute/row_centralize_compute.cpp"}
stage = {TaskKind.VALIDATIONS: 4, TaskKind.CBS: 5, TaskKind.FIX: 6, TaskKind.EXPLAIN: 6, TaskKind.COMPUTE: 7}
profile = load_profile("wormhole_n150")
summary_text = "I changed X because spec:57 says Y. " * 25  # ~900 chars of explanation
print(f"{'task':12} {'stage':>5} {'files':>5} {'chars':>7} {'estimate':>8} {'count':>6} | call 1: {'in':>5} {'cw':>6} {'cr':>6} {'out':>5} {'$':>8} | call 2: {'in':>5} {'cw':>6} {'cr':>6} {'$':>8} | worst$")
with FakeAnthropic() as api:
    cfg = with_overrides(load_config(), base_url=api.url, api_key="sk-figures")
    for kind in TaskKind:
        ctx = build_context(DelegateTask(kind, stage[kind], op, SPEC), spec_text=SPEC.read_text(), profile=profile, runner_section=runner)
        client = ClaudeClient(cfg)
        count = client.count_tokens(ctx)
        if kind is TaskKind.EXPLAIN:
            reply = Reply(text=summary_text * 2)
        else:
            f = main_file[kind]
            reply = Reply(text=summary_text, tool_calls=[("propose_file_change", {"path": f, "new_content": (op / f).read_text() + "// change\n", "reason": "spec:57"})])
        api.push(reply, reply)
        a = client.propose(ctx, input_tokens=count.tokens)
        b = client.propose(ctx, input_tokens=count.tokens)
        worst = estimate_call_cost(count.tokens, cfg.max_tokens, cfg.prices)
        print(f"{kind.value:12} {stage[kind]:>5} {len(ctx.file_paths):>5} {ctx.chars:>7,} {ctx.estimate_tokens():>8,} {count.tokens:>6,} | "
              f"{a.usage.input_tokens:>5,} {a.usage.cache_write_tokens:>6,} {a.usage.cache_read_tokens:>6,} {a.usage.output_tokens:>5,} {a.cost:>8.4f} | "
              f"{b.usage.input_tokens:>5,} {b.usage.cache_write_tokens:>6,} {b.usage.cache_read_tokens:>6,} {b.cost:>8.4f} | {worst:.4f}")
    print("model", cfg.model, "prices", cfg.prices, "max_tokens", cfg.max_tokens)
