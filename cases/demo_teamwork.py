"""`seed_demo`'s team work (issue 10): in each branch, last week's report of a demo
phone collector waiting for the supervisor's review, a campaign led by a collector with
some of their cases, and two call quality reviews (one good, one low enough to be
confirmed as a violation). Written through the services; idempotent (what exists is
left alone). Runs after `cases.demo_work`, whose calls it reviews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from collections_office.workdays import company_today
from staff import roles

from .models import CallLog, CallQualityReview, Campaign, Case, WeeklyReport
from .selectors.reports import last_complete_week
from .services import campaigns, quality, reports

NARRATIVE = (
    "Worked all my cases this week. Reached most debtors of the M1 bucket; two promised to "
    "pay by the end of the month. Three numbers turned out wrong: I asked for a field visit "
    "for one of them. Next week: follow up the promises and the callbacks."
)


def _people(branch):
    User = get_user_model()
    collectors = list(
        User.objects.filter(
            groups__name=roles.PHONE_COLLECTOR,
            username__contains=".collector",
            staff_profile__branch=branch,
        ).order_by("username")
    )
    supervisor = (
        User.objects.filter(groups__name=roles.SUPERVISOR, staff_profile__branch=branch)
        .order_by("username")
        .first()
    )
    return collectors, supervisor


def _weekly_report(collector) -> int:
    week = last_complete_week()
    if WeeklyReport.objects.filter(collector=collector, week_start=week).exists():
        return 0
    report = reports.weekly_report_start(collector=collector, week_start=week)
    reports.weekly_report_submit(report=report, actor=collector, narrative=NARRATIVE)
    return 1


def _campaign(branch, lead, supervisor) -> int:
    name = f"Year-end push {branch.code}"
    if Campaign.objects.filter(branch=branch, name=name).exists():
        return 0
    today = company_today()
    campaign = campaigns.campaign_create(
        actor=supervisor,
        branch=branch,
        name=name,
        lead=lead,
        starts_on=today.replace(day=1),
        ends_on=(today.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
        - dt.timedelta(days=1),
        target_amount=Decimal("100000.00"),
        description="M1 and M2 cases of the lead's list, before the bank's year-end review.",
    )
    accounts = list(
        Case.objects.open()
        .filter(assigned_to=lead)
        .order_by("account_no")
        .values_list("account_no", flat=True)[:10]
    )
    if accounts:
        campaigns.campaign_add_cases(
            campaign=campaign, actor=supervisor, account_numbers="\n".join(accounts)
        )
    return 1


def _reviews(collector, supervisor) -> int:
    if CallQualityReview.objects.filter(collector=collector).count() >= 2:
        return 0
    calls = list(
        CallLog.objects.filter(
            collector=collector,
            status=CallLog.Status.COMPLETED,
            quality_reviews__isnull=True,
            party="debtor",
        ).order_by("-started_at")[:2]
    )
    items = list(quality.active_items())
    if sum(item.weight for item in items) != 100:
        return 0  # the checklist was emptied or is being edited: no demo reviews
    made = 0
    for call, mark in zip(calls, (4, 1), strict=False):
        marks = {item.code: mark for item in items}
        comment = (
            "Clear, polite, amounts right."
            if mark == 4
            else "Did not identify the agency; raised voice when the debtor refused."
        )
        quality.call_quality_review(call=call, actor=supervisor, marks=marks, comment=comment)
        made += 1
    return made


def seed(*, stdout=None) -> dict:
    from staff.models import Branch

    totals = {"reports": 0, "campaigns": 0, "reviews": 0}
    for branch in Branch.objects.order_by("code"):
        collectors, supervisor = _people(branch)
        if not collectors or supervisor is None:
            continue
        totals["reports"] += _weekly_report(collectors[0])
        totals["campaigns"] += _campaign(branch, collectors[0], supervisor)
        totals["reviews"] += _reviews(collectors[-1], supervisor)
    if stdout:
        stdout.write(
            "cases: {reports} weekly reports waiting for review, {campaigns} campaigns, "
            "{reviews} call quality reviews".format(**totals)
        )
    return totals
