"""`make mutate` last step: the mutation score and every mutant the tests let through.

Reads the results `mutmut run` left in mutants/ and prints the counts per module, the
score, and the diff of each mutant that was not caught. Works on an interrupted run
too: mutants not run yet are counted apart and left out of the score.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAUGHT = {"killed", "timeout", "caught by type check"}
NOT_RUN = {"not checked", "skipped", "check was interrupted by user"}


def main() -> int:
    os.chdir(ROOT)  # mutmut reads its configuration from pyproject.toml here
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    statuses: dict[str, str] = {}
    by_module: dict[str, Counter] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(ROOT / "mutants"))[: -len(".meta")]
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = by_module.setdefault(module, Counter())
        for name, code in codes.items():
            statuses[name] = status_by_exit_code[code]
            counts[statuses[name]] += 1
    if not statuses:
        print("No mutation results in mutants/: run `make mutate` first.")
        return 1

    def score(counts: Counter) -> str:
        judged = sum(n for status, n in counts.items() if status not in NOT_RUN)
        caught = sum(counts[status] for status in CAUGHT)
        return f"{100 * caught / judged:.1f}% ({caught}/{judged})" if judged else "-"

    total = Counter()
    print()
    print(f"{'module':45} {'score':>18}  survived  no tests  not run")
    for module, counts in by_module.items():
        total += counts
        not_run = sum(counts[status] for status in NOT_RUN)
        print(
            f"{module:45} {score(counts):>18}  {counts['survived']:8}  "
            f"{counts['no tests']:8}  {not_run:7}"
        )
    print()
    print("Counts:", ", ".join(f"{status} {n}" for status, n in total.most_common()))
    print(f"Mutation score: {score(total)} of the mutants run")

    escaped = sorted(name for name, status in statuses.items() if status not in CAUGHT | NOT_RUN)
    if escaped:
        print(f"\nNot caught ({len(escaped)}):")
        for name in escaped:
            print(f"\n# {name}: {statuses[name]}")
            diff = get_diff_for_mutant(name)
            print(
                "\n".join(
                    line
                    for line in diff.splitlines()
                    if line[:1] in "-+" and not line.startswith(("---", "+++"))
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
