"""Placement intake: reading a bank's file, mapping its columns, validating rows, writing cases.

- `readers`: bytes → header and rows (CSV in UTF-8/GB18030, XLSX), streaming.
- `columns`: the bank's headers → our fields (default names + the bank's mapping).
- `validation`: one row → a clean record or the errors a bank clerk can act on.
- `writers`: a batch of records → debtors, contact points, cases and their history
  (set-based SQL on PostgreSQL, the ORM elsewhere).
- `engine`: the import run itself: claim, batches, progress, resume after a crash.

The service entry points are in `cases.services.placements`.
"""


class PlacementFileError(Exception):
    """The file as a whole cannot be imported (the placement fails with this message)."""

    def __init__(self, message: str, *, column: str = "", forbidden_data: bool = False):
        super().__init__(message)
        self.message = str(message)
        self.column = column
        # The file holds data the agency must not keep (card security codes):
        # its stored copies are deleted.
        self.forbidden_data = forbidden_data
