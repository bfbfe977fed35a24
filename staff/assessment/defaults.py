"""The templates HR starts from when a year has none (and no earlier year to copy).

Collectors' annual assessment: collector-promotion-rules 晉升考核 (performance 60%,
capability 25%, attitude 15%, the rules leave [X]). Managers: collection-director-rules
考核指標 (results, team management, customer service, compliance); the monthly
assessment follows the results only (月度考核主要對業績指標進行跟蹤).
Each entry: (section name, weight, [(item name, indicator key or "", weight)]).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from staff.models import AssessmentKind

COLLECTOR_ANNUAL = [
    (
        gettext_noop("Performance"),
        "60",
        [
            (gettext_noop("Amount collected"), "amount", "34"),
            (gettext_noop("Success rate"), "success_rate", "33"),
            (gettext_noop("Task completion"), "task_completion", "33"),
        ],
    ),
    (
        gettext_noop("Capability"),
        "25",
        [
            (gettext_noop("Collection techniques and methods"), "", "25"),
            (gettext_noop("Legal knowledge and its use"), "", "25"),
            (gettext_noop("Data analysis"), "", "25"),
            (gettext_noop("Coaching and training the team"), "", "25"),
        ],
    ),
    (
        gettext_noop("Attitude"),
        "15",
        [
            (gettext_noop("Responsibility and execution"), "", "25"),
            (gettext_noop("Teamwork"), "", "25"),
            (gettext_noop("Initiative"), "", "25"),
            (gettext_noop("Compliance with the rules"), "", "25"),
        ],
    ),
]

MANAGER_MONTHLY = [
    (gettext_noop("Results"), "100", [(gettext_noop("Team results"), "team_results", "100")]),
]

MANAGER_QUARTERLY = [
    (gettext_noop("Results"), "40", [(gettext_noop("Team results"), "team_results", "100")]),
    (
        gettext_noop("Team management"),
        "30",
        [
            (gettext_noop("Team retention"), "team_retention", "40"),
            (gettext_noop("Training participation"), "training_participation", "30"),
            (gettext_noop("Coaching and team development"), "", "30"),
        ],
    ),
    (
        gettext_noop("Customer service"),
        "15",
        [
            (gettext_noop("Complaints"), "complaints", "60"),
            (gettext_noop("Service quality"), "", "40"),
        ],
    ),
    (
        gettext_noop("Compliance"),
        "15",
        [
            (gettext_noop("Compliance record"), "compliance_record", "60"),
            (gettext_noop("Rules and processes followed"), "", "40"),
        ],
    ),
]

MANAGER_ANNUAL = [
    *MANAGER_QUARTERLY[:1],
    (gettext_noop("Team management"), "25", MANAGER_QUARTERLY[1][2]),
    *MANAGER_QUARTERLY[2:],
    (
        gettext_noop("Whole-year review"),
        "5",
        [(gettext_noop("Overall contribution over the year"), "", "100")],
    ),
]

DEFAULTS = {
    AssessmentKind.ANNUAL_COLLECTOR: COLLECTOR_ANNUAL,
    AssessmentKind.MANAGER_MONTHLY: MANAGER_MONTHLY,
    AssessmentKind.MANAGER_QUARTERLY: MANAGER_QUARTERLY,
    AssessmentKind.MANAGER_ANNUAL: MANAGER_ANNUAL,
}
