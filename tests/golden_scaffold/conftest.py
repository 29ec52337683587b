# Golden outputs include generated stage tests (they import ttnn): data compared by tests/unit/test_scaffold_golden.py,
# never collected as tests themselves.
collect_ignore_glob = ["*"]
