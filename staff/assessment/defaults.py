"""The templates HR starts from when a year has none (and no earlier year to copy).

Collectors' annual assessment: collector-promotion-rules 晉升考核 (performance 60%,
capability 25%, attitude 15%, the rules leave [X]). Managers: collection-director-rules
考核指標 (results, team management, customer service, compliance); the monthly
assessment follows the results only (月度考核主要對業績指標進行跟蹤).
Each entry: (section name, weight, [(item name, indicator key or "", weight)]).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from staff.models import AssessmentKind

COLLECTOR_ANNUAL = [
    (
        N_("Performance"),
        "60",
        [
            (N_("Amount collected"), "amount", "34"),
            (N_("Success rate"), "success_rate", "33"),
            (N_("Task completion"), "task_completion", "33"),
        ],
    ),
    (
        N_("Capability"),
        "25",
        [
            (N_("Collection techniques and methods"), "", "25"),
            (N_("Legal knowledge and its use"), "", "25"),
            (N_("Data analysis"), "", "25"),
            (N_("Coaching and training the team"), "", "25"),
        ],
    ),
    (
        N_("Attitude"),
        "15",
        [
            (N_("Responsibility and execution"), "", "25"),
            (N_("Teamwork"), "", "25"),
            (N_("Initiative"), "", "25"),
            (N_("Compliance with the rules"), "", "25"),
        ],
    ),
]

MANAGER_MONTHLY = [
    (N_("Results"), "100", [(N_("Team results"), "team_results", "100")]),
]

MANAGER_QUARTERLY = [
    (N_("Results"), "40", [(N_("Team results"), "team_results", "100")]),
    (
        N_("Team management"),
        "30",
        [
            (N_("Team retention"), "team_retention", "40"),
            (N_("Training participation"), "training_participation", "30"),
            (N_("Coaching and team development"), "", "30"),
        ],
    ),
    (
        N_("Customer service"),
        "15",
        [
            (N_("Complaints"), "complaints", "60"),
            (N_("Service quality"), "", "40"),
        ],
    ),
    (
        N_("Compliance"),
        "15",
        [
            (N_("Compliance record"), "compliance_record", "60"),
            (N_("Rules and processes followed"), "", "40"),
        ],
    ),
]

MANAGER_ANNUAL = [
    *MANAGER_QUARTERLY[:1],
    (N_("Team management"), "25", MANAGER_QUARTERLY[1][2]),
    *MANAGER_QUARTERLY[2:],
    (N_("Whole-year review"), "5", [(N_("Overall contribution over the year"), "", "100")]),
]

DEFAULTS = {
    AssessmentKind.ANNUAL_COLLECTOR: COLLECTOR_ANNUAL,
    AssessmentKind.MANAGER_MONTHLY: MANAGER_MONTHLY,
    AssessmentKind.MANAGER_QUARTERLY: MANAGER_QUARTERLY,
    AssessmentKind.MANAGER_ANNUAL: MANAGER_ANNUAL,
}
