"""Payment plans outside the agreement's terms go to a supervisor through the shared
approvals framework (staff/approvals.py). Wired once that framework has landed."""

from __future__ import annotations


def plan_approval_request(*, plan, actor) -> None:
    """Asks the plan's branch supervisors to approve it (no-op until approvals land)."""
    return None
