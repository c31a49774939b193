"""The policy check before deploy (issue 19 §5): the zh-CN scenarios of features/ run against a
draft bundle in a throwaway database (runner.py), checks recorded and deploys gated (checks.py)."""
