"""The handover page (DESIGN §4.3): a supervisor hands all of a collector's open cases to
others: choose the collectors and say why, preview the balanced plan, apply exactly
what was previewed (signed, like the automatic distribution's preview)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import id_param, in_company_time
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404

from ..access import CASE_SUPERVISOR_ROLES
from ..models import OverdueBucket
from ..selectors import assignment as selectors
from ..services import assignment as assignment_services
from ..services import handover as services
from .assignment import _collectors_with_load, _field_errors

User = get_user_model()

PLAN_SALT = "cases.handover.plan"
PLAN_MAX_AGE = 2 * 60 * 60


def _leaver(request, pk: int):
    """A collector of the supervisor's branch, or one who moved elsewhere and still holds
    open cases the supervisor sees (the handover is how those cases come back)."""
    leaver = selectors.collector_for_user(user=request.user, pk=pk)
    if (
        leaver is None
        and selectors.supervised_cases(request.user).open().filter(assigned_to_id=pk).exists()
    ):
        leaver = User.objects.filter(pk=pk).select_related("staff_profile__branch").first()
    if leaver is None:
        get_scoped_object_or_404(User.objects.none(), user=request.user, pk=pk)
    return leaver


def _page(request, leaver, *, errors=None, posted=None, status=200):
    cases = services.handover_cases(
        leaver=leaver, supervised_cases=selectors.supervised_cases(request.user)
    )
    load = cases.aggregate(count=Count("pk"), balance=Sum("total_balance"))
    # The cases' branch decides who may take them (the leaver may have moved already).
    first = cases.select_related("branch").first()
    branch = first.branch if first else leaver.staff_profile.branch
    return render(
        request,
        "cases/teamwork/handover.html",
        {
            "leaver": leaver,
            "leaver_name": selectors.display_name(leaver),
            "load": load,
            "collectors": [c for c in _collectors_with_load(branch) if c.pk != leaver.pk],
            "errors": errors or {},
            "posted": posted or {},
            "chosen": {id_param(value) for value in (posted or {}).getlist("collectors")}
            if posted
            else set(),
        },
        status=status,
    )


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
def handover(request, pk: int):
    """GET: the form. POST: the preview of the plan (nothing is written)."""
    leaver = _leaver(request, pk)
    if request.method != "POST":
        return _page(request, leaver)
    ids = [id_param(value) for value in request.POST.getlist("collectors")]
    ids = list(dict.fromkeys(pk for pk in ids if pk))
    users = {user.pk: user for user in User.objects.filter(pk__in=ids)}
    receivers = [users.get(pk) for pk in ids]
    reason = request.POST.get("reason", "")
    by_bucket = request.POST.get("by_bucket") == "on"
    cases = list(
        services.handover_cases(
            leaver=leaver, supervised_cases=selectors.supervised_cases(request.user)
        )
    )
    try:
        reason = assignment_services._clean_reason(reason, required=True)
        plan = services.handover_plan(
            leaver=leaver, cases=cases, receivers=receivers, by_bucket=by_bucket
        )
    except ValidationError as exc:
        return _page(request, leaver, errors=_field_errors(exc), posted=request.POST, status=422)
    names = {receiver.pk: selectors.display_name(receiver) for receiver in receivers}
    for share in plan.shares:
        share.name = names[share.collector_id]
        share.buckets = [
            (bucket, share.by_bucket.get(bucket, 0)) for bucket in OverdueBucket.values
        ]
    signed = signing.dumps(
        {
            "actor": request.user.pk,
            "leaver": leaver.pk,
            "branch": cases[0].branch_id,
            "moves": [[case_id, collector_id] for case_id, collector_id in plan.moves().items()],
            "reason": reason,
        },
        salt=PLAN_SALT,
        compress=True,
    )
    return render(
        request,
        "cases/teamwork/handover_preview.html",
        {
            "leaver": leaver,
            "leaver_name": selectors.display_name(leaver),
            "plan": plan,
            "signed_plan": signed,
            "reason": reason,
            "bucket_labels": OverdueBucket.values,
        },
    )


@role_required(*CASE_SUPERVISOR_ROLES)
@in_company_time
@require_POST
def handover_apply(request, pk: int):
    leaver = _leaver(request, pk)
    try:
        plan = signing.loads(request.POST.get("plan", ""), salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This preview has expired or was changed. Preview again."))
        return redirect("cases:handover", pk=leaver.pk)
    if plan.get("actor") != request.user.pk or plan.get("leaver") != leaver.pk:
        raise Http404
    moves = {int(case_id): int(collector_id) for case_id, collector_id in plan["moves"]}
    visible = set(
        selectors.supervised_cases(request.user)
        .filter(pk__in=list(moves))
        .values_list("pk", flat=True)
    )
    if visible != set(moves):
        raise Http404
    try:
        result = services.handover_apply(
            leaver=leaver,
            moves=moves,
            receivers=list(User.objects.filter(pk__in=set(moves.values()))),
            branch_id=plan["branch"],
            actor=request.user,
            reason=plan.get("reason", ""),
        )
    except ValidationError as exc:
        for errors in _field_errors(exc).values():
            for error in errors:
                messages.error(request, error)
        return redirect("cases:handover", pk=leaver.pk)
    level = messages.WARNING if result.taken else messages.SUCCESS
    messages.add_message(request, level, result.summary())
    return redirect("cases:assignment_collector", pk=leaver.pk)
