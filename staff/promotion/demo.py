"""Demo data for `manage.py seed_demo`: an open promotion cycle with an application at
every stage (one on public notice with an appeal), monthly targets, and the ladder's
history for the demo collectors.

The submissions are written straight (the demo collectors' money figures are "not yet
available" until payments exist, so the service would rightly refuse them); every later
step goes through the services, so stages, votes and notifications are real. A second
run changes nothing (the cycle is looked up by name).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ..models import (
    LevelChange,
    MonthlyTarget,
    PromotionApplication,
    PromotionCycle,
    PromotionStageRecord,
    next_position,
)
from ..performance import figures_as_json
from ..services import demo_data_mark
from . import committee, services
from .eligibility import at_level_since, evaluate

CYCLE_NAME = "2026 年度晋升"
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("staff_profile").first()


def _submit(cycle, applicant) -> PromotionApplication:
    """An application as the service writes it, without the eligibility check."""
    profile = applicant.staff_profile
    standing = evaluate(user=applicant, start=cycle.period_start, end=cycle.period_end)
    department = profile.department
    application = PromotionApplication.objects.create(
        cycle=cycle,
        applicant=applicant,
        branch=profile.branch,
        department=department,
        department_reviewer=department.head if department and department.head_id else None,
        from_position=profile.position,
        to_position=next_position(profile.position),
        personal_details={
            "name": profile.display_name,
            "employee_number": profile.employee_number,
            "branch": profile.branch.name,
            "department": department.name if department else "",
            "hire_date": str(profile.hire_date),
            "at_level_since": str(at_level_since(applicant) or ""),
            "note": "",
        },
        figures=figures_as_json(standing.figures) if standing.figures else {},
        compliance={"summary": standing.compliance, "complaints": standing.complaints},
        capability_statement="熟练运用催收技巧，熟悉相关法律法规，能独立处理复杂案件并指导新同事。",
        attitude_statement="工作认真负责，遵守各项规章制度，积极配合团队完成任务。",
        submitted_at=timezone.now(),
    )
    application.evidence.create(
        file=SimpleUploadedFile("commendation.pdf", SCAN),
        original_name="commendation.pdf",
        content_type="application/pdf",
        size=len(SCAN),
        uploaded_by=applicant,
    )
    PromotionStageRecord.objects.create(
        application=application,
        action=PromotionStageRecord.Action.SUBMITTED,
        actor=applicant,
        to_status=application.status,
    )
    demo_data_mark(obj=application)
    return application


def _to_hr(application):
    head = application.department_reviewer
    services.department_review(
        application=application, actor=head, decision="support", opinion="业绩稳定，同意推荐。"
    )


def _to_committee(application, hr):
    _to_hr(application)
    services.hr_review(
        application=application, actor=hr, recommend=True, evaluation="各项条件符合，建议晋升。"
    )
    application.refresh_from_db()


@transaction.atomic
def seed(*, stdout=None) -> dict:
    hr, members = _user("hq.hr"), [_user(n) for n in ("hq.committee", "hq.manager", "bj.manager")]
    applicants = {
        n: _user(n)
        for n in (
            "sh.collector1",
            "bj.collector1",
            "sh.collector2",
            "bj.collector2",
            "sh.field",
            "bj.field",
        )
    }
    if hr is None or None in members or None in applicants.values():
        return {}
    for user in [*applicants.values(), _user("sh.supervisor"), _user("bj.supervisor")]:
        if user and not LevelChange.objects.filter(user=user).exists():
            LevelChange.objects.create(
                user=user,
                to_position=user.staff_profile.position,
                effective_on=user.staff_profile.hire_date,
                reason=LevelChange.Reason.HIRED,
            )
    today = services.today()
    for supervisor_name, city in (("sh.supervisor", "sh"), ("bj.supervisor", "bj")):
        supervisor = _user(supervisor_name)
        for name in (f"{city}.collector1", f"{city}.collector2", f"{city}.field"):
            collector = _user(name)
            for back in range(0, 6):
                month = (today.replace(day=1) - dt.timedelta(days=back * 28)).replace(day=1)
                MonthlyTarget.objects.get_or_create(
                    user=collector,
                    month=month,
                    defaults={"amount": Decimal("80000"), "set_by": supervisor},
                )
    if PromotionCycle.objects.filter(name=CYCLE_NAME).exists():
        return {}
    from .setup import STEP_POSITIONS, cycle_open

    cycle = cycle_open(
        actor=hr,
        name=CYCLE_NAME,
        period_start=today.replace(month=1, day=1)
        if today.month > 1
        else today.replace(year=today.year - 1, month=1, day=1),
        period_end=today,
        steps=list(STEP_POSITIONS),
        deadline=today + dt.timedelta(days=30),
        committee=members,
        notice_working_days=5,
        quorum=2,
    )
    demo_data_mark(obj=cycle)
    # 1. waiting for the department head
    _submit(cycle, applicants["sh.collector1"])
    # 2. sent back for more evidence
    sent_back = _submit(cycle, applicants["bj.collector1"])
    services.department_review(
        application=sent_back,
        actor=sent_back.department_reviewer,
        decision="send_back",
        opinion="请补充本年度表彰证明。",
    )
    # 3. at HR review
    _to_hr(_submit(cycle, applicants["sh.collector2"]))
    # 4. before the committee, one vote cast
    at_committee = _submit(cycle, applicants["bj.collector2"])
    _to_committee(at_committee, hr)
    committee.committee_vote(
        application=at_committee, actor=members[0], choice="for", comment="同意。"
    )
    # 5. on public notice, with an appeal
    on_notice = _submit(cycle, applicants["sh.field"])
    _to_committee(on_notice, hr)
    for member in members[:2]:
        committee.committee_vote(application=on_notice, actor=member, choice="for")
    on_notice = committee.committee_decide(application=on_notice, actor=members[0])
    committee.appeal_file(
        application=on_notice,
        filed_by=applicants["sh.collector1"],
        grounds="该同事本年度部分回款案件系团队协作完成，请复核业绩归属。",
    )
    # 6. not recommended by HR
    refused = _submit(cycle, applicants["bj.field"])
    _to_hr(refused)
    services.hr_review(
        application=refused,
        actor=hr,
        recommend=False,
        evaluation="带领项目数不足，建议下一周期再申请。",
    )
    if stdout:
        stdout.write(f"promotion: cycle “{CYCLE_NAME}” with 6 applications at every stage")
    return {"cycle": cycle.pk}
