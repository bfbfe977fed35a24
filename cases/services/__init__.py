"""Writes of the cases app, one module per subdomain.

- `placements`: receiving a bank's file and importing it (intake).
- `banks`: banks, agreements, API keys.
- `cases`: what happens to a case (recall, …).
- `compliance`: the supervisor's compliance tools (overrides, violations, rule sets).
"""
