"""The compliance rules engine (DESIGN §4.7): may this contact happen, and if not, why.

- `engine`: the rule set, the case and the attempt history as frozen dataclasses, and
  `evaluate()` / `evaluate_completion()`, which return every broken rule with a message
  that names the rule and the numbers. Pure: no database, no models, no clock of its own
  (the caller passes the time), so it is unit-tested without a database.
- `defaults`: the two shipped rule sets (China 2026, US Regulation F) as plain dicts for
  the data migration, and `rule_set_from_dict()`, which turns such a dict (built from the
  rule-set rows) into the engine's `RuleSet`.

The models, the one query that feeds the engine, refusals and supervisors' overrides live
with the call log, not here.
"""
